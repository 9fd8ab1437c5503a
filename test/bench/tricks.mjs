// `npm run bench:tricks`: what each performance trick still saves (docs/performance.md). The
// rqts runners of the main bench run with all tricks on and with one trick switched off
// (RQTS_TRICKS_OFF in the environment of the worker or producer it starts), the variants
// interleaved within each round so a slow spell on the machine hits them alike. Reported:
// worker (or producer) CPU per job, the load-independent figure, and jobs/s, medians.
//
// The jobs a drain runs are enqueued by this process with every trick on, so a drain with
// stored-zlib off measures a worker reading stored blocks through zlib.
// Environment: BENCH_TRICKS_ROUNDS (3), BENCH_JOBS (3000), BENCH_ENQUEUE_JOBS (3000),
// BENCH_TRICKS (comma-separated subset of the tricks, default all).
import os from 'node:os';
import { TRICKS } from '../../dist/tricks.js';
import { DRAIN_RUNNERS, drainOnce, startupOnce } from './lib/drain.mjs';
import { ENQUEUE_RUNNERS, enqueueOnce } from './lib/enqueue.mjs';
import { killAll } from './lib/processes.mjs';
import { startRedis } from './lib/redis-server.mjs';
import { envInt, fmt, median, table } from './lib/report.mjs';

// The tricks a producer's path has; the others would only add rows of noise to its table.
const PRODUCER_TRICKS = new Set(['stored-zlib', 'prebuilt-command']);

const RUNNERS = [
  { id: 'rqtsWorker', kind: 'drain', tricks: TRICKS },
  { id: 'rqtsSimple', kind: 'drain', tricks: TRICKS },
  { id: 'rqtsSingle', kind: 'enqueue', tricks: TRICKS.filter((t) => PRODUCER_TRICKS.has(t)) },
  { id: 'rqtsBulk', kind: 'enqueue', tricks: TRICKS.filter((t) => PRODUCER_TRICKS.has(t)) },
];

function config() {
  const chosen = process.env.BENCH_TRICKS ? process.env.BENCH_TRICKS.split(',').map((t) => t.trim()) : TRICKS;
  const unknown = chosen.filter((t) => !TRICKS.includes(t));
  if (unknown.length > 0)
    throw new Error(`BENCH_TRICKS names no trick ${unknown.join(', ')}; pick from ${TRICKS.join(', ')}`);
  return {
    rounds: envInt('BENCH_TRICKS_ROUNDS', 3),
    jobs: envInt('BENCH_JOBS', 3000),
    enqueueJobs: envInt('BENCH_ENQUEUE_JOBS', 3000),
    tricks: new Set(chosen),
  };
}

/** One measurement with RQTS_TRICKS_OFF set to `off` ('' for all on): { cpuMsPerJob, jobsPerSecond }. */
async function measure(redis, runner, off, settings) {
  process.env.RQTS_TRICKS_OFF = off;
  if (runner.kind === 'enqueue') {
    const result = await enqueueOnce(redis, ENQUEUE_RUNNERS[runner.id], settings.enqueueJobs);
    return { cpuMsPerJob: result.cpuMsPerJob, jobsPerSecond: result.n / result.seconds };
  }
  const drainer = DRAIN_RUNNERS[runner.id];
  const startup = await startupOnce(redis, drainer);
  const drain = await drainOnce(redis, drainer, settings.jobs);
  return {
    cpuMsPerJob: ((drain.workerCpuSeconds - startup.cpuSeconds) * 1000) / drain.n,
    jobsPerSecond: drain.n / drain.spanSeconds,
  };
}

function signedPercent(fraction) {
  const percent = Math.round(fraction * 100);
  return `${percent > 0 ? '+' : ''}${percent}%`;
}

async function main() {
  const settings = config();
  const redis = await startRedis();
  const load = os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  console.log(
    `rqts tricks bench, ${new Date().toISOString()}, ${os.cpus().length} cores, load average ${load}`,
  );
  console.log(
    `drains ${settings.jobs} jobs, enqueues ${settings.enqueueJobs}; ${settings.rounds} round(s), medians shown\n`,
  );
  const results = {};
  try {
    for (let round = 1; round <= settings.rounds; round++) {
      for (const runner of RUNNERS) {
        for (const off of ['', ...runner.tricks.filter((t) => settings.tricks.has(t))]) {
          const result = await measure(redis, runner, off, settings);
          ((results[runner.id] ??= {})[off] ??= []).push(result);
          console.log(
            `round ${round}: ${runner.id}, ${off || 'all tricks on'}: ${fmt.ms(result.cpuMsPerJob)} CPU ms/job, ${fmt.int(result.jobsPerSecond)} jobs/s`,
          );
        }
      }
    }
  } finally {
    delete process.env.RQTS_TRICKS_OFF;
    await redis.stop();
  }
  for (const runner of RUNNERS) {
    const byOff = results[runner.id];
    if (!byOff) continue;
    const label = (DRAIN_RUNNERS[runner.id] ?? ENQUEUE_RUNNERS[runner.id]).label;
    const cpu = (off) => median(byOff[off].map((r) => r.cpuMsPerJob));
    const rate = (off) => median(byOff[off].map((r) => r.jobsPerSecond));
    const spread = (off) => {
      const values = byOff[off].map((r) => r.cpuMsPerJob);
      return `${fmt.ms(Math.min(...values))}-${fmt.ms(Math.max(...values))}`;
    };
    console.log(`\n${label}:\n`);
    console.log(
      table(
        ['switched off', 'CPU ms/job', 'range', 'vs all on', 'jobs/s', 'vs all on'],
        Object.keys(byOff).map((off) => [
          off || '(none: all tricks on)',
          fmt.ms(cpu(off)),
          spread(off),
          off ? signedPercent(cpu(off) / cpu('') - 1) : '',
          fmt.int(rate(off)),
          off ? fmt.ratio(rate(off) / rate('')) : '',
        ]),
      ),
    );
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

try {
  await main();
} catch (error) {
  console.error(`tricks bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
