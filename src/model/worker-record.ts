import type { Redis } from 'ioredis';
import { keys, workerNameFromKey } from '../redis/keys.js';
import { tryParseTimestamp } from './time.js';

// The read side of a worker hash (docs/protocol.md §2), for rqts and Python workers alike.
// Foreign hashes may miss any field or hold garbage: readers never throw on them.

export type WorkerState = 'started' | 'idle' | 'busy' | 'suspended' | (string & {});

export interface WorkerRecord {
  name: string;
  key: string;
  queues: string[];
  state: WorkerState;
  currentJob: string | undefined;
  lastHeartbeat: Date | undefined;
  birth: Date | undefined;
  death: Date | undefined;
  shutdownRequested: Date | undefined;
  successfulJobCount: number;
  failedJobCount: number;
  totalWorkingTime: number;
  currentJobWorkingTime: number;
  hostname: string | undefined;
  ipAddress: string | undefined;
  pid: number | undefined;
  version: string | undefined;
  pythonVersion: string | undefined;
  /** What runs it, for a version column: `rqts 0.1.0`, `RQ 2.10.0`, or `?`. */
  software: string;
  /** Major of the RQ protocol it speaks (the `version` field): 2 writes composite members. */
  rqMajor: number | undefined;
  /** rqts-only: the `rqts worker-pool` this worker belongs to (the hash's rqts_pool field). */
  pool: string | undefined;
  /** rqts-only: the horse's resident set at the last busy heartbeat (horse_rss), if known. */
  horseRssBytes: number | undefined;
  /** rqts-only: the memory limit its horse runs under (horse_mem_limit), if known. */
  horseMemoryLimitBytes: number | undefined;
  /** rqts-only: what the limiting cgroup held at the last busy heartbeat (horse_mem_used). */
  horseMemoryUsedBytes: number | undefined;
  /** Every field as stored, for detail views. */
  raw: Record<string, string>;
}

// rqts writes the RQ version it speaks in `version` and names itself in python_version.
function softwareOf(hash: Record<string, string>): string {
  const rqts = /^rqts (\S+)/.exec(hash.python_version ?? '');
  if (rqts) return `rqts ${rqts[1]}`;
  return hash.version ? `RQ ${hash.version}` : '?';
}

function majorOf(version: string | undefined): number | undefined {
  const major = Number(/^(\d+)\./.exec(version ?? '')?.[1]);
  return Number.isInteger(major) ? major : undefined;
}

function num(text: string | undefined): number {
  const value = Number(text);
  return text === undefined || text === '' || Number.isNaN(value) ? 0 : value;
}

export function workerRecordFromHash(name: string, hash: Record<string, string>): WorkerRecord {
  const pid = Number(hash.pid);
  return {
    name,
    key: keys.worker(name),
    queues: hash.queues ? hash.queues.split(',').filter(Boolean) : [],
    state: hash.state ?? '?',
    currentJob: hash.current_job || undefined,
    lastHeartbeat: tryParseTimestamp(hash.last_heartbeat),
    birth: tryParseTimestamp(hash.birth),
    death: tryParseTimestamp(hash.death),
    shutdownRequested: tryParseTimestamp(hash.shutdown_requested_date),
    successfulJobCount: num(hash.successful_job_count),
    failedJobCount: num(hash.failed_job_count),
    totalWorkingTime: num(hash.total_working_time),
    currentJobWorkingTime: num(hash.current_job_working_time),
    hostname: hash.hostname,
    ipAddress: hash.ip_address,
    pid: Number.isInteger(pid) ? pid : undefined,
    version: hash.version,
    pythonVersion: hash.python_version,
    software: softwareOf(hash),
    rqMajor: majorOf(hash.version),
    pool: hash.rqts_pool || undefined,
    horseRssBytes: hash.horse_rss ? num(hash.horse_rss) : undefined,
    horseMemoryLimitBytes: hash.horse_mem_limit ? num(hash.horse_mem_limit) : undefined,
    horseMemoryUsedBytes: hash.horse_mem_used ? num(hash.horse_mem_used) : undefined,
    raw: hash,
  };
}

/**
 * Live workers, as Python's Worker.all: members of rq:workers (or rq:workers:<q>) whose
 * hash exists; stale members are dropped from rq:workers as Python does. One pipelined
 * round trip after SMEMBERS, whatever the number of workers.
 */
export async function findWorkers(
  connection: Redis,
  options: { queue?: string; prune?: boolean } = {},
): Promise<WorkerRecord[]> {
  const setKey = options.queue ? keys.workersOfQueue(options.queue) : keys.allWorkers;
  const members = await connection.smembers(setKey);
  const workerKeys = members.filter((k) => k.startsWith(keys.worker('')));
  if (workerKeys.length === 0) return [];
  const pipeline = connection.pipeline();
  for (const key of workerKeys) pipeline.hgetall(key);
  const replies = (await pipeline.exec()) ?? [];
  const found: WorkerRecord[] = [];
  const stale: string[] = [];
  workerKeys.forEach((key, i) => {
    const hash = replies[i]?.[1] as Record<string, string> | undefined;
    if (!hash || Object.keys(hash).length === 0) stale.push(key);
    else found.push(workerRecordFromHash(workerNameFromKey(key), hash));
  });
  if (stale.length > 0 && options.prune !== false) await connection.srem(keys.allWorkers, ...stale);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

export async function findWorker(connection: Redis, name: string): Promise<WorkerRecord | undefined> {
  const hash = await connection.hgetall(keys.worker(name));
  return Object.keys(hash).length === 0 ? undefined : workerRecordFromHash(name, hash);
}

/** Worker.count: the set's size, stale members included (as Python counts). */
export async function countWorkers(connection: Redis, options: { queue?: string } = {}): Promise<number> {
  return connection.scard(options.queue ? keys.workersOfQueue(options.queue) : keys.allWorkers);
}

/** RQ's clean_worker_registry: drop members of rq:workers:<q> whose hash is gone, from both sets. */
export async function cleanWorkerRegistry(connection: Redis, queue: string): Promise<number> {
  const setKey = keys.workersOfQueue(queue);
  const members = await connection.smembers(setKey);
  if (members.length === 0) return 0;
  const pipeline = connection.pipeline();
  for (const key of members) pipeline.exists(key);
  const replies = (await pipeline.exec()) ?? [];
  const missing = members.filter((_, i) => Number(replies[i]?.[1]) === 0);
  for (let i = 0; i < missing.length; i += 1000) {
    const chunk = missing.slice(i, i + 1000);
    await connection
      .multi()
      .srem(setKey, ...chunk)
      .srem(keys.allWorkers, ...chunk)
      .exec();
  }
  return missing.length;
}
