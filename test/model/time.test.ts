import { describe, expect, it } from 'vitest';
import {
  formatLocalDatetime,
  formatSeconds,
  formatTimestamp,
  parseDuration,
  parseTimestamp,
  tryParseTimestamp,
  unixNow,
} from '../../src/model/time.js';
import { pythonRqAvailable, runPython } from '../helpers/python.js';

describe('RQ timestamps', () => {
  it('are written with six fractional digits and a literal Z', () => {
    const text = formatTimestamp(new Date(Date.UTC(2024, 4, 1, 12, 34, 56, 123)));
    expect(text).toBe('2024-05-01T12:34:56.123000Z');
    expect(formatTimestamp(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 0)))).toBe('2024-01-02T03:04:05.000000Z');
    expect(formatTimestamp(new Date())).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });

  it('are right for interleaved and repeated times', () => {
    const times = [0, 1, 0, 2, 2, 1, 1e12, 0, 253402300799999, -1].map((ms) => 1_700_000_000_000 + ms);
    for (const ms of times)
      expect(formatTimestamp(new Date(ms))).toBe(new Date(ms).toISOString().replace('Z', '000Z'));
    expect(formatTimestamp(new Date(Date.UTC(10000, 0, 1)))).toBe('+010000-01-01T00:00:00.000000Z');
    expect(() => formatTimestamp(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('parse 1 to 6 fractional digits and none', () => {
    const base = Date.UTC(2024, 4, 1, 12, 34, 56);
    expect(parseTimestamp('2024-05-01T12:34:56Z')?.getTime()).toBe(base);
    expect(parseTimestamp('2024-05-01T12:34:56.1Z')?.getTime()).toBe(base + 100);
    expect(parseTimestamp('2024-05-01T12:34:56.12Z')?.getTime()).toBe(base + 120);
    expect(parseTimestamp('2024-05-01T12:34:56.123Z')?.getTime()).toBe(base + 123);
    expect(parseTimestamp('2024-05-01T12:34:56.1234Z')?.getTime()).toBe(base + 123);
    expect(parseTimestamp('2024-05-01T12:34:56.12345Z')?.getTime()).toBe(base + 123);
    expect(parseTimestamp('2024-05-01T12:34:56.123456Z')?.getTime()).toBe(base + 123);
    expect(parseTimestamp('')).toBeUndefined();
  });

  it('refuse what Python refuses: offsets, 7 digits, impossible dates', () => {
    const sixDigits = [
      '2024-02-30T00:00:00.000000Z',
      '2024-05-01T24:00:00.000000Z',
      '2024-05-01T12:34:5x.000000Z',
      '2024-05-01 12:34:56.000000Z',
      '2024-05-01T12:34:56.00000+Z',
    ];
    for (const bad of [
      '2024-05-01T12:34:56+00:00',
      '2024-05-01T12:34:56.1234567Z',
      '2024-05-01 12:34:56Z',
      '2024-02-30T00:00:00Z',
      '2024-05-01T24:00:00Z',
      'yesterday',
      ...sixDigits,
    ]) {
      expect(() => parseTimestamp(bad), bad).toThrow(/not an RQ timestamp/);
      expect(tryParseTimestamp(bad)).toBeUndefined();
    }
  });

  it('read back every instant they were written at, to the millisecond', () => {
    for (let ms = Date.UTC(1999, 11, 31, 23, 59, 59, 999); ms < Date.UTC(2031, 0, 1); ms += 86_399_997 * 37) {
      expect(parseTimestamp(formatTimestamp(new Date(ms)))?.getTime()).toBe(ms);
    }
  });

  it('scores are floor(now) in seconds and working times print like Python floats', () => {
    expect(unixNow(1_700_000_000_999)).toBe(1_700_000_000);
    expect(formatSeconds(0)).toBe('0');
    expect(formatSeconds(4.0025961)).toBe('4.002596');
    expect(formatSeconds(5)).toBe('5.0');
    expect(formatSeconds(0.00005)).toBe('5e-05');
  });

  it("prints Python's str(datetime.now()) form for local times", () => {
    const date = new Date(2024, 4, 1, 7, 8, 9, 45);
    expect(formatLocalDatetime(date)).toBe('2024-05-01 07:08:09.045000');
    expect(formatLocalDatetime(new Date(2024, 4, 1, 7, 8, 9, 0))).toBe('2024-05-01 07:08:09');
  });
});

describe.skipIf(!pythonRqAvailable())("timestamps against Python RQ's utcformat/utcparse", () => {
  it("Python's utcparse reads ours and we read Python's utcformat", async () => {
    const ours = [
      new Date(Date.UTC(2024, 4, 1, 12, 34, 56, 123)),
      new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 0)),
      new Date(),
    ].map(formatTimestamp);
    const py = await runPython(
      `
import json
from datetime import datetime
from rq.utils import utcparse, utcformat
ours = json.loads(${JSON.stringify(JSON.stringify(ours))})
parsed = [utcparse(t).isoformat(timespec='microseconds') for t in ours]
theirs = [utcformat(datetime(2024, 5, 1, 12, 34, 56, 123456)), utcformat(datetime(2030, 1, 2, 3, 4, 5)), utcformat(datetime.utcnow())]
short = [utcparse(t).isoformat(timespec='microseconds') for t in ['2024-05-01T12:34:56.1Z', '2024-05-01T12:34:56Z']]
print(json.dumps({'parsed': parsed, 'theirs': theirs, 'short': short}))
`,
    );
    expect(py.code, py.stderr).toBe(0);
    const out = JSON.parse(py.stdout) as { parsed: string[]; theirs: string[]; short: string[] };
    expect(out.parsed).toEqual(ours.map((t) => t.replace('Z', '')));
    expect(out.theirs[0]).toBe('2024-05-01T12:34:56.123456Z');
    expect(out.theirs[1]).toBe('2030-01-02T03:04:05.000000Z');
    expect(parseTimestamp(out.theirs[0])?.toISOString()).toBe('2024-05-01T12:34:56.123Z');
    expect(parseTimestamp(out.theirs[1])?.toISOString()).toBe('2030-01-02T03:04:05.000Z');
    const now = parseTimestamp(out.theirs[2]);
    expect(Math.abs((now?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(formatTimestamp(parseTimestamp(out.theirs[1])!)).toBe(out.theirs[1]);
    // Python reads what parseTimestamp accepts with the same meaning.
    expect(out.short).toEqual(['2024-05-01T12:34:56.100000', '2024-05-01T12:34:56.000000']);
    expect(parseTimestamp('2024-05-01T12:34:56.1Z')?.toISOString()).toBe('2024-05-01T12:34:56.100Z');
  });
});

describe('parseDuration (job timeouts, --schedule-in)', () => {
  it("reads RQ's units in either case, and bare seconds", () => {
    expect(['180', '90s', '5m', '2H', '1d', ' 7 '].map((t) => parseDuration(t))).toEqual([
      180, 90, 300, 7200, 86_400, 7,
    ]);
  });

  it('refuses what is no duration, and a negative one unless asked', () => {
    expect(['', '1.5', '5 m', '1w', 'm'].map((t) => parseDuration(t))).toEqual(Array(5).fill(undefined));
    expect(parseDuration('-1')).toBeUndefined();
    expect(parseDuration('-1', { negative: true })).toBe(-1);
  });
});
