import { kebabCase, type CommandDescriptor, type FlagSpec } from './command.js';

// Help text is rendered from the descriptors only, so a flag cannot exist without being
// documented; the README's CLI reference is rendered by the same functions.

export const BIN = 'rqts';

export function flagLabel(key: string, spec: FlagSpec): string {
  const long = `--${kebabCase(key)}`;
  const value =
    spec.type === 'boolean' ? '' : ` ${spec.valueName ?? (spec.type === 'number' ? 'N' : 'VALUE')}`;
  const aliases = spec.aliases && spec.aliases.length > 0 ? `, ${spec.aliases.join(', ')}` : '';
  return `${spec.short ? `-${spec.short}, ` : '    '}${long}${aliases}${value}`;
}

export function flagNotes(spec: FlagSpec): string {
  const notes: string[] = [];
  if (spec.choices) notes.push(`one of: ${spec.choices.join(', ')}`);
  if (spec.multiple) notes.push('repeatable');
  if (spec.default !== undefined && !(Array.isArray(spec.default) && spec.default.length === 0)) {
    notes.push(`default: ${Array.isArray(spec.default) ? spec.default.join(' ') : String(spec.default)}`);
  }
  if (spec.env) notes.push(`env: ${spec.env}`);
  return notes.length > 0 ? ` (${notes.join('; ')})` : '';
}

/** Help lines stay readable in an 100-column terminal and in the README. */
const LINE_WIDTH = 100;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return line === '' ? [...lines, ''] : [...lines, line];
}

function table(rows: readonly [string, string][], indent = '  '): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  const textWidth = Math.max(30, LINE_WIDTH - indent.length - width - 2);
  return rows.flatMap(([left, right]) =>
    wrap(right, textWidth).map((part, i) =>
      `${indent}${(i === 0 ? left : '').padEnd(width)}  ${part}`.trimEnd(),
    ),
  );
}

function paragraph(text: string): string[] {
  return text.split('\n').flatMap((line) => wrap(line, LINE_WIDTH));
}

export function renderCommandHelp(command: CommandDescriptor): string {
  const lines = [
    `Usage: ${BIN} ${command.name} [options]${command.usage ? ` ${command.usage}` : ''}`,
    '',
    command.summary,
  ];
  if (command.description) lines.push('', ...paragraph(command.description));
  const rows: [string, string][] = Object.entries(command.flags).map(([key, spec]) => [
    flagLabel(key, spec),
    spec.description + flagNotes(spec),
  ]);
  rows.push(['-h, --help', 'Show this help']);
  lines.push('', 'Options:', ...table(rows));
  if (command.examples && command.examples.length > 0)
    lines.push('', 'Examples:', ...command.examples.map((e) => `  $ ${e}`));
  return lines.join('\n');
}

export function renderMainHelp(commands: readonly CommandDescriptor[], version: string): string {
  return [
    `${BIN} ${version}: Python RQ's workers in TypeScript, wire-compatible with RQ 1.16 in Redis`,
    '',
    `Usage: ${BIN} <command> [options] [arguments]`,
    '',
    'Commands:',
    ...table(commands.map((c) => [c.name, c.summary])),
    '',
    'Options:',
    ...table([
      ['-h, --help', 'Show this help'],
      ['--version', 'Print the version'],
    ]),
    '',
    `Run \`${BIN} <command> --help\` for a command's options.`,
  ].join('\n');
}
