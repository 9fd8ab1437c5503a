import { describe, expect, it } from 'vitest';
import { BUCKET_SECONDS, BUCKETS, QueueTrends } from '../../src/console/data/queue-trends.js';
import { MAX_INTERVAL_MS, refreshPace } from '../../src/console/data/refresh-budget.js';
import { deriveQueueRows } from '../../src/console/data/derive.js';
import { QUEUE_COLUMNS } from '../../src/console/data/columns.js';
import type { QueueEntry, Snapshot } from '../../src/console/data/snapshot.js';

// The queues screen's trends are computed from refreshes alone; these tests feed QueueTrends
// the refreshes a console would see, one every second, on a clock they control.

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);

function entry(name: string, queued: number, finished = 0, failed = 0): QueueEntry {
  return {
    name,
    known: true,
    queued,
    counts: { started: 0, finished, failed, deferred: 0, scheduled: 0, canceled: 0 },
    oldestJobId: queued > 0 ? `${name}-head` : undefined,
    oldestEnqueuedAt: queued > 0 ? new Date(T0) : undefined,
    startedHead: [],
  };
}

/** Feeds one refresh a second for `seconds`, the queue's state given per second. */
function feed(trends: QueueTrends, seconds: number, at: (s: number) => QueueEntry[], from = 0): number {
  let now = T0;
  for (let s = from; s < from + seconds; s++) {
    now = T0 + s * 1000;
    trends.record(at(s), now);
  }
  return now;
}

describe('queue trends', () => {
  it('flags a backlog that keeps growing, and not one that workers drain', () => {
    const trends = new QueueTrends();
    const now = feed(trends, 150, (s) => [entry('rising', 100 + s), entry('draining', 500 - s * 2)]);
    const rising = trends.trend('rising', now);
    expect(rising?.growing).toBeDefined();
    expect(rising?.growing?.by).toBeGreaterThanOrEqual(100);
    expect(trends.trend('draining', now)?.growing).toBeUndefined();
  });

  it('does not call a backlog growing when it rose and fell back within the window', () => {
    const trends = new QueueTrends();
    // A burst of 200 jobs, then workers bring it down, then a small rise again.
    const now = feed(trends, 150, (s) => [
      entry('bursty', s < 60 ? 200 : s < 100 ? 200 - (s - 60) * 5 : 10 + s - 100),
    ]);
    expect(trends.trend('bursty', now)?.growing).toBeUndefined();
  });

  it('needs a minute of history before it flags anything', () => {
    const trends = new QueueTrends();
    const now = feed(trends, 30, (s) => [entry('new', s * 50)]);
    expect(trends.trend('new', now)?.growing).toBeUndefined();
  });

  it('rates come from the registries growing, and a cleanup is not a negative rate', () => {
    const trends = new QueueTrends();
    // 5 finished and 1 failed a second; at second 40 a cleanup drops 100 expired finished ids.
    const now = feed(trends, 60, (s) => [entry('q', 3, s * 5 - (s >= 40 ? 100 : 0), s)]);
    const trend = trends.trend('q', now);
    expect(trend?.failedPerSecond).toBeCloseTo(1, 1);
    // The second of the cleanup counts no finish: just under 5/s, never below.
    expect(trend?.finishedPerSecond).toBeGreaterThan(4.5);
    expect(trend?.finishedPerSecond).toBeLessThanOrEqual(5);
    expect(trend?.errorRate).toBeCloseTo(1 / 6, 1);
  });

  it('an outage does not read as a burst when the counters come back', () => {
    const trends = new QueueTrends();
    feed(trends, 30, (s) => [entry('q', 0, s, 0)]);
    trends.forgetCounters();
    // Back after the outage with 10,000 more finished than before it.
    const now = feed(trends, 30, (s) => [entry('q', 0, 10_000 + s, 0)], 90);
    expect(trends.trend('q', now)?.finishedPerSecond).toBeLessThan(2);
  });

  it('keeps five minutes per queue, and forgets queues that are gone', () => {
    const trends = new QueueTrends();
    const now = feed(trends, 900, (s) => (s < 890 ? [entry('a', s), entry('b', 1)] : [entry('a', s)]));
    expect(trends.trend('a', now)?.backlog.length).toBe(BUCKETS);
    expect(trends.trend('a', now)?.backlog.at(-1)).toBe(899);
    expect(trends.trend('a', now)?.backlog[0]).toBeGreaterThanOrEqual(899 - BUCKETS * BUCKET_SECONDS);
    expect(trends.trend('b', now)).toBeUndefined();
  });

  it('the queues screen shows GROWING, the backlog sparkline and the rates', () => {
    const trends = new QueueTrends();
    const now = feed(trends, 150, (s) => [
      entry('rising', 100 + s, s * 2, Math.floor(s / 2)),
      entry('calm', 5),
    ]);
    const snapshot = {
      queues: [entry('rising', 249, 298, 74), entry('calm', 5)],
      workers: [],
    } as unknown as Snapshot;
    const rows = deriveQueueRows(snapshot, [], now, trends);
    const text = (id: string, name: string): string => {
      const column = QUEUE_COLUMNS.find((c) => c.id === id);
      const row = rows.find((r) => r.name === name);
      if (!column || !row) throw new Error(`no ${id} for ${name}`);
      return column.text(row, now);
    };
    expect(text('flags', 'rising')).toContain('GROWING');
    expect(text('flags', 'calm')).not.toContain('GROWING');
    expect(text('trend', 'rising')).toMatch(/^[▁▂▃▄▅▆▇█ ]+$/);
    expect(text('trend', 'rising').trim().at(-1)).toBe('█');
    // Its oldest job (enqueued at T0) keeps ageing: the age line rises to its right end.
    expect(text('ageTrend', 'rising').trim().at(-1)).toBe('█');
    expect(text('ageTrend', 'rising').trim()[0]).not.toBe('█');
    expect(text('done', 'rising')).toBe('2.0');
    expect(text('failRate', 'rising')).toBe('0.5');
    expect(text('errors', 'rising')).toBe('20%');
  });
});

describe('refresh pace', () => {
  it('keeps the asked interval while a refresh is cheap', () => {
    expect(refreshPace(1000, 4_500, 60)).toEqual({ intervalMs: 1000, reason: undefined });
  });

  it('stretches for a large fleet so one console stays within 2% of a Redis core', () => {
    const pace = refreshPace(1000, 45_000, 300);
    expect(pace.reason).toBe('redis-budget');
    // 45,000 commands at 1.6 µs is 72 ms of Redis CPU: 2% of a core means every 3.6 s.
    expect(pace.intervalMs).toBe(3600);
  });

  it('stretches when reading takes the console more than a quarter of its time', () => {
    expect(refreshPace(1000, 1_000, 800)).toEqual({ intervalMs: 3200, reason: 'slow-read' });
  });

  it('never waits longer than half a minute', () => {
    expect(refreshPace(1000, 10_000_000, 0).intervalMs).toBe(MAX_INTERVAL_MS);
  });
});
