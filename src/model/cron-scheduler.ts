import type { Redis } from 'ioredis';
import { keys } from '../redis/keys.js';
import { tryParseTimestamp } from './time.js';

// RQ 2.4+'s cron schedulers (`rq cron`), read-only: each one's heartbeat and its jobs' last and
// next enqueue times (docs/protocol.md, "Cron"). rqts runs no cron scheduler of its own; the
// console shows Python's so that "why did the nightly job not run" has an answer.

/** Cron schedulers read per refresh at most: a fixed cost, whatever the fleet. */
export const CRON_SCAN_LIMIT = 50;
/** Fields read from each scheduler's hash (the cron_jobs JSON holds the jobs). */
export const CRON_FIELDS = ['hostname', 'pid', 'created_at', 'config_file', 'cron_jobs'] as const;

/**
 * A scheduler beats at least once a minute (it sleeps at most 60 s between checks) and its hash
 * lives 120 s after each beat: past 90 s it has missed a beat, and once the hash is gone it is
 * dead (left in the zset until someone cleans it).
 */
export const CRON_BEAT_LATE_SECONDS = 90;

export interface CronJobEntry {
  func: string;
  queue: string;
  /** Seconds between runs, for interval jobs. */
  interval: number | undefined;
  /** The crontab expression, for cron jobs. */
  cron: string | undefined;
  latestEnqueue: Date | undefined;
  nextEnqueue: Date | undefined;
}

export interface CronSchedulerEntry {
  name: string;
  /** Epoch ms of its last heartbeat (the zset score). */
  heartbeatAt: number;
  /** false when the zset still lists it but its hash has expired. */
  alive: boolean;
  hostname: string | undefined;
  pid: number | undefined;
  createdAt: Date | undefined;
  configFile: string | undefined;
  jobs: CronJobEntry[];
  /** The cron_jobs field did not parse: said on screen instead of hiding the scheduler. */
  jobsError: string | undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Parses a scheduler from its zset entry and hash fields (CRON_FIELDS order); never throws. */
export function cronSchedulerFrom(
  name: string,
  score: number,
  fields: readonly (string | null | undefined)[],
): CronSchedulerEntry {
  const [hostname, pid, createdAt, configFile, cronJobs] = fields;
  const alive = fields.some((f) => f !== null && f !== undefined);
  let jobs: CronJobEntry[] = [];
  let jobsError: string | undefined;
  if (cronJobs) {
    try {
      const parsed: unknown = JSON.parse(cronJobs);
      if (!Array.isArray(parsed)) throw new Error('not a list');
      jobs = parsed.map((raw: unknown) => {
        const job = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
        const interval = Number(job.interval);
        return {
          func: text(job.func_name) ?? '?',
          queue: text(job.queue_name) ?? '?',
          interval: job.interval !== null && Number.isFinite(interval) && interval > 0 ? interval : undefined,
          cron: text(job.cron),
          latestEnqueue: tryParseTimestamp(text(job.latest_enqueue_time)),
          nextEnqueue: tryParseTimestamp(text(job.next_enqueue_time)),
        };
      });
    } catch (error) {
      jobsError = `cron_jobs is not a JSON list of jobs (${(error as Error).message})`;
    }
  }
  const pidNumber = Number(pid);
  return {
    name,
    heartbeatAt: score * 1000,
    alive,
    hostname: hostname ?? undefined,
    pid: Number.isInteger(pidNumber) && pidNumber > 0 ? pidNumber : undefined,
    createdAt: tryParseTimestamp(createdAt),
    configFile: configFile ?? undefined,
    jobs,
    jobsError,
  };
}

export type CronHealth = 'ok' | 'late' | 'gone';

export function cronHealth(scheduler: CronSchedulerEntry, now: number): CronHealth {
  if (!scheduler.alive) return 'gone';
  return (now - scheduler.heartbeatAt) / 1000 > CRON_BEAT_LATE_SECONDS ? 'late' : 'ok';
}

/**
 * A job whose next enqueue time passed more than a beat ago was not enqueued: its scheduler
 * is stuck or gone. (The scheduler wakes at least every 60 s, so less than that is normal.)
 */
export function cronJobOverdue(job: CronJobEntry, now: number): boolean {
  return job.nextEnqueue !== undefined && (now - job.nextEnqueue.getTime()) / 1000 > CRON_BEAT_LATE_SECONDS;
}

/** The rq:cron_schedulers zset as read WITHSCORES: names with their last beat (epoch s). */
export function cronRegistryEntries(flat: readonly string[]): { name: string; score: number }[] {
  const entries: { name: string; score: number }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2)
    entries.push({ name: flat[i] ?? '', score: Number(flat[i + 1]) });
  return entries;
}

/** Every cron scheduler (at most CRON_SCAN_LIMIT), newest beat first, in two round trips. */
export async function readCronSchedulers(connection: Redis): Promise<CronSchedulerEntry[]> {
  const flat = await connection.zrevrange(keys.cronSchedulers, 0, CRON_SCAN_LIMIT - 1, 'WITHSCORES');
  const names = cronRegistryEntries(flat);
  if (names.length === 0) return [];
  const pipeline = connection.pipeline();
  for (const n of names) pipeline.hmget(keys.cronScheduler(n.name), ...CRON_FIELDS);
  const replies = (await pipeline.exec()) ?? [];
  return names.map((n, i) => {
    const [error, fields] = replies[i] ?? [null, []];
    return cronSchedulerFrom(n.name, n.score, error ? [] : ((fields as (string | null)[]) ?? []));
  });
}
