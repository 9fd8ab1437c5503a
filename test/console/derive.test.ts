import { describe, expect, it } from 'vitest';
import {
  deriveQueueRows,
  deriveTotals,
  deriveWorkerRow,
  heartbeatLevel,
  heartbeatWindow,
  isConsumer,
  orphanReason,
} from '../../src/console/data/derive.js';
import { bucketize, countersOf, rateBetween } from '../../src/console/data/rates.js';
import type { CurrentJob, Snapshot, WorkerEntry } from '../../src/console/data/snapshot.js';
import { workerRecordFromHash } from '../../src/model/worker-record.js';
import { formatTimestamp } from '../../src/model/time.js';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const ago = (s: number): string => formatTimestamp(new Date(NOW - s * 1000));

function worker(
  name: string,
  hash: Record<string, string>,
  listeners = 1,
  pttlMs: number | undefined = undefined,
): WorkerEntry {
  return { name, record: workerRecordFromHash(name, hash), listeners, pttlMs };
}

describe('heartbeat age judged by state', () => {
  it('allows an idle worker ~405 s and a busy one ~30 s', () => {
    expect(heartbeatLevel('idle', 300)).toBe('ok');
    expect(heartbeatLevel('idle', 450)).toBe('late');
    expect(heartbeatLevel('idle', 500)).toBe('stale');
    expect(heartbeatLevel('busy', 40)).toBe('ok');
    expect(heartbeatLevel('busy', 60)).toBe('late');
    expect(heartbeatLevel('busy', 95)).toBe('stale');
    expect(heartbeatLevel('busy', undefined)).toBe('unknown');
  });
});

describe('heartbeat judged by the window each worker set (PTTL + age)', () => {
  // `rq worker --worker-ttl 20`, idle: TTL 80 at each beat, a beat every 5 s.
  const pttlAfter = (ttl: number, age: number): number => (ttl - age) * 1000;
  it('a --worker-ttl 20 idle worker is late a beat after its first missed one, then stale', () => {
    expect(heartbeatWindow('idle', 3, pttlAfter(80, 3))).toMatchObject({
      intervalSeconds: 5,
      graceSeconds: 2.5,
      source: 'ttl',
    });
    expect(heartbeatLevel('idle', 4, pttlAfter(80, 4))).toBe('ok');
    expect(heartbeatLevel('idle', 8, pttlAfter(80, 8))).toBe('late');
    expect(heartbeatLevel('idle', 13, pttlAfter(80, 13))).toBe('stale');
  });
  it('a busy worker with --job-monitoring-interval 60 (TTL 120) is fine at 70 s, where the default would cry', () => {
    expect(heartbeatLevel('busy', 70, pttlAfter(120, 70))).toBe('ok');
    expect(heartbeatLevel('busy', 70)).toBe('late');
    expect(heartbeatLevel('busy', 80, pttlAfter(120, 80))).toBe('late');
    expect(heartbeatLevel('busy', 111, pttlAfter(120, 111))).toBe('stale');
  });
  it('falls back to RQ defaults when the key has no TTL', () => {
    expect(heartbeatWindow('busy', 10, -1).source).toBe('default');
    expect(heartbeatLevel('idle', 450, -1)).toBe('late');
  });
});

describe('orphaned started jobs', () => {
  const live = deriveWorkerRow(
    worker('w', { state: 'busy', queues: 'q', current_job: 'j1', last_heartbeat: ago(1) }, 1, 89_000),
    new Map(),
    NOW,
    new Set(),
  );
  const deaf = deriveWorkerRow(
    worker('k', { state: 'busy', queues: 'q', current_job: 'j2', last_heartbeat: ago(1) }, 0, 89_000),
    new Map(),
    NOW,
    new Set(),
  );
  const rows = new Map([
    ['w', live],
    ['k', deaf],
  ]);
  const job = (id: string, workerName: string, deadline = NOW / 1000 + 60) => ({
    id,
    workerName,
    deadline,
    status: 'started',
    startedAt: new Date(NOW - 60_000),
  });
  it('is not orphaned while its worker runs it', () => {
    expect(orphanReason(job('j1', 'w'), rows, NOW)).toBeUndefined();
    // Deaf but beating: commands are lost, the job is not (yet).
    expect(orphanReason(job('j2', 'k'), rows, NOW)).toBeUndefined();
  });
  it('names why it is orphaned', () => {
    expect(orphanReason(job('j9', 'gone'), rows, NOW)).toBe('no-worker');
    expect(orphanReason(job('j3', 'w'), rows, NOW)).toBe('not-current');
    expect(orphanReason(job('j1', 'w', NOW / 1000 - 1), rows, NOW)).toBe('deadline');
    expect(orphanReason({ ...job('j1', 'gone'), status: 'finished' }, rows, NOW)).toBeUndefined();
  });
});

describe('worker rows', () => {
  const job: CurrentJob = {
    id: 'j1',
    description: 'tasks.hang()',
    status: 'started',
    origin: 'q',
    timeout: 60,
    startedAt: new Date(NOW - 90_000),
    exists: true,
  };
  const jobs = new Map([['j1', job]]);

  it('flags a job over its timeout, a stale heartbeat and a deaf worker', () => {
    const row = deriveWorkerRow(
      worker('w', { state: 'busy', queues: 'q', current_job: 'j1', last_heartbeat: ago(120) }, 0),
      jobs,
      NOW,
      new Set(),
    );
    expect(row.jobElapsedSeconds).toBeCloseTo(90);
    expect(row.jobTimeoutSeconds).toBe(60);
    expect(row.flags).toEqual(['stale', 'overtime', 'deaf']);
  });

  it('does not flag an idle worker that beat 5 minutes ago', () => {
    const row = deriveWorkerRow(
      worker('w', { state: 'idle', queues: 'q', last_heartbeat: ago(300) }),
      jobs,
      NOW,
      new Set(['w']),
    );
    expect(row.flags).toEqual([]);
    expect(row.launched).toBe(true);
  });

  it("shows a worker's pool, and counts a launched pool's workers as launched", () => {
    const member = worker('web-w1-ab12', {
      state: 'idle',
      queues: 'q',
      last_heartbeat: ago(1),
      rqts_pool: 'web',
    });
    const row = deriveWorkerRow(member, jobs, NOW, new Set(), new Set(['web']));
    expect(row.pool).toBe('web');
    expect(row.launched).toBe(true);
    expect(deriveWorkerRow(member, jobs, NOW, new Set(), new Set(['other'])).launched).toBe(false);
    const loner = deriveWorkerRow(
      worker('solo', { state: 'idle', queues: 'q', last_heartbeat: ago(1) }),
      jobs,
      NOW,
      new Set(),
      new Set(['web']),
    );
    expect(loner.pool).toBeUndefined();
    expect(loner.launched).toBe(false);
  });

  it('marks ghosts and dead workers', () => {
    const ghost = deriveWorkerRow(
      { name: 'g', record: undefined, listeners: 0, pttlMs: -2 },
      jobs,
      NOW,
      new Set(),
    );
    expect(ghost.ghost).toBe(true);
    expect(ghost.flags).toEqual(['ghost']);
    const dead = deriveWorkerRow(
      worker('d', { state: 'idle', last_heartbeat: ago(1), death: ago(1) }, 0),
      jobs,
      NOW,
      new Set(),
    );
    expect(dead.flags).toEqual(['dead']);
  });

  it('reads a job with no timeout as unlimited, never overtime', () => {
    const unlimited = new Map([['j1', { ...job, timeout: -1 }]]);
    const row = deriveWorkerRow(
      worker('w', { state: 'busy', current_job: 'j1', last_heartbeat: ago(1) }),
      unlimited,
      NOW,
      new Set(),
    );
    expect(row.jobTimeoutSeconds).toBeUndefined();
    expect(row.flags).toEqual([]);
  });
});

function snapshotOf(workers: WorkerEntry[], takenAt = NOW): Snapshot {
  return {
    takenAt,
    latencyMs: 1,
    durationMs: 1,
    roundTrips: 3,
    commands: 0,
    cron: [],
    serverVersion: undefined,
    server: undefined,
    suspended: false,
    workers,
    started: [],
    queues: [
      {
        name: 'busyq',
        known: true,
        queued: 5,
        counts: { started: 1, finished: 2, failed: 3, deferred: 0, scheduled: 0, canceled: 0 },
        oldestJobId: 'x',
        oldestEnqueuedAt: new Date(NOW - 60_000),
        startedHead: [],
      },
      {
        name: 'orphan',
        known: true,
        queued: 2,
        counts: { started: 0, finished: 0, failed: 1, deferred: 0, scheduled: 0, canceled: 0 },
        oldestJobId: 'y',
        oldestEnqueuedAt: undefined,
        startedHead: [],
      },
    ],
    currentJobs: new Map(),
    jobPage: undefined,
    detail: undefined,
  };
}

describe('queue rows and totals', () => {
  it('counts live listeners and flags a queue with jobs and no worker', () => {
    const snap = snapshotOf([
      worker('a', { state: 'idle', queues: 'busyq', last_heartbeat: ago(1) }),
      { name: 'g', record: undefined, listeners: 0, pttlMs: -2 },
    ]);
    const rows = snap.workers.map((w) => deriveWorkerRow(w, snap.currentJobs, NOW, new Set()));
    const queues = deriveQueueRows(snap, rows, NOW);
    expect(queues.map((q) => [q.name, q.workers, q.flags])).toEqual([
      ['busyq', 1, []],
      ['orphan', 0, ['no-worker']],
    ]);
    expect(queues[0]?.oldestAgeSeconds).toBe(60);
    expect(rows.map(isConsumer)).toEqual([true, false]);
    const totals = deriveTotals(rows, queues);
    expect(totals).toMatchObject({
      workers: 1,
      ghosts: 1,
      queued: 7,
      started: 1,
      failed: 4,
      byState: { idle: 1 },
    });
  });
});

describe('rates from counter deltas', () => {
  it('sums per-worker deltas and ignores workers that appeared or restarted', () => {
    const before = countersOf(
      snapshotOf(
        [
          worker('a', { successful_job_count: '10', failed_job_count: '1' }),
          worker('b', { successful_job_count: '50' }),
        ],
        NOW,
      ),
    );
    const after = countersOf(
      snapshotOf(
        [
          worker('a', { successful_job_count: '14', failed_job_count: '2' }),
          worker('b', { successful_job_count: '3' }),
          worker('c', { successful_job_count: '99' }),
        ],
        NOW + 2000,
      ),
    );
    expect(rateBetween(before, after)).toEqual({ finished: 2, failed: 0.5 });
  });

  it('averages samples into time buckets for the sparkline', () => {
    const samples = [
      { at: NOW - 25_000, finished: 4, failed: 0 },
      { at: NOW - 21_000, finished: 2, failed: 0 },
      { at: NOW - 1_000, finished: 1, failed: 1 },
    ];
    expect(bucketize(samples, NOW, 10, 3, (s) => s.finished)).toEqual([3, 0, 1]);
  });
});
