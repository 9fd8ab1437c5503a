import type { Redis } from 'ioredis';
import { keys, type RegistryKind } from '../../redis/keys.js';
import { Job } from '../../model/job.js';
import { decodeResultEntry, type JobResult } from '../../model/results.js';
import { JSONSerializer } from '../../model/serializer.js';

// The jobs screen and the detail screen read only what is on screen: one page of ids
// (LRANGE / ZRANGE in Redis, never the whole registry), then those jobs' hashes. Both
// ride in round trips 2 and 3 of the snapshot, so browsing costs no extra round trip.

export type JobListKind = 'queued' | RegistryKind;
export const JOB_LIST_KINDS: readonly JobListKind[] = [
  'queued',
  'started',
  'failed',
  'finished',
  'deferred',
  'scheduled',
  'canceled',
];

export interface JobPageRequest {
  queue: string;
  kind: JobListKind;
  offset: number;
  limit: number;
}

export interface JobSummary {
  id: string;
  /** The hash is gone (expired or deleted) while its id is still listed. */
  missing: boolean;
  status: string | undefined;
  description: string | undefined;
  funcName: string | undefined;
  pickled: boolean;
  origin: string | undefined;
  workerName: string | undefined;
  createdAt: Date | undefined;
  enqueuedAt: Date | undefined;
  startedAt: Date | undefined;
  endedAt: Date | undefined;
  timeout: number | undefined;
  /** Last line of the latest failure's traceback (failed list only). */
  errorLine: string | undefined;
}

export interface JobPage {
  request: JobPageRequest;
  total: number;
  jobs: JobSummary[];
}

export interface JobDetail {
  id: string;
  job: Job | undefined;
  result: JobResult | undefined;
  /** Registry scores of the job's queue (helps explain "abandoned at"/"expires at"). */
  error: string | undefined;
}

type Pipeline = ReturnType<Redis['pipeline']>;
type Replies = [Error | null, unknown][];

function reply<T>(replies: Replies, index: number, fallback: T): T {
  const entry = replies[index];
  if (!entry || entry[0]) return fallback;
  return (entry[1] ?? fallback) as T;
}

/** Newest first where the score grows with time of the outcome; natural order elsewhere. */
function newestFirst(kind: JobListKind): boolean {
  return kind === 'failed' || kind === 'finished' || kind === 'canceled';
}

interface PagePlan {
  request: JobPageRequest;
  ids: string[];
  total: number;
}

export function planJobPage(
  pipeline: Pipeline,
  request: JobPageRequest,
): {
  commands: number;
  finish: (r2: Replies, base: number, third: Pipeline) => { plan: PagePlan; commands: number };
} {
  const { queue, kind, offset, limit } = request;
  const end = offset + Math.max(1, limit) - 1;
  if (kind === 'queued') {
    pipeline.llen(keys.queue(queue)).lrange(keys.queue(queue), offset, end);
  } else {
    const key = keys.registry(kind, queue);
    pipeline.zcard(key);
    if (newestFirst(kind)) pipeline.zrevrange(key, offset, end);
    else pipeline.zrange(key, offset, end);
  }
  return {
    commands: 2,
    finish(r2, base, third) {
      const total = Number(reply(r2, base, 0));
      const ids = reply<string[]>(r2, base + 1, []);
      for (const id of ids) third.hgetallBuffer(keys.job(id));
      if (kind === 'failed')
        for (const id of ids) third.xrevrangeBuffer(keys.results(id), '+', '-', 'COUNT', 1);
      return { plan: { request, ids, total }, commands: ids.length * (kind === 'failed' ? 2 : 1) };
    },
  };
}

export function readJobPage(plan: PagePlan, r3: Replies, base: number): JobPage {
  const jobs = plan.ids.map((id, i): JobSummary => {
    const hash = reply<Record<string, Buffer>>(r3, base + i, {});
    const job = jobFromHash(id, hash);
    let errorLine: string | undefined;
    if (plan.request.kind === 'failed') {
      const entries = reply<[Buffer, Buffer[]][]>(r3, base + plan.ids.length + i, []);
      const first = entries[0];
      const exc = first ? safeDecode(first) : undefined;
      errorLine = lastLine(exc?.excString ?? job?.excInfo);
    }
    return summarize(id, job, errorLine);
  });
  return { request: plan.request, total: plan.total, jobs };
}

interface DetailPlan {
  id: string;
  hash: Record<string, Buffer>;
  result: JobResult | undefined;
}

export function planJobDetail(
  pipeline: Pipeline,
  id: string,
): {
  commands: number;
  finish: (r2: Replies, base: number, third: Pipeline) => { plan: DetailPlan; commands: number };
} {
  pipeline.hgetallBuffer(keys.job(id)).xrevrangeBuffer(keys.results(id), '+', '-', 'COUNT', 1);
  return {
    commands: 2,
    finish(r2, base) {
      const hash = reply<Record<string, Buffer>>(r2, base, {});
      const entries = reply<[Buffer, Buffer[]][]>(r2, base + 1, []);
      const first = entries[0];
      return { plan: { id, hash, result: first ? safeDecode(first) : undefined }, commands: 0 };
    },
  };
}

export function readJobDetail(plan: DetailPlan): JobDetail {
  if (!plan.hash.data)
    return {
      id: plan.id,
      job: undefined,
      result: plan.result,
      error: 'No such job: it expired or was deleted',
    };
  try {
    return {
      id: plan.id,
      job: Job.fromHash(plan.id, plan.hash, JSONSerializer),
      result: plan.result,
      error: undefined,
    };
  } catch (error) {
    return { id: plan.id, job: undefined, result: plan.result, error: (error as Error).message };
  }
}

function safeDecode(entry: [Buffer, Buffer[]]): JobResult | undefined {
  try {
    return decodeResultEntry(entry[0].toString(), entry[1]);
  } catch {
    return undefined;
  }
}

function jobFromHash(id: string, hash: Record<string, Buffer>): Job | undefined {
  if (!hash.data) return undefined;
  try {
    return Job.fromHash(id, hash, JSONSerializer);
  } catch {
    return undefined;
  }
}

function summarize(id: string, job: Job | undefined, errorLine: string | undefined): JobSummary {
  return {
    id,
    missing: job === undefined,
    status: job?.status,
    description: job?.description,
    funcName: job?.funcName,
    pickled: job?.isPickled ?? false,
    origin: job?.origin,
    workerName: job?.workerName || undefined,
    createdAt: job?.createdAt,
    enqueuedAt: job?.enqueuedAt,
    startedAt: job?.startedAt,
    endedAt: job?.endedAt,
    timeout: job?.timeout,
    errorLine,
  };
}

/**
 * The line that names the error: Python tracebacks end with it, JavaScript stacks start
 * with it ("Error: boom" then "    at …" frames).
 */
export function lastLine(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const lines = text
    .trimEnd()
    .split('\n')
    .filter((l) => l.trim() !== '');
  const pythonTraceback = lines[0]?.startsWith('Traceback');
  return (pythonTraceback ? lines[lines.length - 1] : lines[0])?.trim();
}
