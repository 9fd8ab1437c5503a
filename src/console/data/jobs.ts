import type { Redis } from 'ioredis';
import { keys, type RegistryKind } from '../../redis/keys.js';
import { Job } from '../../model/job.js';
import { decodeResultEntry, type JobResult } from '../../model/results.js';
import { JSONSerializer } from '../../model/serializer.js';
import { parseStartedMember, type StartedMember } from '../../model/started-member.js';
import { reply, type Replies } from './replies.js';

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
  /** Started jobs of an RQ 2.x worker: the execution their started-registry member names. */
  executionId?: string;
  /** That execution's own heartbeat (rq:execution:<id>:<execution>), when it still exists. */
  executionHeartbeat?: Date;
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
  /** Where the id is listed: "queue emails (position 3 of 12)", "failed registry of emails". */
  where: string[];
  /** Registry scores of the job's queue (helps explain "abandoned at"/"expires at"). */
  error: string | undefined;
  /** RQ 2.x: the group it belongs to (`group_id`). */
  groupId?: string;
  /** RQ 2.x: the ids of its runs in progress (`rq:executions:<id>`). */
  executions?: string[];
}

type Pipeline = ReturnType<Redis['pipeline']>;

/** Newest first where the score grows with time of the outcome; natural order elsewhere. */
function newestFirst(kind: JobListKind): boolean {
  return kind === 'failed' || kind === 'finished' || kind === 'canceled';
}

interface PagePlan {
  request: JobPageRequest;
  /** What the list holds; started-registry members may be `job_id:execution_id`. */
  members: StartedMember[];
  total: number;
}

/** Replies per started row with an execution: hash by split id, by whole member, execution. */
const EXECUTION_ROW_COMMANDS = 3;

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
      const listed = reply<string[]>(r2, base + 1, []);
      const members = listed.map((m) =>
        kind === 'started' ? parseStartedMember(m) : { member: m, jobId: m },
      );
      let commands = 0;
      for (const m of members) {
        third.hgetallBuffer(keys.job(m.jobId));
        commands++;
        if (m.executionId === undefined) continue;
        // The whole member too, in case it is an RQ 1.x job id with a colon in it.
        third
          .hgetallBuffer(keys.job(m.member))
          .hget(keys.execution(m.jobId, m.executionId), 'last_heartbeat');
        commands += EXECUTION_ROW_COMMANDS - 1;
      }
      if (kind === 'failed') {
        for (const m of members) third.xrevrangeBuffer(keys.results(m.jobId), '+', '-', 'COUNT', 1);
        commands += members.length;
      }
      return { plan: { request, members, total }, commands };
    },
  };
}

export function readJobPage(plan: PagePlan, r3: Replies, base: number): JobPage {
  let index = base;
  const rows = plan.members.map((m) => {
    const hash = reply<Record<string, Buffer>>(r3, index++, {});
    if (m.executionId === undefined) return { id: m.jobId, job: jobFromHash(m.jobId, hash) };
    const whole = reply<Record<string, Buffer>>(r3, index++, {});
    const heartbeat = reply<string | null>(r3, index++, null);
    const job = jobFromHash(m.jobId, hash);
    if (!job && whole.data) return { id: m.member, job: jobFromHash(m.member, whole) };
    const seconds = heartbeat === null ? Number.NaN : Number(heartbeat);
    return {
      id: m.jobId,
      job,
      executionId: m.executionId,
      executionHeartbeat: Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined,
    };
  });
  const jobs = rows.map((row, i): JobSummary => {
    let errorLine: string | undefined;
    if (plan.request.kind === 'failed') {
      const entries = reply<[Buffer, Buffer[]][]>(r3, index + i, []);
      const first = entries[0];
      const exc = first ? safeDecode(first) : undefined;
      errorLine = lastLine(exc?.excString ?? row.job?.excInfo);
    }
    const summary = summarize(row.id, row.job, errorLine);
    if (row.executionId !== undefined) summary.executionId = row.executionId;
    if (row.executionHeartbeat) summary.executionHeartbeat = row.executionHeartbeat;
    return summary;
  });
  return { request: plan.request, total: plan.total, jobs };
}

interface DetailPlan {
  id: string;
  hash: Record<string, Buffer>;
  result: JobResult | undefined;
  /** The queues searched for the id (its origin, or every queue when the hash is gone). */
  searched: string[];
  /** RQ 2.x runs of the job (rq:executions:<id>): started-registry members are `id:execution`. */
  executions: string[];
}

const DETAIL_REGISTRIES: readonly RegistryKind[] = [
  'started',
  'failed',
  'finished',
  'deferred',
  'scheduled',
  'canceled',
];

/** Executions read per job detail: a job has one at a time, more only after crashes. */
const DETAIL_EXECUTIONS = 10;

/**
 * A job by id, wherever it is: its hash and latest result in round trip 2, then in round
 * trip 3 its place in its queue and registries (in every queue's, when the hash is gone,
 * so `:` finds a listed id whose hash expired).
 */
export function planJobDetail(
  pipeline: Pipeline,
  id: string,
): {
  commands: number;
  finish: (
    r2: Replies,
    base: number,
    third: Pipeline,
    queues: readonly string[],
  ) => { plan: DetailPlan; commands: number };
} {
  pipeline
    .hgetallBuffer(keys.job(id))
    .xrevrangeBuffer(keys.results(id), '+', '-', 'COUNT', 1)
    .zrange(keys.executions(id), 0, DETAIL_EXECUTIONS - 1);
  return {
    commands: 3,
    finish(r2, base, third, queues) {
      const hash = reply<Record<string, Buffer>>(r2, base, {});
      const entries = reply<[Buffer, Buffer[]][]>(r2, base + 1, []);
      const executions = reply<string[]>(r2, base + 2, []);
      const first = entries[0];
      const origin = hash.origin?.toString();
      const searched = origin ? [origin] : [...queues];
      for (const q of searched) {
        third.lpos(keys.queue(q), id);
        for (const kind of DETAIL_REGISTRIES) third.zscore(keys.registry(kind, q), id);
        for (const e of executions) third.zscore(keys.registry('started', q), `${id}:${e}`);
      }
      return {
        plan: { id, hash, result: first ? safeDecode(first) : undefined, searched, executions },
        commands: searched.length * (1 + DETAIL_REGISTRIES.length + executions.length),
      };
    },
  };
}

export function readJobDetail(plan: DetailPlan, r3: Replies = [], base = 0): JobDetail {
  const where: string[] = [];
  const stride = 1 + DETAIL_REGISTRIES.length + plan.executions.length;
  plan.searched.forEach((q, i) => {
    const at = base + i * stride;
    const position = reply<number | null>(r3, at, null);
    if (position !== null) where.push(`queue ${q} (position ${position + 1})`);
    DETAIL_REGISTRIES.forEach((kind, k) => {
      if (reply<string | null>(r3, at + 1 + k, null) !== null) where.push(`${kind} registry of ${q}`);
    });
    plan.executions.forEach((e, k) => {
      if (reply<string | null>(r3, at + 1 + DETAIL_REGISTRIES.length + k, null) !== null)
        where.push(`started registry of ${q} (execution ${e})`);
    });
  });
  const groupId = plan.hash.group_id?.toString() || undefined;
  if (!plan.hash.data)
    return {
      id: plan.id,
      job: undefined,
      result: plan.result,
      where,
      error:
        where.length > 0
          ? 'Its hash is gone (expired or deleted), yet its id is still listed'
          : 'No such job in any queue or registry (a wrong id, or it expired or was deleted)',
    };
  try {
    return {
      id: plan.id,
      job: Job.fromHash(plan.id, plan.hash, JSONSerializer),
      result: plan.result,
      where,
      error: undefined,
      groupId,
      executions: plan.executions,
    };
  } catch (error) {
    return { id: plan.id, job: undefined, result: plan.result, where, error: (error as Error).message };
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
