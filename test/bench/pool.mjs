// Pool benchmark: jobs/s of `rqts worker-pool -n 1, 2, 4` beside Python RQ on the same private
// redis-server, in the same run. The installed RQ (1.13) has no `rq worker-pool` (added in
// 1.14), so Python's column is K `rq worker --burst -S JSONSerializer` processes started
// together, which is what worker-pool does minus the supervisor. Two pairs are measured:
// the default workers (rqts: reused horse; Python: fork per job) and SimpleWorker on both.
//
// Run alone with `node test/bench/pool.mjs` (after `npm run build`), or from test/bench/run.mjs.
// Environment: BENCH_POOL_JOBS (rqts and Python SimpleWorker drains, default 4000),
// BENCH_POOL_PYTHON_FORK_JOBS (Python fork-per-job drains, default 200), BENCH_POOL_SIZES
// (default 1,2,4), BENCH_POOL_ROUNDS (default 1; medians shown).
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Job } from '../../dist/index.js';
import { enqueueRq } from './lib/drain.mjs';
import { runTimed } from './lib/processes.mjs';
import { startRedis } from './lib/redis-server.mjs';
import { envInt, fmt, median, table } from './lib/report.mjs';

const BENCH_DIR = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(BENCH_DIR, '../..');
const QUEUE = 'bench';
const CHUNK = 1000;
const JSON_SERIALIZER = 'rq.serializers.JSONSerializer';

export function poolBenchConfig(env = process.env) {
  const sizes = (env.BENCH_POOL_SIZES || '1,2,4').split(',').map(Number);
  if (sizes.some((k) => !Number.isInteger(k) || k < 1))
    throw new Error(`BENCH_POOL_SIZES=${env.BENCH_POOL_SIZES} must list whole numbers, e.g. 1,2,4`);
  return {
    jobs: envInt('BENCH_POOL_JOBS', 4000, env),
    pythonForkJobs: envInt('BENCH_POOL_PYTHON_FORK_JOBS', 200, env),
    sizes,
    rounds: envInt('BENCH_POOL_ROUNDS', 1, env),
  };
}

/** How each side starts K workers: one pool process for rqts, K processes for Python. */
const PAIRS = [
  {
    title: 'default workers',
    rqts: { label: 'rqts worker-pool (reused horse)', args: [], jobsKey: 'jobs' },
    python: { label: 'Python rq worker xK (fork per job)', args: [], jobsKey: 'pythonForkJobs' },
  },
  {
    title: 'SimpleWorker',
    rqts: { label: 'rqts worker-pool -w SimpleWorker', args: ['-w', 'SimpleWorker'], jobsKey: 'jobs' },
    python: {
      label: 'Python rq worker -w SimpleWorker xK',
      args: ['-w', 'rq.worker.SimpleWorker'],
      jobsKey: 'jobs',
    },
  },
];

function rqtsCommands(redis, k, args) {
  return [
    [
      process.execPath,
      [
        path.join(ROOT, 'bin/rqts.js'),
        'worker-pool',
        QUEUE,
        '-n',
        String(k),
        '--burst',
        '-u',
        redis.url,
        '-P',
        BENCH_DIR,
        ...args,
      ],
    ],
  ];
}

function pythonCommands(redis, k, args) {
  const one = [
    '/usr/bin/python3',
    [
      '-m',
      'rq.cli',
      'worker',
      QUEUE,
      '--burst',
      '-u',
      redis.url,
      '-P',
      BENCH_DIR,
      '-S',
      JSON_SERIALIZER,
      ...args,
    ],
  ];
  return Array.from({ length: k }, () => one);
}

/** First start and last end as the workers wrote them, and how evenly the workers shared the jobs. */
async function collect(client, ids) {
  let first = Infinity;
  let last = -Infinity;
  const perWorker = new Map();
  for (let done = 0; done < ids.length; done += CHUNK) {
    const jobs = await Job.fetchMany(client, ids.slice(done, done + CHUNK));
    for (const [i, job] of jobs.entries()) {
      if (job?.status !== 'finished' || !job.startedAt || !job.endedAt)
        throw new Error(`job ${ids[done + i]} ended as ${job?.status ?? 'missing'}, not finished`);
      first = Math.min(first, job.startedAt.getTime());
      last = Math.max(last, job.endedAt.getTime());
      perWorker.set(job.workerName, (perWorker.get(job.workerName) ?? 0) + 1);
    }
  }
  return { first, last, workers: perWorker.size, busiestShare: Math.max(...perWorker.values()) / ids.length };
}

async function runAll(commands) {
  const runs = await Promise.all(commands.map(([command, args]) => runTimed(command, args, { cwd: ROOT })));
  return runs.reduce((sum, r) => sum + r.cpuSeconds, 0);
}

/**
 * One drain of n queued jobs. CPU per job nets out what the same processes spend starting
 * and stopping on an empty queue (measured just before), so N does not skew it.
 */
async function drain(redis, commands, n) {
  await redis.client.flushall();
  const startupCpu = await runAll(commands);
  const ids = await enqueueRq(redis.client, n);
  const startedAt = performance.now();
  const cpu = await runAll(commands);
  const wallSeconds = (performance.now() - startedAt) / 1000;
  const { first, last, workers, busiestShare } = await collect(redis.client, ids);
  return {
    n,
    spanRate: n / ((last - first) / 1000),
    wallRate: n / wallSeconds,
    cpuMsPerJob: ((cpu - startupCpu) * 1000) / n,
    workers,
    busiestShare,
  };
}

/** Runs every pair at every size; prints one line per drain and the side-by-side tables. */
export async function runPoolBench(
  redis,
  config = poolBenchConfig(),
  options = { python: true, log: console.log },
) {
  const log = options.log ?? console.log;
  const results = new Map();
  const key = (pair, side, k) => `${pair}|${side}|${k}`;
  for (let round = 1; round <= config.rounds; round++) {
    for (const [p, pair] of PAIRS.entries()) {
      for (const k of config.sizes) {
        for (const side of options.python ? ['rqts', 'python'] : ['rqts']) {
          const spec = pair[side];
          const n = config[spec.jobsKey];
          const commands =
            side === 'rqts' ? rqtsCommands(redis, k, spec.args) : pythonCommands(redis, k, spec.args);
          const result = await drain(redis, commands, n);
          const list = results.get(key(p, side, k)) ?? [];
          list.push(result);
          results.set(key(p, side, k), list);
          log(
            `pool round ${round}: ${spec.label.replace('xK', `x${k}`)}${side === 'rqts' ? ` -n ${k}` : ''}: ${fmt.int(result.spanRate)} jobs/s ` +
              `(${n} jobs; start-up included ${fmt.int(result.wallRate)} jobs/s; CPU/job without start-up ${fmt.ms(result.cpuMsPerJob)} ms; ` +
              `${result.workers} worker(s) took jobs, busiest ${(result.busiestShare * 100).toFixed(0)}%)`,
          );
        }
      }
    }
  }
  const med = (p, side, k, field) => median((results.get(key(p, side, k)) ?? []).map((r) => r[field]));
  for (const [p, pair] of PAIRS.entries()) {
    log('');
    log(`Worker pool, ${pair.title}: jobs/s, first start to last end (start-up included in brackets)`);
    const rows = config.sizes.map((k) => {
      const ours = med(p, 'rqts', k, 'spanRate');
      const theirs = options.python ? med(p, 'python', k, 'spanRate') : NaN;
      return [
        `-n ${k}`,
        `${fmt.int(ours)} (${fmt.int(med(p, 'rqts', k, 'wallRate'))})`,
        options.python ? `${fmt.int(theirs)} (${fmt.int(med(p, 'python', k, 'wallRate'))})` : 'skipped',
        fmt.ratio(ours / theirs),
        fmt.ratio(ours / med(p, 'rqts', config.sizes[0], 'spanRate')),
      ];
    });
    log(
      table(
        ['workers', pair.rqts.label, pair.python.label, 'rqts/Python', `rqts vs -n ${config.sizes[0]}`],
        rows,
      ),
    );
  }
  return results;
}

async function main() {
  const config = poolBenchConfig();
  const redis = await startRedis();
  try {
    const { spawnSync } = await import('node:child_process');
    const python = spawnSync('/usr/bin/python3', ['-c', 'import rq; print(rq.__version__)'], {
      encoding: 'utf8',
    });
    const pythonVersion = python.status === 0 ? python.stdout.trim() : undefined;
    console.log(
      `rqts pool bench, ${new Date().toISOString()}: ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `Node ${process.version}, Python RQ ${pythonVersion ?? 'not installed (Python column skipped)'}; ${config.jobs} jobs (Python fork-per-job: ${config.pythonForkJobs}), sizes ${config.sizes.join(', ')}, ${config.rounds} round(s)`,
    );
    await runPoolBench(redis, config, { python: Boolean(pythonVersion), log: console.log });
  } finally {
    await redis.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await main();
  } catch (error) {
    console.error(`pool bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
