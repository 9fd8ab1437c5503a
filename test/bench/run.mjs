// `npm run bench`: rqts against its peers (Python RQ, BullMQ) on one private redis-server, in
// one run, printing jobs/s, the ratios the project targets, and PASS/MISS for each. Not part
// of `npm test`: the figures depend on the machine, so they are compared only within a run.
//
// Environment: BENCH_JOBS (rqts and BullMQ drains, default 3000), BENCH_PYTHON_SIMPLE_JOBS
// (1000), BENCH_PYTHON_FORK_JOBS (100: a fork per job is slow), BENCH_ENQUEUE_JOBS (3000),
// BENCH_ROUNDS (3; medians are reported), BENCH_SETTLE_MS (30000: how long a worker idles
// before its settled memory is read), BENCH_ONLY (comma-separated runner ids, e.g.
// rqtsWorker,bullmq,memRqtsWorker, to profile one), BENCH_VERBOSE=1 (Redis calls per job, by
// command). The RQTS_TRICKS_OFF switches (docs/performance.md) reach every rqts process it starts.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { DRAIN_RUNNERS, drainOnce, startupOnce } from './lib/drain.mjs';
import { ENQUEUE_RUNNERS, enqueueOnce } from './lib/enqueue.mjs';
import { idleMemory, MEMORY_RUNNERS } from './lib/idle-memory.mjs';
import { killAll } from './lib/processes.mjs';
import { startRedis } from './lib/redis-server.mjs';
import { envInt as envIntOrThrow, fmt } from './lib/report.mjs';
import { parseTricksOff } from '../../dist/tricks.js';
import { report } from './lib/summary.mjs';
// The worker-pool bench lives in its own file (owned with `rqts worker-pool`); see the call in main().
import { poolBenchConfig, runPoolBench } from './pool.mjs';

// A bad setting is one line and exit code 1, before anything starts.
function envInt(name, fallback) {
  try {
    return envIntOrThrow(name, fallback);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
const tricksOff = parseTricksOff(process.env.RQTS_TRICKS_OFF);
if (tricksOff.unknown.length > 0) process.exit(1); // dist/tricks.js has said which names, in one line

const config = {
  BENCH_JOBS: envInt('BENCH_JOBS', 3000),
  BENCH_PYTHON_SIMPLE_JOBS: envInt('BENCH_PYTHON_SIMPLE_JOBS', 1000),
  BENCH_PYTHON_FORK_JOBS: envInt('BENCH_PYTHON_FORK_JOBS', 100),
  enqueueJobs: envInt('BENCH_ENQUEUE_JOBS', 3000),
  rounds: envInt('BENCH_ROUNDS', 3),
  settleMs: envInt('BENCH_SETTLE_MS', 30_000),
  verbose: process.env.BENCH_VERBOSE === '1',
};
const pythonRq = spawnSync('/usr/bin/python3', ['-c', 'import rq; print(rq.__version__)'], {
  encoding: 'utf8',
});
const pythonVersion = pythonRq.status === 0 ? pythonRq.stdout.trim() : undefined;
const RUNNER_IDS = [
  ...Object.keys(DRAIN_RUNNERS),
  ...Object.keys(ENQUEUE_RUNNERS),
  ...Object.keys(MEMORY_RUNNERS),
  'pool',
];
const only = process.env.BENCH_ONLY
  ? new Set(process.env.BENCH_ONLY.split(',').map((id) => id.trim()))
  : undefined;
const unknown = [...(only ?? [])].filter((id) => !RUNNER_IDS.includes(id));
if (unknown.length > 0) {
  console.error(
    `BENCH_ONLY names unknown runner(s) ${unknown.join(', ')}; pick from ${RUNNER_IDS.join(', ')}`,
  );
  process.exit(1);
}
const wanted = (id) => (!only || only.has(id)) && (pythonVersion || !/^(mem)?python/i.test(id));

function header(redisVersion) {
  const load = os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  const lines = [
    `rqts bench, ${new Date().toISOString()}`,
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}), ${fmt.mib(os.totalmem())} RAM, load average ${load}`,
    `Node ${process.version}, Python RQ ${pythonVersion ?? 'not installed (Python rows skipped)'}, redis-server ${redisVersion}`,
    `jobs: rqts/BullMQ drains ${config.BENCH_JOBS}, Python SimpleWorker ${config.BENCH_PYTHON_SIMPLE_JOBS}, Python fork ${config.BENCH_PYTHON_FORK_JOBS}, enqueue ${config.enqueueJobs}; ${config.rounds} round(s), medians shown`,
    `idle memory read 1 s after a worker turns idle and after ${config.settleMs / 1000} s of idle (settled)`,
    `performance tricks switched off (RQTS_TRICKS_OFF): ${process.env.RQTS_TRICKS_OFF || 'none'}`,
  ];
  if (os.loadavg()[0] > os.cpus().length / 2)
    lines.push('WARNING: the machine is busy; absolute figures will be low and ratios noisier than usual');
  return lines.join('\n');
}

// An interrupted bench must not leave redis-server or a worker behind.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

async function main() {
  const redis = await startRedis();
  try {
    const redisVersion = /redis_version:(\S+)/.exec(await redis.client.info('server'))?.[1] ?? '?';
    console.log(header(redisVersion));
    const drains = Object.fromEntries(
      Object.keys(DRAIN_RUNNERS)
        .filter(wanted)
        .map((id) => [id, []]),
    );
    const enqueues = Object.fromEntries(
      Object.keys(ENQUEUE_RUNNERS)
        .filter(wanted)
        .map((id) => [id, []]),
    );
    // Rounds interleave the runners, so a slow spell on the machine hits them all alike.
    for (let round = 1; round <= config.rounds; round++) {
      for (const id of Object.keys(drains)) {
        const runner = DRAIN_RUNNERS[id];
        const startup = await startupOnce(redis, runner);
        const drain = await drainOnce(redis, runner, config[runner.jobsEnv]);
        // CPU time is the load-independent figure; start-up CPU is netted out so N does not skew it.
        const result = {
          ...drain,
          startup,
          workerCpuMsPerJob: ((drain.workerCpuSeconds - startup.cpuSeconds) * 1000) / drain.n,
        };
        drains[id].push(result);
        console.log(
          `round ${round}: ${runner.label}: ${fmt.int(result.n / result.spanSeconds)} jobs/s (${result.n} jobs in ${result.spanSeconds.toFixed(2)} s, ` +
            `process ${result.processSeconds.toFixed(2)} s; start-up ${startup.seconds.toFixed(2)} s; CPU/job: worker ${fmt.ms(result.workerCpuMsPerJob)}, redis ${fmt.ms(result.redisCpuMsPerJob)} ms)`,
        );
        if (config.verbose) console.log(`  Redis calls per job: ${verboseCommands(result)}`);
      }
      for (const id of Object.keys(enqueues)) {
        const result = await enqueueOnce(redis, ENQUEUE_RUNNERS[id], config.enqueueJobs);
        enqueues[id].push(result);
        console.log(
          `round ${round}: ${ENQUEUE_RUNNERS[id].label}: ${fmt.int(result.n / result.seconds)} jobs/s`,
        );
      }
    }
    const memory = {};
    for (const [id, runner] of Object.entries(MEMORY_RUNNERS).filter(([id]) => wanted(id))) {
      memory[id] = await idleMemory(redis, runner, config.settleMs);
      console.log(`memory: ${runner.label}: ${memorySummary(memory[id])}`);
    }
    report(drains, enqueues, memory, config);

    // ---- Worker pool: rqts worker-pool -n 1, 2, 4 beside K Python workers (test/bench/pool.mjs) ----
    // BENCH_POOL_* variables size it; BENCH_ONLY=pool runs it alone.
    if (wanted('pool')) {
      console.log('');
      await runPoolBench(redis, poolBenchConfig(), { python: Boolean(pythonVersion), log: console.log });
    }
  } finally {
    await redis.stop();
  }
}

function memorySummary({ first, settled, duringJob }) {
  const pss = (m) => fmt.mib(m.pssBytes);
  const during = duringJob ? `, during a job ${pss(duringJob)} (${duringJob.processes} processes)` : '';
  return `PSS ${pss(first)} at 1 s, ${pss(settled)} settled (${settled.processes} process(es))${during}`;
}

function verboseCommands(result) {
  return Object.entries(result.perCommand)
    .sort((a, b) => b[1] - a[1])
    .map(([name, calls]) => `${name} ${(calls / result.n).toFixed(2)}`)
    .join(', ');
}

try {
  await main();
} catch (error) {
  // A failed runner's message already carries the tail of its output; the bench's own stack adds nothing.
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
