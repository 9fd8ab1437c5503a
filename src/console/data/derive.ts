import type { RegistryCounts } from '../../model/registry.js';
import type { CurrentJob, QueueEntry, Snapshot, WorkerEntry } from './snapshot.js';

// Pure functions from a snapshot (plus the clock) to what the screens show. No I/O here:
// everything is unit-tested with hand-built snapshots.

/**
 * How often a worker in a given state refreshes last_heartbeat, and the TTL it sets on
 * its key (rq-protocol §2.3): idle workers beat at least every 405 s (BLPOP timeout,
 * TTL 480); busy ones every 30 s (job monitoring interval, TTL 90).
 */
export const HEARTBEAT_POLICY = {
  busy: { intervalSeconds: 30, ttlSeconds: 90 },
  idle: { intervalSeconds: 405, ttlSeconds: 480 },
} as const;
/** Slack for network and scheduling jitter before a heartbeat counts as late. */
const HEARTBEAT_GRACE_SECONDS = 15;

export type HeartbeatLevel = 'ok' | 'late' | 'stale' | 'unknown';

export function heartbeatLevel(state: string, ageSeconds: number | undefined): HeartbeatLevel {
  if (ageSeconds === undefined) return 'unknown';
  const policy = state === 'busy' ? HEARTBEAT_POLICY.busy : HEARTBEAT_POLICY.idle;
  if (ageSeconds <= policy.intervalSeconds + HEARTBEAT_GRACE_SECONDS) return 'ok';
  if (ageSeconds <= policy.ttlSeconds) return 'late';
  return 'stale';
}

export type WorkerFlag = 'ghost' | 'dead' | 'stale' | 'late' | 'overtime' | 'deaf' | 'stopping';

export interface WorkerRow {
  name: string;
  ghost: boolean;
  state: string;
  queues: string[];
  currentJobId: string | undefined;
  job: CurrentJob | undefined;
  jobElapsedSeconds: number | undefined;
  jobTimeoutSeconds: number | undefined;
  heartbeatAgeSeconds: number | undefined;
  heartbeat: HeartbeatLevel;
  successful: number;
  failed: number;
  totalWorkingSeconds: number;
  pid: number | undefined;
  hostname: string | undefined;
  /** The `rqts worker-pool` it belongs to (rqts_pool), if any. */
  pool: string | undefined;
  listeners: number;
  launched: boolean;
  flags: WorkerFlag[];
}

function ageSeconds(date: Date | undefined, now: number): number | undefined {
  return date ? Math.max(0, (now - date.getTime()) / 1000) : undefined;
}

/** `launchedPools`: pools this console launched; their workers count as launched too. */
export function deriveWorkerRow(
  entry: WorkerEntry,
  currentJobs: ReadonlyMap<string, CurrentJob>,
  now: number,
  launched: ReadonlySet<string>,
  launchedPools: ReadonlySet<string> = new Set(),
): WorkerRow {
  const record = entry.record;
  if (!record) {
    return {
      name: entry.name,
      ghost: true,
      state: 'ghost',
      queues: [],
      currentJobId: undefined,
      job: undefined,
      jobElapsedSeconds: undefined,
      jobTimeoutSeconds: undefined,
      heartbeatAgeSeconds: undefined,
      heartbeat: 'unknown',
      successful: 0,
      failed: 0,
      totalWorkingSeconds: 0,
      pid: undefined,
      hostname: undefined,
      pool: undefined,
      listeners: entry.listeners,
      launched: launched.has(entry.name),
      flags: ['ghost'],
    };
  }
  const job = record.currentJob ? currentJobs.get(record.currentJob) : undefined;
  const elapsed = job?.startedAt
    ? ageSeconds(job.startedAt, now)
    : record.currentJob
      ? record.currentJobWorkingTime || undefined
      : undefined;
  const timeout = job?.timeout !== undefined && job.timeout > 0 ? job.timeout : undefined;
  const hbAge = ageSeconds(record.lastHeartbeat, now);
  const heartbeat = heartbeatLevel(record.state, hbAge);
  const flags: WorkerFlag[] = [];
  if (record.death) flags.push('dead');
  if (heartbeat === 'stale') flags.push('stale');
  else if (heartbeat === 'late') flags.push('late');
  if (elapsed !== undefined && timeout !== undefined && elapsed > timeout) flags.push('overtime');
  // A dying worker unsubscribes first, so "deaf" would only repeat "dead".
  if (entry.listeners === 0 && !record.death) flags.push('deaf');
  if (record.shutdownRequested && !record.death) flags.push('stopping');
  return {
    name: entry.name,
    ghost: false,
    state: record.state,
    queues: record.queues,
    currentJobId: record.currentJob,
    job,
    jobElapsedSeconds: elapsed,
    jobTimeoutSeconds: timeout,
    heartbeatAgeSeconds: hbAge,
    heartbeat,
    successful: record.successfulJobCount,
    failed: record.failedJobCount,
    totalWorkingSeconds: record.totalWorkingTime,
    pid: record.pid,
    hostname: record.hostname,
    pool: record.pool,
    listeners: entry.listeners,
    launched: launched.has(entry.name) || (record.pool !== undefined && launchedPools.has(record.pool)),
    flags,
  };
}

export function deriveWorkerRows(
  snapshot: Snapshot,
  now: number,
  launched: ReadonlySet<string> = new Set(),
  launchedPools: ReadonlySet<string> = new Set(),
): WorkerRow[] {
  return snapshot.workers.map((w) => deriveWorkerRow(w, snapshot.currentJobs, now, launched, launchedPools));
}

export type QueueFlag = 'no-worker' | 'unregistered';

export interface QueueRow extends RegistryCounts {
  name: string;
  queued: number;
  workers: number;
  oldestAgeSeconds: number | undefined;
  flags: QueueFlag[];
}

export function deriveQueueRows(
  snapshot: Snapshot,
  workerRows: readonly WorkerRow[],
  now: number,
): QueueRow[] {
  const listening = new Map<string, number>();
  for (const w of workerRows) {
    if (w.ghost || w.flags.includes('dead')) continue;
    for (const q of w.queues) listening.set(q, (listening.get(q) ?? 0) + 1);
  }
  return snapshot.queues.map((q: QueueEntry): QueueRow => {
    const workers = listening.get(q.name) ?? 0;
    const flags: QueueFlag[] = [];
    if (q.queued > 0 && workers === 0) flags.push('no-worker');
    if (!q.known) flags.push('unregistered');
    return {
      name: q.name,
      queued: q.queued,
      started: q.counts.started,
      finished: q.counts.finished,
      failed: q.counts.failed,
      deferred: q.counts.deferred,
      scheduled: q.counts.scheduled,
      canceled: q.counts.canceled,
      workers,
      oldestAgeSeconds: q.queued > 0 ? ageSeconds(q.oldestEnqueuedAt, now) : undefined,
      flags,
    };
  });
}

/** A worker that needs a look (the header's ⚑ count, the flagged-only view). */
export function isFlagged(row: WorkerRow): boolean {
  return row.flags.some((f) => f !== 'stopping');
}

export interface Totals {
  workers: number;
  byState: Record<string, number>;
  ghosts: number;
  flagged: number;
  queued: number;
  started: number;
  failed: number;
  queues: number;
}

export function deriveTotals(workerRows: readonly WorkerRow[], queueRows: readonly QueueRow[]): Totals {
  const byState: Record<string, number> = {};
  let ghosts = 0;
  let flagged = 0;
  for (const w of workerRows) {
    if (w.ghost) ghosts++;
    else byState[w.state] = (byState[w.state] ?? 0) + 1;
    if (isFlagged(w)) flagged++;
  }
  return {
    workers: workerRows.length - ghosts,
    byState,
    ghosts,
    flagged,
    queued: queueRows.reduce((n, q) => n + q.queued, 0),
    started: queueRows.reduce((n, q) => n + q.started, 0),
    failed: queueRows.reduce((n, q) => n + q.failed, 0),
    queues: queueRows.length,
  };
}
