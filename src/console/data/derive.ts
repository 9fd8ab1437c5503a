import type { QueueTrend, QueueTrends } from './queue-trends.js';
import { secondsSince } from '../../model/time.js';
import type { RegistryCounts } from '../../model/registry.js';
import { DEFAULT_SLOW, functionOf, isSlow, type RunStats, type SlowThresholds } from './runtimes.js';
import type { CurrentJob, QueueEntry, Snapshot, StartedEntry, WorkerEntry } from './snapshot.js';

// Pure functions from a snapshot (plus the clock) to what the screens show. No I/O here:
// everything is unit-tested with hand-built snapshots.

/**
 * RQ's defaults (docs/protocol.md §2.3), used only when a worker key has no TTL to read: idle
 * workers beat at least every 405 s (BLPOP timeout, TTL 480); busy ones every 30 s (job
 * monitoring interval, TTL 90).
 */
export const HEARTBEAT_POLICY = {
  busy: { intervalSeconds: 30, ttlSeconds: 90 },
  idle: { intervalSeconds: 405, ttlSeconds: 480 },
} as const;

export type HeartbeatLevel = 'ok' | 'late' | 'stale' | 'unknown';

/** The heartbeat window a worker set for itself at its last beat. */
export interface HeartbeatWindow {
  /** The TTL it gave its key then (s): remaining PTTL plus the time since last_heartbeat. */
  ttlSeconds: number;
  /** How often it beats in its state (s): busy TTL − 60, otherwise TTL − 75 (RQ's rule). */
  intervalSeconds: number;
  /** Slack before a beat counts as missed: half an interval, 2 to 15 s. */
  graceSeconds: number;
  /** 'ttl' when read from the key; 'default' (RQ's constants) when the key has no TTL. */
  source: 'ttl' | 'default';
}

/**
 * RQ sets the worker key's TTL at every beat: busy, job_monitoring_interval + 60; idle,
 * worker_ttl + 60 with a beat every worker_ttl − 15 (its BLPOP timeout). So the TTL read back
 * gives the interval the worker promised, whatever --worker-ttl or monitoring interval it runs.
 */
export function heartbeatWindow(
  state: string,
  ageSeconds: number | undefined,
  pttlMs: number | undefined,
): HeartbeatWindow {
  const grace = (interval: number): number => Math.min(15, Math.max(2, interval / 2));
  if (pttlMs !== undefined && pttlMs >= 0 && ageSeconds !== undefined) {
    const ttl = pttlMs / 1000 + ageSeconds;
    const interval = Math.max(1, state === 'busy' ? ttl - 60 : ttl - 75);
    return { ttlSeconds: ttl, intervalSeconds: interval, graceSeconds: grace(interval), source: 'ttl' };
  }
  const policy = state === 'busy' ? HEARTBEAT_POLICY.busy : HEARTBEAT_POLICY.idle;
  return {
    ttlSeconds: policy.ttlSeconds,
    intervalSeconds: policy.intervalSeconds,
    graceSeconds: 15,
    source: 'default',
  };
}

/**
 * late-hb: one beat missed (older than an interval plus grace). STALE-HB: two missed, or
 * one missed with the key about to expire, i.e. a frozen (SIGSTOPped) or wedged worker.
 */
export function heartbeatLevel(
  state: string,
  ageSeconds: number | undefined,
  pttlMs?: number,
): HeartbeatLevel {
  if (ageSeconds === undefined) return 'unknown';
  const w = heartbeatWindow(state, ageSeconds, pttlMs);
  if (ageSeconds <= w.intervalSeconds + w.graceSeconds) return 'ok';
  if (w.source === 'default') return ageSeconds <= w.ttlSeconds ? 'late' : 'stale';
  const remaining = w.ttlSeconds - ageSeconds;
  if (ageSeconds > 2 * w.intervalSeconds + w.graceSeconds || remaining < w.graceSeconds) return 'stale';
  return 'late';
}

export type WorkerFlag =
  'ghost' | 'dead' | 'stale' | 'late' | 'overtime' | 'slow' | 'mem-high' | 'deaf' | 'stopping';

/** MEM-HIGH: the horse's RSS is this close to its memory limit (the OOM killer is next). */
export const MEM_HIGH_RATIO = 0.9;

/** What the SLOW flag judges by: the learnt run times and the thresholds. */
export interface SlowJudge {
  stats: (func: string | undefined) => RunStats | undefined;
  thresholds: SlowThresholds;
}

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
  /** The window its heartbeat is judged by (undefined for a ghost). */
  window: HeartbeatWindow | undefined;
  successful: number;
  failed: number;
  totalWorkingSeconds: number;
  pid: number | undefined;
  hostname: string | undefined;
  /** The `rqts worker-pool` it belongs to (rqts_pool), if any. */
  pool: string | undefined;
  listeners: number;
  launched: boolean;
  /** rqts workers: the horse's RSS and its memory limit while a job runs (bytes). */
  rssBytes: number | undefined;
  memLimitBytes: number | undefined;
  /** What the horse's limiting cgroup holds (worker and horse together), when published. */
  memUsedBytes: number | undefined;
  /** Python workers publish no horse memory: their MEM column says so. */
  rqts: boolean;
  /** What runs it: `rqts 0.1.0`, `RQ 2.10.0`, `?` (a ghost: unknown). */
  software: string;
  /** Major of the RQ protocol it speaks (its `version` field; rqts writes the one it speaks). */
  rqMajor: number | undefined;
  /** The current job's function's usual run time, when learnt. */
  usual: RunStats | undefined;
  flags: WorkerFlag[];
}

/**
 * `launchedPools`: pools this console launched; their workers count as launched too.
 * `lastQueues`: each worker's queues as last seen, so a ghost row keeps them (and a filter
 * on a queue still shows it).
 */
export function deriveWorkerRow(
  entry: WorkerEntry,
  currentJobs: ReadonlyMap<string, CurrentJob>,
  now: number,
  launched: ReadonlySet<string>,
  launchedPools: ReadonlySet<string> = new Set(),
  lastQueues: ReadonlyMap<string, readonly string[]> = new Map(),
  slow?: SlowJudge,
): WorkerRow {
  const record = entry.record;
  if (!record) {
    return {
      name: entry.name,
      ghost: true,
      state: 'ghost',
      queues: [...(lastQueues.get(entry.name) ?? [])],
      currentJobId: undefined,
      job: undefined,
      jobElapsedSeconds: undefined,
      jobTimeoutSeconds: undefined,
      heartbeatAgeSeconds: undefined,
      heartbeat: 'unknown',
      window: undefined,
      successful: 0,
      failed: 0,
      totalWorkingSeconds: 0,
      pid: undefined,
      hostname: undefined,
      pool: undefined,
      listeners: entry.listeners,
      launched: launched.has(entry.name),
      usual: undefined,
      rssBytes: undefined,
      memLimitBytes: undefined,
      memUsedBytes: undefined,
      rqts: false,
      software: '?',
      rqMajor: undefined,
      flags: ['ghost'],
    };
  }
  const job = record.currentJob ? currentJobs.get(record.currentJob) : undefined;
  const elapsed = job?.startedAt
    ? secondsSince(job.startedAt, now)
    : record.currentJob
      ? record.currentJobWorkingTime || undefined
      : undefined;
  const timeout = job?.timeout !== undefined && job.timeout > 0 ? job.timeout : undefined;
  const hbAge = secondsSince(record.lastHeartbeat, now);
  const window = heartbeatWindow(record.state, hbAge, entry.pttlMs);
  const heartbeat = heartbeatLevel(record.state, hbAge, entry.pttlMs);
  const flags: WorkerFlag[] = [];
  if (record.death) flags.push('dead');
  if (heartbeat === 'stale') flags.push('stale');
  else if (heartbeat === 'late') flags.push('late');
  if (elapsed !== undefined && timeout !== undefined && elapsed > timeout) flags.push('overtime');
  const usual = record.currentJob ? slow?.stats(functionOf(job?.description)) : undefined;
  // OVERTIME says more than SLOW: one flag for one problem.
  if (!flags.includes('overtime') && isSlow(usual, elapsed, slow?.thresholds ?? DEFAULT_SLOW))
    flags.push('slow');
  // The horse_rss field outlives its job: only a busy worker's value is current.
  const rss = record.currentJob ? record.horseRssBytes : undefined;
  const limit = record.horseMemoryLimitBytes;
  // The OOM killer judges the whole cgroup (worker, horse, page cache), not the horse alone.
  const used = record.currentJob ? Math.max(rss ?? 0, record.horseMemoryUsedBytes ?? 0) : 0;
  if (limit !== undefined && limit > 0 && used > 0 && used >= MEM_HIGH_RATIO * limit) flags.push('mem-high');
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
    window,
    successful: record.successfulJobCount,
    failed: record.failedJobCount,
    totalWorkingSeconds: record.totalWorkingTime,
    pid: record.pid,
    hostname: record.hostname,
    pool: record.pool,
    listeners: entry.listeners,
    launched: launched.has(entry.name) || (record.pool !== undefined && launchedPools.has(record.pool)),
    usual,
    rssBytes: rss,
    memLimitBytes: rss === undefined ? undefined : limit,
    memUsedBytes: record.currentJob ? record.horseMemoryUsedBytes : undefined,
    rqts: record.software.startsWith('rqts'),
    software: record.software,
    rqMajor: record.rqMajor,
    flags,
  };
}

export function deriveWorkerRows(
  snapshot: Snapshot,
  now: number,
  launched: ReadonlySet<string> = new Set(),
  launchedPools: ReadonlySet<string> = new Set(),
  lastQueues: ReadonlyMap<string, readonly string[]> = new Map(),
  slow?: SlowJudge,
): WorkerRow[] {
  return snapshot.workers.map((w) =>
    deriveWorkerRow(w, snapshot.currentJobs, now, launched, launchedPools, lastQueues, slow),
  );
}

/** Can this worker take a job from its queues? Not when dead, a ghost, deaf or frozen. */
export function isConsumer(row: WorkerRow): boolean {
  return !row.ghost && !row.flags.some((f) => f === 'dead' || f === 'deaf' || f === 'stale');
}

export type QueueFlag = 'no-worker' | 'growing' | 'unregistered';

export interface QueueRow extends RegistryCounts {
  name: string;
  queued: number;
  workers: number;
  oldestAgeSeconds: number | undefined;
  flags: QueueFlag[];
  /** The last minutes, once two refreshes have been seen. */
  trend: QueueTrend | undefined;
}

export function deriveQueueRows(
  snapshot: Snapshot,
  workerRows: readonly WorkerRow[],
  now: number,
  trends?: QueueTrends,
): QueueRow[] {
  const listening = new Map<string, number>();
  for (const w of workerRows) {
    if (!isConsumer(w)) continue;
    for (const q of w.queues) listening.set(q, (listening.get(q) ?? 0) + 1);
  }
  return snapshot.queues.map((q: QueueEntry): QueueRow => {
    const workers = listening.get(q.name) ?? 0;
    const flags: QueueFlag[] = [];
    const trend = trends?.trend(q.name, now);
    if (q.queued > 0 && workers === 0) flags.push('no-worker');
    if (trend?.growing) flags.push('growing');
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
      oldestAgeSeconds: q.queued > 0 ? secondsSince(q.oldestEnqueuedAt, now) : undefined,
      flags,
      trend,
    };
  });
}

/** A worker that needs a look (the header's ⚑ count, the flagged-only view). */
export function isFlagged(row: WorkerRow): boolean {
  return row.flags.some((f) => f !== 'stopping');
}

/** Why a started job is nobody's any more (ORPHANED); undefined while someone runs it. */
export type OrphanReason =
  'no-worker' | 'ghost' | 'dead' | 'stale' | 'deaf-late' | 'not-current' | 'deadline';

/** A job's start and its worker's record are written together; allow a refresh for slow readers. */
const NOT_CURRENT_GRACE_MS = 5000;

export function orphanReason(
  job: Pick<StartedEntry, 'id' | 'deadline' | 'workerName' | 'status' | 'startedAt'>,
  workers: ReadonlyMap<string, WorkerRow>,
  now: number,
): OrphanReason | undefined {
  if (job.status !== 'started') return undefined;
  if (Number.isFinite(job.deadline) && job.deadline * 1000 < now) return 'deadline';
  if (!job.workerName) return undefined;
  const worker = workers.get(job.workerName);
  if (!worker) return 'no-worker';
  if (worker.ghost) return 'ghost';
  if (worker.flags.includes('dead')) return 'dead';
  if (worker.heartbeat === 'stale') return 'stale';
  if (worker.flags.includes('deaf') && worker.heartbeat === 'late') return 'deaf-late';
  const settled = !job.startedAt || now - job.startedAt.getTime() > NOT_CURRENT_GRACE_MS;
  if (worker.currentJobId !== job.id && settled) return 'not-current';
  return undefined;
}

export const ORPHAN_TEXT: Record<OrphanReason, string> = {
  'no-worker': 'its worker is gone',
  ghost: 'its worker is a ghost (hash gone)',
  dead: 'its worker registered its death',
  stale: 'its worker stopped beating (frozen?)',
  'deaf-late': 'its worker is deaf and late',
  'not-current': 'its worker runs another job now',
  deadline: 'its started-registry deadline has passed',
};

export interface OrphanedJob extends StartedEntry {
  reason: OrphanReason;
}

export function deriveOrphans(
  snapshot: Snapshot,
  workerRows: readonly WorkerRow[],
  now: number,
): OrphanedJob[] {
  const byName = new Map(workerRows.map((w) => [w.name, w]));
  const out: OrphanedJob[] = [];
  for (const job of snapshot.started) {
    const reason = orphanReason(job, byName, now);
    if (reason) out.push({ ...job, reason });
  }
  return out;
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
  orphaned: number;
  /** The RQ protocol majors the live workers speak, lowest first ([1, 2]: a mixed fleet). */
  protocols: number[];
}

export function deriveTotals(
  workerRows: readonly WorkerRow[],
  queueRows: readonly QueueRow[],
  orphans: readonly OrphanedJob[] = [],
): Totals {
  const byState: Record<string, number> = {};
  let ghosts = 0;
  let flagged = 0;
  const protocols = new Set<number>();
  for (const w of workerRows) {
    if (w.rqMajor !== undefined && !w.ghost) protocols.add(w.rqMajor);
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
    orphaned: orphans.length,
    protocols: [...protocols].sort((a, b) => a - b),
  };
}
