import { REASON_NAMES } from './account.mjs';

// The matrix's two renderings: one compact grid (scenario by system, a cell per pair) for the
// README, and one row per cell with every column for docs/reliability.md.

/** "40" when every job ran once and finished; else ok count plus a code per non-zero count. */
export function cellCode(r) {
  if (!r) return '';
  if (r.na) return 'n/a';
  if (r.error) return 'ERROR';
  const parts = [String(r.ok)];
  const failed = Object.entries(r.failed)
    .map(([letter, n]) => `${n}${letter}`)
    .join('');
  if (failed) parts.push(`f${failed}`);
  if (r.finished - r.ok > 0) parts.push(`~${r.finished - r.ok}`);
  if (r.ranTwice) parts.push(`r${r.ranTwice}`);
  if (r.doneTwice) parts.push(`d${r.doneTwice}`);
  if (r.stranded) parts.push(`s${r.stranded}`);
  if (r.queued) parts.push(`q${r.queued}`);
  if (r.lost) parts.push(`L${r.lost}`);
  if (r.gone) parts.push(`g${r.gone}`);
  if (r.twoPlaces) parts.push(`R${r.twoPlaces}`);
  if (r.exits) parts.push(`x${r.exits}`);
  return parts.join(' ');
}

function markdown(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

export function grid(systems, scenarios, results) {
  const header = ['scenario', ...systems.map((s) => s.label)];
  const rows = scenarios.map((sc) => [
    sc.id,
    ...systems.map((s) => cellCode(results.get(`${s.id}/${sc.id}`))),
  ]);
  return markdown(header, rows);
}

export const LEGEND = [
  'A number alone: every job ran once and finished, nothing else to report. Otherwise the number',
  'is the jobs that did, followed by: f<n><reason> failed (reasons: ' +
    Object.entries(REASON_NAMES)
      .map(([letter, name]) => `${letter} ${name}`)
      .join(', ') +
    '),',
  '~n finished but not cleanly (ran or completed more than once, or in two places), rn ran twice or more,',
  'dn completed twice or more, sn stranded (started, and nothing will end it), qn still queued,',
  'Ln lost (never completed, nothing left to run it), gn gone (completed, then its hash was lost),',
  'Rn in two registries/queues at once, xn worker exits the matrix did not cause.',
].join('\n');

export function details(systems, scenarios, results) {
  const header = [
    'system',
    'scenario',
    'ok',
    'finished',
    'failed',
    'stranded',
    'queued',
    'lost',
    'gone',
    'ran 2x',
    'done 2x',
    'max runs',
    '2 places',
    'exits',
    's',
    'note',
  ];
  const rows = [];
  for (const sc of scenarios) {
    for (const s of systems) {
      const r = results.get(`${s.id}/${sc.id}`);
      if (!r || r.na) continue;
      if (r.error) {
        rows.push([s.label, sc.id, ...Array(13).fill(''), `ERROR ${r.error}`]);
        continue;
      }
      const failed = Object.entries(r.failed)
        .map(([letter, n]) => `${n} ${REASON_NAMES[letter]}`)
        .join(', ');
      rows.push([
        s.label,
        sc.id,
        ...[r.ok, r.finished].map(String),
        failed || '0',
        ...[
          r.stranded,
          r.queued,
          r.lost,
          r.gone,
          r.ranTwice,
          r.doneTwice,
          r.maxRuns,
          r.twoPlaces,
          r.exits,
        ].map(String),
        String(r.seconds),
        String(r.note ?? '').replace(/\|/g, '/'),
      ]);
    }
  }
  return markdown(header, rows);
}
