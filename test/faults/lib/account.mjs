import { Job, latestResult } from '../../../dist/index.js';

// Accounting for every job id of a cell: how often its function started and ended (from the
// recorder, which no fault touches) against what the workers' Redis says became of it.

const TERMINAL = new Set(['finished', 'failed', 'stopped', 'canceled']);

/** Failure reasons by class; the first that matches names it (order matters: "timeout abc"). */
const REASONS = [
  [
    'i',
    'bad input',
    /non-integer|fix or delete the job hash|malformed|cannot be parsed|could not parse|invalid literal|ValueError|not a (whole )?number|field/i,
  ],
  ['a', 'abandoned', /abandon|stuck in intermediate queue|Moved to FailedJobRegistry/i],
  ['s', 'shutdown', /shut ?down|stopped|StopRequested|cold|interrupt/i],
  ['h', 'horse died', /horse|waitpid|terminated unexpectedly|SIGKILL|signal 9/i],
  ['c', 'connection', /ConnectionError|connection (closed|reset|lost|refused)|ECONNRESET|EPIPE/i],
  ['m', 'refused write', /OOM|maxmemory|READONLY|LOADING/i],
  ['t', 'timeout', /JobTimeoutException|timeout|timed out/i],
];
export const REASON_NAMES = Object.fromEntries([
  ...REASONS.map(([letter, name]) => [letter, name]),
  ['o', 'other'],
  ['?', 'no reason'],
]);

export function reasonClass(text) {
  if (!text) return '?';
  return REASONS.find(([, , pattern]) => pattern.test(text))?.[0] ?? 'o';
}

/** Where every job id is now: status, registries and queue it sits in, failure text. */
export async function snapshot(redis, ids, queues) {
  const pipe = redis.pipeline();
  for (const id of ids) pipe.hmget(`rq:job:${id}`, 'status', 'data');
  for (const q of queues) {
    pipe.zrange(`rq:wip:${q}`, 0, -1, 'WITHSCORES');
    pipe.zrange(`rq:finished:${q}`, 0, -1);
    pipe.zrange(`rq:failed:${q}`, 0, -1);
    pipe.lrange(`rq:queue:${q}`, 0, -1);
  }
  // The hash has no origin (malformed scenario): a clean-up may file it under queue "".
  pipe.zrange('rq:wip:', 0, -1, 'WITHSCORES');
  pipe.zrange('rq:finished:', 0, -1);
  pipe.zrange('rq:failed:', 0, -1);
  const replies = (await pipe.exec()).map(([error, value]) => (error ? null : value));
  const jobs = new Map(ids.map((id, i) => [id, { status: replies[i]?.[1] ? replies[i][0] : null }]));
  const now = Date.now() / 1000;
  let wipFuture = 0;
  let queued = 0;
  const mark = (members, where) => {
    for (const member of members ?? []) {
      // RQ 2.x started-registry members are job_id:execution_id.
      const job = jobs.get(member) ?? jobs.get(member.split(':')[0]);
      if (job) (job.where ??= []).push(where);
    }
  };
  const wip = (flat, where) => {
    const members = [];
    for (let i = 0; i + 1 < (flat ?? []).length; i += 2) {
      members.push(flat[i]);
      if (Number(flat[i + 1]) > now) wipFuture += 1;
    }
    mark(members, where);
  };
  let r = ids.length;
  for (let i = 0; i < queues.length; i++) {
    wip(replies[r++], 'wip');
    mark(replies[r++], 'finished');
    mark(replies[r++], 'failed');
    const list = replies[r++] ?? [];
    queued += list.length;
    mark(list, 'queue');
  }
  wip(replies[r++], 'wip');
  mark(replies[r++], 'finished');
  mark(replies[r], 'failed');
  return { jobs, wipFuture, queued, allTerminal: [...jobs.values()].every((j) => TERMINAL.has(j.status)) };
}

async function failureText(redis, id) {
  try {
    const job = await Job.fetch(redis, id);
    if (job.excInfo) return job.excInfo;
  } catch {
    // a hash the model refuses (malformed on purpose) still has a result stream, perhaps
  }
  try {
    return (await latestResult(redis, id))?.excString;
  } catch {
    return undefined;
  }
}

/**
 * One cell's figures. Every id lands in exactly one outcome: finished (ok when it ran once and
 * sits in one place), failed by reason class, stranded (started, and nothing will end it),
 * queued, lost (never completed and nowhere to run from) or gone (completed, then its hash went
 * with the keyspace). ranTwice, doneTwice and twoPlaces overlap them.
 */
export async function account(redis, recorder, cell, ids, queues) {
  const [runs, done] = await Promise.all([
    recorder.hgetall(`${cell}:runs`),
    recorder.hgetall(`${cell}:done`),
  ]);
  const snap = await snapshot(redis, ids, queues);
  const out = {
    ok: 0,
    finished: 0,
    failed: {},
    stranded: 0,
    queued: 0,
    lost: 0,
    gone: 0,
    ranTwice: 0,
    doneTwice: 0,
    twoPlaces: 0,
    maxRuns: 0,
    examples: {},
  };
  for (const id of ids) {
    const job = snap.jobs.get(id);
    const ran = Number(runs[id] ?? 0);
    const completed = Number(done[id] ?? 0);
    const where = job.where ?? [];
    out.maxRuns = Math.max(out.maxRuns, ran);
    if (ran >= 2) out.ranTwice += 1;
    if (completed >= 2) out.doneTwice += 1;
    if (new Set(where).size >= 2) out.twoPlaces += 1;
    if (job.status === null) {
      if (completed > 0) out.gone += 1;
      else out.lost += 1;
    } else if (job.status === 'finished') {
      out.finished += 1;
      if (ran === 1 && completed === 1 && where.length === 1) out.ok += 1;
    } else if (job.status === 'failed' || job.status === 'stopped') {
      const text = await failureText(redis, id);
      const letter = reasonClass(text);
      out.failed[letter] = (out.failed[letter] ?? 0) + 1;
      out.examples[letter] ??= (text ?? '').trim().split('\n').slice(-1)[0]?.slice(0, 160);
    } else if (where.includes('queue')) {
      out.queued += 1;
    } else if (where.includes('wip') || ran > 0) {
      // started, and after maintenance still nobody will finish or fail it
      out.stranded += 1;
    } else {
      // never ran and no queue or registry holds it: nothing will ever run it
      out.lost += 1;
    }
  }
  return out;
}
