import { appendFileSync } from 'node:fs';
import { Queue } from '../../../dist/index.js';
import { killTree, start } from '../../bench/lib/processes.mjs';
import { account, snapshot } from './account.mjs';
import { startFaultyProxy, startRedis } from './servers.mjs';
import { alive, signal, Supervisor } from './supervisor.mjs';
import { childPids } from '../../bench/lib/processes.mjs';

// One cell of the matrix: a system under one scenario, on its own redis-server. Enqueue the
// jobs, start the supervised workers, inject the fault, let it settle, stop the workers, run a
// burst worker for maintenance (the clean-up lock deleted first), then account for every id.

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const LONG_MS = 2000;
const SHORT_MS = 150;
// A killed worker's job is abandoned 62 s after its last heartbeat (monitoring 2 s + 60):
// the settle waits that long for maintenance, never longer than this after the fault.
const SETTLE_MAX_MS = 95_000;
const STABLE_MS = 8000;

async function until(probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) return undefined;
    await pause(100);
  }
}

async function workers(redis) {
  const keys = await redis.smembers('rq:workers');
  const pipe = redis.pipeline();
  for (const key of keys) pipe.hmget(key, 'pid', 'state', 'current_job', 'name');
  const rows = (await pipe.exec()) ?? [];
  return rows
    .map(([, row]) => row && { pid: Number(row[0]), state: row[1], currentJob: row[2], name: row[3] })
    .filter((w) => w && Number.isInteger(w.pid) && w.pid > 0 && alive(w.pid));
}

function treeOf(pid) {
  const pids = [pid];
  for (const child of childPids(pid)) pids.push(...treeOf(child));
  return pids;
}

export async function runCell({ system, scenario, jobs, recorder, cell, logFile }) {
  const started = Date.now();
  const queues = scenario.queues ?? ['fa'];
  const redis = await startRedis({ aof: scenario.aof });
  const proxy = scenario.proxy ? await startFaultyProxy(redis.port) : undefined;
  const workerUrl = proxy?.url ?? redis.url;
  const ids = Array.from({ length: jobs }, (_, i) => `${cell}-j${i}${i % 5 === 2 ? '-L' : ''}`);
  const enqueue = async (batch) => {
    for (const id of batch) {
      const index = ids.indexOf(id);
      const queue = new Queue(queues[index % queues.length], redis.observer);
      const ms = id.endsWith('-L') ? LONG_MS : SHORT_MS;
      await queue.enqueue(
        'faults_tasks.record',
        [recorder.url, cell, id, ms],
        {},
        {
          jobId: id,
          timeout: 10,
          resultTtl: 3600,
          failureTtl: 3600,
          ...(scenario.retry ? { retry: { max: scenario.retry } } : {}),
        },
      );
    }
  };
  const supervisor = new Supervisor(system.units(workerUrl, queues), system.env);
  const doneCount = () => recorder.client.hlen(`${cell}:done`);
  const ctx = {
    system,
    jobs,
    ids,
    redis,
    proxy,
    enqueue,
    treeOf,
    waitDone: (n) => until(async () => (await doneCount()) >= n, 60_000),
    signal(pid, name) {
      if (name === 'SIGKILL' || name === 'SIGTERM') supervisor.expect(pid);
      return signal(pid, name);
    },
    unitPid: (pid) => supervisor.unitOf(pid)?.pid ?? pid,
    horseOf: (pid) => childPids(pid)[0],
    // long: on a 2 s job; fresh: one that started under 0.6 s ago (so a stop lands mid-job).
    busyWorker: ({ long = false, fresh = false } = {}) =>
      until(async () => {
        const busy = (await workers(redis.observer)).filter(
          (w) => w.state === 'busy' && w.currentJob && (!long || w.currentJob.endsWith('-L')),
        );
        const picked = busy[Math.floor(Math.random() * busy.length)];
        if (!picked || !fresh) return picked;
        const startedAt = await redis.observer.hget(`rq:job:${picked.currentJob}`, 'started_at');
        return Date.now() - Date.parse(startedAt.endsWith('Z') ? startedAt : `${startedAt}Z`) < 600 && picked;
      }, 15_000),
    idleWorkers: async (n) => {
      const idle = await until(async () => {
        const found = (await workers(redis.observer)).filter((w) => w.state === 'idle');
        return found.length >= n && found;
      }, 30_000);
      // Seen idle; give it a moment to be inside its blocking pop.
      await pause(300);
      return idle ?? [];
    },
    /** Seconds from `since` until the job is finished or failed (undefined: not within 90 s). */
    outcomeAfter: async (id, since) => {
      const done = await until(async () => {
        const status = await redis.observer.hget(`rq:job:${id}`, 'status');
        return (status === 'finished' || status === 'failed') && Date.now();
      }, 90_000);
      return done ? (done - since) / 1000 : undefined;
    },
    waitQueuesEmpty: (ms) =>
      until(async () => {
        const lengths = await Promise.all(queues.map((q) => redis.observer.llen(`rq:queue:${q}`)));
        return lengths.every((n) => n === 0);
      }, ms),
  };
  let note;
  let result;
  try {
    if (!scenario.deferEnqueue) await enqueue(ids);
    if (scenario.tamper) await scenario.tamper(ctx);
    supervisor.start();
    note = await scenario.fault(ctx);
    // Settle: until every job is terminal, or nothing has changed for a while with no started
    // entry still waiting for its abandonment time.
    const deadline = Date.now() + SETTLE_MAX_MS;
    let signature = '';
    let stableSince = Date.now();
    while (Date.now() < deadline) {
      const snap = await snapshot(redis.observer, ids, queues).catch(() => undefined);
      if (snap?.allTerminal) break;
      const now = JSON.stringify([
        [...(snap?.jobs.values() ?? [])].map((j) => j.status),
        await recorder.client.hlen(`${cell}:runs`),
        await doneCount(),
      ]);
      if (now !== signature) [signature, stableSince] = [now, Date.now()];
      if (snap && snap.wipFuture === 0 && Date.now() - stableSince > STABLE_MS) break;
      await pause(500);
    }
    await supervisor.stop();
    await maintenance(system, redis, workerUrl, queues, logFile);
    result = await account(redis.observer, recorder.client, cell, ids, queues);
    result.exits = supervisor.unexpected.length + supervisor.memberCrashes();
    result.exitSamples = supervisor.unexpected.slice(0, 2).map((e) => `${e.code ?? e.signal}: ${e.tail}`);
  } finally {
    await supervisor.stop();
    supervisor.reap();
    if (logFile)
      appendFileSync(logFile, `\n=== ${cell} ${system.id} ${scenario.id}\n${supervisor.logs.join('\n')}\n`);
    await proxy?.close();
    await redis.stop();
  }
  return { ...result, note, seconds: Math.round((Date.now() - started) / 1000) };
}

/** A burst worker of the same system: its start-up maintenance fails what was abandoned. */
async function maintenance(system, redis, url, queues, logFile) {
  await redis.observer.del(...queues.map((q) => `rq:clean_registries:${q}`));
  const spec = system.burst(url, queues);
  const proc = start(spec.command, spec.args, { env: system.env });
  const timer = setTimeout(() => killTree(proc.child.pid), 40_000);
  const { code, signal: sig } = await proc.exited;
  clearTimeout(timer);
  if (logFile) appendFileSync(logFile, `\n--- maintenance exit ${code ?? sig}\n${proc.output()}`);
}
