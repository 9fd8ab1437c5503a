import type { Redis } from 'ioredis';
import { keys } from '../../redis/keys.js';
import { SCRIPTS } from '../../redis/scripts/index.js';
import { DEFAULT_FAILURE_TTL } from '../../model/job.js';
import { decodeResultEntry } from '../../model/results.js';
import { compress, decompress } from '../../model/serializer.js';
import { formatTimestamp, unixNow } from '../../model/time.js';
import { jobFields, jobHaystack } from './columns.js';
import { planJobPage, readJobPage, type JobListKind } from './jobs.js';
import { compileFilter, type Filter } from './table.js';

// Bulk actions of the jobs screen: requeue, move to failed or delete the marked jobs, every
// job matching the filter, or every failed job whose error matches a regular expression.
// The ids are read first, in pages (LRANGE / ZRANGE, READ_CHUNK at a time, so a 50,000-job
// registry is never one reply), then moved ACT_CHUNK at a time by scripts/bulk-jobs-n: each
// job atomically, each chunk one call. Between chunks the action reports its progress and
// looks at its AbortSignal, so Esc stops it with every job either moved or left untouched.

export type BulkOp = 'requeue' | 'fail' | 'delete';

export type BulkSelection =
  /** Ids marked one by one (Space). */
  | { kind: 'ids'; ids: readonly string[] }
  /** Every job of the list that matches the filter (an empty filter: all of them). */
  | { kind: 'all'; filter: Filter }
  /** Failed jobs whose latest error (its whole traceback) matches this regular expression. */
  | { kind: 'errorMatches'; pattern: string };

export interface BulkCommand {
  kind: 'bulk';
  op: BulkOp;
  queue: string;
  list: JobListKind;
  select: BulkSelection;
}

export interface BulkProgress {
  phase: 'reading' | 'moving';
  done: number;
  total: number;
}

export interface BulkOutcome {
  /** Jobs the script moved (requeued, failed, deleted). */
  moved: number;
  /** Selected jobs no longer listed there when their turn came (someone else moved them). */
  absent: number;
  /** Listed ids whose hash had expired: taken off the list, nothing to move. */
  gone: number;
  /** How many jobs the action was about; fewer were looked at when it was cancelled. */
  total: number;
  cancelled: boolean;
}

export const READ_CHUNK = 1000;
/** Lists move by LREM (linear in the list's length): smaller chunks keep each call short. */
const ACT_CHUNK_ZSET = 200;
const ACT_CHUNK_LIST = 50;

/** Which lists an operation can take jobs from (the started registry belongs to its workers). */
export function opAllowed(op: BulkOp, list: JobListKind): boolean {
  if (list === 'started') return false;
  if (op === 'requeue') return list !== 'queued';
  if (op === 'fail') return list !== 'failed' && list !== 'finished';
  return true;
}

export const OP_PAST: Record<BulkOp, string> = {
  requeue: 'requeued',
  fail: 'moved to failed',
  delete: 'deleted',
};

const fmt = (n: number): string => n.toLocaleString('en-US');

export function describeBulk(command: BulkCommand): string {
  const verb = command.op === 'fail' ? 'move to failed' : command.op;
  const from = `${command.list === 'queued' ? 'queue' : command.list} ${command.queue}`;
  switch (command.select.kind) {
    case 'ids':
      return `${verb} ${command.select.ids.length} marked of ${from}`;
    case 'all':
      return command.select.filter.text
        ? `${verb} all of ${from} matching /${command.select.filter.text}/`
        : `${verb} all of ${from}`;
    case 'errorMatches':
      return `${verb} failed of ${command.queue} whose error matches /${command.select.pattern}/`;
  }
}

export function progressText(op: BulkOp, p: BulkProgress): string {
  return p.phase === 'reading'
    ? `reading ${fmt(p.done)} of ${fmt(p.total)}…`
    : `${OP_PAST[op]} ${fmt(p.done)} of ${fmt(p.total)}…`;
}

export function outcomeText(op: BulkOp, o: BulkOutcome): string {
  const extra = [
    o.absent > 0 ? `${fmt(o.absent)} no longer there` : '',
    o.gone > 0 ? `${fmt(o.gone)} expired` : '',
  ].filter(Boolean);
  const tail = extra.length > 0 ? ` (${extra.join(', ')})` : '';
  const looked = o.moved + o.absent + o.gone;
  if (o.cancelled)
    return `stopped: ${OP_PAST[op]} ${fmt(o.moved)} of ${fmt(o.total)}${tail}; the other ${fmt(o.total - looked)} left where they were`;
  return `${OP_PAST[op]} ${fmt(o.moved)} of ${fmt(o.total)}${tail}`;
}

function listKey(queue: string, list: JobListKind): string {
  return list === 'queued' ? keys.queue(queue) : keys.registry(list, queue);
}

const yieldToScreen = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The ids a selection names, read from Redis a page at a time. */
async function selectIds(
  redis: Redis,
  command: BulkCommand,
  signal: AbortSignal,
  progress: (p: BulkProgress) => void,
): Promise<string[]> {
  const { select, queue, list } = command;
  if (select.kind === 'ids') return [...select.ids];
  const key = listKey(queue, list);
  const total = list === 'queued' ? await redis.llen(key) : await redis.zcard(key);
  const ids: string[] = [];
  const byFilter = select.kind === 'all' && select.filter.text.trim() !== '';
  const compiled = select.kind === 'all' ? compileFilter(select.filter) : undefined;
  if (compiled?.error) throw new Error(compiled.error);
  const errorRe = select.kind === 'errorMatches' ? new RegExp(select.pattern) : undefined;
  // The list does not change under us here (nothing is moved until every id is read).
  for (let offset = 0; offset < total && !signal.aborted; offset += READ_CHUNK) {
    if (byFilter && compiled) {
      // The filter matches what the jobs screen shows: the jobs' summaries.
      const first = redis.pipeline();
      const plan = planJobPage(first, { queue, kind: list, offset, limit: READ_CHUNK });
      const r1 = ((await first.exec()) ?? []) as [Error | null, unknown][];
      const second = redis.pipeline();
      const finished = plan.finish(r1, 0, second);
      const r2 = finished.commands > 0 ? (((await second.exec()) ?? []) as [Error | null, unknown][]) : [];
      const page = readJobPage(finished.plan, r2, 0);
      for (const j of page.jobs) if (compiled.test(jobHaystack(j), jobFields(j))) ids.push(j.id);
    } else {
      const end = offset + READ_CHUNK - 1;
      const chunk =
        list === 'queued' ? await redis.lrange(key, offset, end) : await redis.zrange(key, offset, end);
      if (errorRe) ids.push(...(await matchingErrors(redis, chunk, errorRe)));
      else ids.push(...chunk);
    }
    progress({ phase: 'reading', done: Math.min(total, offset + READ_CHUNK), total });
    await yieldToScreen();
  }
  return ids;
}

/** The ids whose latest failure (result entry, else the hash's exc_info) matches. */
async function matchingErrors(redis: Redis, ids: readonly string[], re: RegExp): Promise<string[]> {
  const pipeline = redis.pipeline();
  for (const id of ids) {
    pipeline.xrevrangeBuffer(keys.results(id), '+', '-', 'COUNT', 1);
    pipeline.hgetBuffer(keys.job(id), 'exc_info');
  }
  const replies = ((await pipeline.exec()) ?? []) as [Error | null, unknown][];
  return ids.filter((id, i) => {
    const entries = (replies[2 * i]?.[1] ?? []) as [Buffer, Buffer[]][];
    const excInfo = replies[2 * i + 1]?.[1] as Buffer | null | undefined;
    let text: string | undefined;
    try {
      const first = entries[0];
      text = first ? decodeResultEntry(first[0].toString(), first[1]).excString : undefined;
      if (text === undefined && excInfo && excInfo.length > 0) text = decompress(excInfo).toString('utf8');
    } catch {
      text = undefined;
    }
    return text !== undefined && re.test(text);
  });
}

/** Runs a bulk action to its end or until `signal` aborts; never leaves a job half moved. */
export async function runBulk(
  redis: Redis,
  command: BulkCommand,
  signal: AbortSignal,
  progress: (p: BulkProgress) => void,
  options: { chunk?: number } = {},
): Promise<BulkOutcome> {
  const { op, queue, list } = command;
  if (!opAllowed(op, list)) throw new Error(`cannot ${op} jobs of the ${list} list`);
  const ids = await selectIds(redis, command, signal, progress);
  const outcome: BulkOutcome = { moved: 0, absent: 0, gone: 0, total: ids.length, cancelled: false };
  const source = listKey(queue, list);
  const target =
    op === 'requeue' ? keys.queue(queue) : op === 'fail' ? keys.registry('failed', queue) : source;
  const chunkSize = options.chunk ?? (list === 'queued' ? ACT_CHUNK_LIST : ACT_CHUNK_ZSET);
  for (let at = 0; at < ids.length; at += chunkSize) {
    if (signal.aborted) break;
    const chunk = ids.slice(at, at + chunkSize);
    const now = new Date();
    const text =
      op === 'requeue'
        ? compress('')
        : op === 'fail'
          ? compress(`Moved to FailedJobRegistry by rqts console at ${formatTimestamp(now)}`).toString(
              'base64',
            )
          : '';
    const jobKeys = chunk.flatMap((id) => [
      keys.job(id),
      keys.results(id),
      keys.jobDependents(id),
      keys.jobDependencies(id),
      keys.executions(id),
    ]);
    const reply = await SCRIPTS.bulkJobs.call(
      redis,
      [source, target, keys.allQueues, ...jobKeys],
      [
        op,
        list === 'queued' ? 'list' : 'zset',
        formatTimestamp(now),
        String(unixNow(now.getTime())),
        text,
        String(DEFAULT_FAILURE_TTL),
        ...chunk,
      ],
    );
    outcome.moved += Number(reply[0]);
    outcome.absent += Number(reply[1]);
    outcome.gone += Number(reply[2]);
    progress({ phase: 'moving', done: outcome.moved + outcome.absent + outcome.gone, total: ids.length });
    await yieldToScreen();
  }
  outcome.cancelled = signal.aborted && outcome.moved + outcome.absent + outcome.gone < ids.length;
  if (signal.aborted && outcome.total === 0) outcome.cancelled = true;
  return outcome;
}
