import wrapAnsi from 'wrap-ansi';
import type { Line } from '../data/detail.js';
import { displayKey, KEYMAP, reachableContexts, type Context } from '../keymap.js';

const GROUPS: [string, (ctx: readonly Context[]) => boolean][] = [
  ['Everywhere', (c) => c.includes('workers') && c.includes('help')],
  [
    'Tables',
    (c) =>
      !c.includes('help') &&
      (c.includes('workers') ||
        c.includes('queues') ||
        c.includes('jobs') ||
        c.includes('detail') ||
        c.includes('logs')),
  ],
  ['Confirmation', (c) => c.includes('confirm')],
  ['Prompts', (c) => c.includes('filter') || c.includes('launch')],
  ['Quit prompt', (c) => c.includes('quit')],
  ['Context list (@)', (c) => c.includes('switcher')],
];

/** The help screen, generated from the keymap table (nothing here is written by hand). */
/** Keys column and its gaps: a wrapped help text continues under its start. */
const HELP_COLUMN = 25;

/** Wrapped to `width`, never cut: the help is where a key's whole meaning is read. */
export function helpLines(readOnly: boolean, width = Number.POSITIVE_INFINITY): Line[] {
  const lines: Line[] = [];
  const seen = new Set<string>();
  for (const [title, member] of GROUPS) {
    // In --read-only only what can be used there: no action, no layer only an action opens.
    const bindings = KEYMAP.map((b) => ({ b, contexts: reachableContexts(b, { readOnly }) })).filter(
      ({ b, contexts }) => !seen.has(b.id) && contexts.length > 0 && member(contexts),
    );
    if (bindings.length === 0) continue;
    lines.push({ text: title, bold: true, tone: 'accent' });
    for (const { b, contexts } of bindings) {
      seen.add(b.id);
      const keys = b.keys.map(displayKey).join(' ');
      const where = contexts.length >= 6 ? '' : `  [${contexts.join(', ')}]`;
      const text = `${b.help}${b.confirm ? ' (asks first)' : ''}${where}`;
      const parts = Number.isFinite(width)
        ? wrapAnsi(text, Math.max(20, width - HELP_COLUMN), { hard: true, trim: true }).split('\n')
        : [text];
      parts.forEach((part, i) =>
        lines.push({ text: `${i === 0 ? `  ${keys.padEnd(22)} ` : ' '.repeat(HELP_COLUMN)}${part}` }),
      );
    }
    lines.push({ text: '' });
  }
  if (readOnly) lines.push({ text: 'Read-only mode: every action is switched off.', tone: 'warn' });
  lines.push({
    text: 'Flags: GHOST listed but hash gone · DEAD death registered · STALE-HB/late-hb heartbeat older than the state allows',
    tone: 'dim',
  });
  lines.push({
    text: '       OVERTIME job past its timeout · DEAF nobody listens on its command channel · ◆ launched by this console',
    tone: 'dim',
  });
  return lines;
}
