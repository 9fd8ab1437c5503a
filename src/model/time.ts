// RQ's timestamp text: naive UTC, always six fractional digits and a literal Z
// (`2026-11-26T06:32:25.755554Z`). Python parses 1-6 digits or none, never an offset.

import { pythonNumber } from './python-text.js';
import { RecentMemo } from './recent-memo.js';
import { trickOn } from '../tricks.js';

export function formatTimestamp(date: Date): string {
  // toISOString gives milliseconds; pad to microseconds to be byte-identical with RQ.
  const iso = date.toISOString();
  // Years 0-9999 give the 24-character form; the regex is only for the rest.
  return iso.length === 24 ? `${iso.slice(0, 23)}000Z` : iso.replace(/\.(\d{3})Z$/, '.$1000Z');
}

// strptime's %m/%d/%H/%M/%S take one or two digits, %Y four, %f one to six.
const TIMESTAMP = /^(\d{4})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?Z$/;

/** Parses RQ's format; returns undefined for "" and throws for text RQ itself would reject. */
export function parseTimestamp(text: string | undefined | null): Date | undefined {
  if (text === undefined || text === null || text === '') return undefined;
  // A worker parses four of these per job: the form RQ and rqts write is read by position.
  const date = text.length === 27 ? parseCanonical(text) : parseLoose(text);
  if (!date) throw new Error(`not an RQ timestamp: ${JSON.stringify(text)}`);
  return date;
}

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ` exactly, or undefined. */
function parseCanonical(text: string): Date | undefined {
  if (text[19] !== '.' || text[26] !== 'Z') return undefined;
  for (let i = 20; i < 26; i++) if (!isDigit(text, i)) return undefined;
  const second = secondOf(text.slice(0, 19));
  if (second === undefined) return undefined;
  return new Date(
    second + (text.charCodeAt(20) - 48) * 100 + (text.charCodeAt(21) - 48) * 10 + (text.charCodeAt(22) - 48),
  );
}

// Four slots: one alone was overwritten back and forth for every job (RecentMemo says why).
const seconds = new RecentMemo<number>(trickOn('parse-memo') ? 4 : 0);

/** Milliseconds of `YYYY-MM-DDTHH:MM:SS` (UTC), or undefined for text Python would reject. */
function secondOf(text: string): number | undefined {
  const known = seconds.get(text);
  if (known !== undefined) return known;
  if (text[10] !== 'T') return undefined;
  const ms = Date.parse(`${text}Z`);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls Feb 30 over into March and 24:00 into the next day; Python rejects them,
  // so the second must print back as the text it came from.
  if (new Date(ms).toISOString().slice(0, 19) !== text) return undefined;
  seconds.set(text, ms);
  return ms;
}

function isDigit(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 48 && code <= 57;
}

function parseLoose(text: string): Date | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, frac = '0'] = match;
  return checkedUtc(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Math.floor(Number(frac.padEnd(6, '0')) / 1000),
  );
}

function checkedUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): Date | undefined {
  if (Number.isNaN(year + month + day + hour + minute + second + ms)) return undefined;
  const date = new Date(Date.UTC(year, month, day, hour, minute, second, ms));
  // Date.UTC rolls Feb 30 over into March; Python rejects it, and so do we.
  const same =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return same ? date : undefined;
}

/** Like parseTimestamp but never throws: foreign hashes must not crash a reader. */
export function tryParseTimestamp(text: string | undefined | null): Date | undefined {
  try {
    return parseTimestamp(text);
  } catch {
    return undefined;
  }
}

const UNIT_SECONDS = { d: 86_400, h: 3600, m: 60, s: 1, '': 1 } as const;
const DURATION = /^(-?\d+)([dhms]?)$/i;

/**
 * RQ's duration text in seconds: a whole number, bare or followed by d, h, m or s ('90s', '5m',
 * '2h', '1d'; the unit in either case); undefined when the text is not one. A negative number
 * only when asked for (a job timeout of -1 means none).
 */
export function parseDuration(text: string, options: { negative?: boolean } = {}): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || (!options.negative && match[1]!.startsWith('-'))) return undefined;
  return Number(match[1]) * UNIT_SECONDS[(match[2] ?? '').toLowerCase() as keyof typeof UNIT_SECONDS];
}

/** Seconds from `date` to `now` (never negative: clocks of two hosts disagree); undefined without a date. */
export function secondsSince(date: Date | undefined, now: number): number | undefined {
  return date ? Math.max(0, (now - date.getTime()) / 1000) : undefined;
}

/** RQ's sorted-set scores: integer Unix seconds (floor of now). */
export function unixNow(now: number = Date.now()): number {
  return Math.floor(now / 1000);
}

/** Seconds as Python's repr of a float would write them ("0" for int zero, "4.002596", "5.0"). */
export function formatSeconds(seconds: number): string {
  if (seconds === 0) return '0';
  // timedelta.total_seconds() has microsecond resolution.
  const rounded = Math.round(seconds * 1e6) / 1e6;
  return Number.isInteger(rounded) ? `${rounded}.0` : pythonNumber(rounded);
}

/** Python's str(datetime.now()): server-local time, microseconds only when non-zero. */
export function formatLocalDatetime(date: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const base = `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const ms = date.getMilliseconds();
  return ms === 0 ? base : `${base}.${pad(ms, 3)}000`;
}

/** Python's str() of an aware UTC datetime, as RQ 2.x's now() prints: `2026-12-02 04:02:41.461000+00:00`. */
export function formatUtcDatetime(date: Date): string {
  const iso = date.toISOString(); // 2026-12-02T04:02:41.461Z
  const ms = date.getUTCMilliseconds();
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  return `${ms === 0 ? base : `${base}.${iso.slice(20, 23)}000`}+00:00`;
}
