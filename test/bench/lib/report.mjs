// Plain-text tables and the arithmetic behind them (medians over rounds, ratios), and the
// bench's one way of reading a count from the environment.

/** A positive integer from the environment, `fallback` when unset; throws one line when bad. */
export function envInt(name, fallback, env = process.env) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name}=${raw} is not a positive integer; unset it or give e.g. ${name}=${fallback}`);
  return value;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function rate(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

export const fmt = {
  int: (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a'),
  ratio: (n) => (Number.isFinite(n) ? `${n >= 10 ? n.toFixed(1) : n.toFixed(2)}x` : 'n/a'),
  ms: (n) => (Number.isFinite(n) ? n.toFixed(3) : 'n/a'),
  mib: (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`,
  range: (r) => `${fmt.int(r.min)}-${fmt.int(r.max)}`,
};

export function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) =>
    cells
      .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
      .join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
