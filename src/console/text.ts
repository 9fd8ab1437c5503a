import stringWidth from 'string-width';

// Text helpers shared by the console's views. Anything that came from Redis (names,
// descriptions, tracebacks, log lines) is hostile until escaped: a job description
// holding "\x1b[2J" must not clear the on-call engineer's screen.

export { escapeControl, escapeLines } from '../model/control-text.js';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const C0_OR_DEL = /[\u0000-\u001f\u007f]/;

/** Whether a key's input is a control sequence rather than typed text. */
export const hasControlCharacter = (text: string): boolean => C0_OR_DEL.test(text);

export function displayWidth(text: string): number {
  return stringWidth(text);
}

/**
 * Cuts to `width` terminal columns (an ellipsis marks the cut) and pads with spaces to
 * exactly `width`. `keep: 'end'` cuts the head instead: worker names differ at their end
 * (`…console2053.1`), not in the host prefix they share.
 */
export function fit(
  text: string,
  width: number,
  align: 'left' | 'right' = 'left',
  keep: 'start' | 'end' = 'start',
): string {
  if (width <= 0) return '';
  let out = text;
  let w = stringWidth(out);
  if (w > width) {
    const chars = keep === 'end' ? [...out].reverse() : [...out];
    const kept: string[] = [];
    let used = 0;
    for (const ch of chars) {
      const cw = stringWidth(ch);
      if (used + cw > width - 1) break;
      kept.push(ch);
      used += cw;
    }
    out = keep === 'end' ? `…${kept.reverse().join('')}` : `${kept.join('')}…`;
    w = used + 1;
  }
  const pad = ' '.repeat(Math.max(0, width - w));
  return align === 'right' ? pad + out : out + pad;
}

/** Compact human duration: 0.4s, 12s, 3m05s, 2h04m, 3d02h. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '-';
  const s = Math.max(0, seconds);
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.floor(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0/s';
  if (perSecond < 10) return `${perSecond.toFixed(1)}/s`;
  return `${Math.round(perSecond)}/s`;
}

export function formatCount(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** Unicode sparkline of the last `width` values, scaled to the largest one shown. */
export function sparkline(values: readonly number[], width: number): string {
  const shown = values.slice(-width);
  const max = Math.max(0, ...shown);
  const line = shown
    .map((v) => {
      if (max === 0 || v <= 0) return ' ';
      const index = Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1) + 0.5));
      return BARS[Math.max(0, index)] ?? ' ';
    })
    .join('');
  return line.padStart(width, ' ');
}

// The console's one clock: every time it shows (header, status line, logs, events, detail)
// is local time, or UTC with --utc. Set once by runConsole before the first frame.
let utcClock = false;

/** Switches every time the console shows to UTC (`--utc`), or back to local time. */
export function setUtcClock(utc: boolean): void {
  utcClock = utc;
}

export function isUtcClock(): boolean {
  return utcClock;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "06:32:25" on the console's clock. */
export function formatClock(date: Date): string {
  if (utcClock) return date.toISOString().slice(11, 19);
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

/** "2026-11-26 06:32:25Z" in UTC, "2026-11-26 08:32:25+02:00" in local time. */
export function formatTimestamp(date: Date): string {
  if (utcClock) return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
  const offset = -date.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${pad2(Math.floor(Math.abs(offset) / 60))}:${pad2(Math.abs(offset) % 60)}`;
  const day = `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
  return `${day} ${formatClock(date)}${zone}`;
}

/** "2026-11-26 06:32:25Z (3m05s ago)" for detail views, on the console's clock. */
export function formatTimestampWithAge(date: Date | undefined, now: number): string {
  if (!date) return '-';
  const text = formatTimestamp(date);
  const age = (now - date.getTime()) / 1000;
  return age >= 0 ? `${text} (${formatDuration(age)} ago)` : `${text} (in ${formatDuration(-age)})`;
}
