import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SLOW,
  distributionText,
  functionOf,
  isSlow,
  percentile,
  runOf,
  RuntimeBook,
  slowText,
  statsOf,
} from '../../src/console/data/runtimes.js';

describe('usual run times', () => {
  it('names the function from an RQ or rqts description', () => {
    expect(functionOf('tasks.slow(2)')).toBe('tasks.slow');
    expect(functionOf("app.jobs.send_mail('a@b', retries=3)")).toBe('app.jobs.send_mail');
    expect(functionOf('plain')).toBe('plain');
    expect(functionOf('')).toBeUndefined();
    expect(functionOf(undefined)).toBeUndefined();
  });

  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.95)).toBe(95);
    expect(percentile([7], 0.95)).toBe(7);
    expect(statsOf([3, 1, 2])).toEqual({ p50: 2, p95: 3, n: 3 });
    expect(statsOf([])).toBeUndefined();
  });

  it('reads each job once, keeps the newest runs per function, ignores runs without times', () => {
    const book = new RuntimeBook({ jobs: 10, perFunction: 3 });
    book.add('a', { func: 'f', seconds: 100 });
    for (const [i, s] of [1, 2, 3].entries()) book.add(`b${i}`, { func: 'f', seconds: s });
    book.add('c', undefined);
    book.add('a', { func: 'f', seconds: 1 }); // already read: ignored
    expect(book.has('c')).toBe(true);
    expect(book.stats('f')).toEqual({ p50: 2, p95: 3, n: 3 });
    expect(book.stats('g')).toBeUndefined();
  });

  it('forgets the oldest jobs past its bound', () => {
    const book = new RuntimeBook({ jobs: 2, perFunction: 10 });
    book.add('1', { func: 'f', seconds: 1 });
    book.add('2', { func: 'f', seconds: 2 });
    book.add('3', { func: 'f', seconds: 3 });
    expect(book.has('1')).toBe(false);
    expect(book.stats('f')?.n).toBe(2);
  });

  it('turns timestamps into a run', () => {
    expect(runOf('t.f(1)', new Date(1000), new Date(3500))).toEqual({ func: 't.f', seconds: 2.5 });
    expect(runOf('t.f(1)', undefined, new Date(3500))).toBeUndefined();
    expect(runOf('t.f(1)', new Date(4000), new Date(3500))).toBeUndefined();
  });

  it('flags SLOW past factor × p95 and past the floor', () => {
    const stats = { p50: 1, p95: 2.1, n: 180 };
    expect(isSlow(stats, 47, DEFAULT_SLOW)).toBe(true);
    expect(isSlow(stats, 6, DEFAULT_SLOW)).toBe(false); // under 3 × 2.1
    expect(isSlow({ p50: 0.1, p95: 0.2, n: 5 }, 4, DEFAULT_SLOW)).toBe(false); // under the floor
    expect(isSlow({ p50: 0.1, p95: 0.2, n: 5 }, 4, { factor: 3, floorSeconds: 1 })).toBe(true);
    expect(isSlow(undefined, 1000, DEFAULT_SLOW)).toBe(false);
    expect(slowText(stats, 47)).toBe('usually 2.1s (p95 of 180 runs), running 47s');
    expect(distributionText(stats)).toBe('p50 1.0s, p95 2.1s, n=180');
  });
});
