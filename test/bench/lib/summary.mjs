import { DRAIN_RUNNERS } from './drain.mjs';
import { ENQUEUE_RUNNERS } from './enqueue.mjs';
import { MEMORY_RUNNERS } from './idle-memory.mjs';
import { fmt, median, rate, table } from './report.mjs';

// The closing report: one table per measurement, then each target with PASS/MISS. Every
// ratio divides two medians from this same run; nothing is compared with stored numbers.

export function report(drains, enqueues, memory, config) {
  const drainRate = mapValues(drains, (runs) => rate(runs.map((r) => r.n / r.spanSeconds)));
  const enqueueRate = mapValues(enqueues, (runs) => rate(runs.map((r) => r.n / r.seconds)));
  if (Object.keys(drains).length > 0) printDrains(drains, drainRate);
  if (Object.keys(enqueues).length > 0) printEnqueues(enqueues, enqueueRate);
  if (Object.keys(memory).length > 0) printMemory(memory, config.settleMs);
  const ratio = (rates, a, b) => (rates[a] && rates[b] ? rates[a].median / rates[b].median : NaN);
  const settled = (id, field = 'pssBytes') => memory[id]?.settled[field] ?? NaN;
  const memoryRatio = (a, b, field) => settled(a, field) / settled(b, field);
  const atLeast = (wanted) => [`>= ${wanted}x`, (v) => v >= wanted];
  const atMost = (wanted) => [`<= ${wanted}x`, (v) => v <= wanted];
  const targets = [
    ['rqts Worker vs BullMQ sandboxed', ratio(drainRate, 'rqtsWorker', 'bullmqSandboxed'), ...atLeast(1.5)],
    ['rqts SimpleWorker vs BullMQ in-process', ratio(drainRate, 'rqtsSimple', 'bullmq'), ...atLeast(1.2)],
    [
      'settled PSS, rqts Worker + horse / BullMQ sandboxed',
      memoryRatio('memRqtsWorker', 'memBullmqSandboxed'),
      ...atMost(1),
    ],
    [
      'settled PSS, rqts SimpleWorker / BullMQ Worker',
      memoryRatio('memRqtsSimple', 'memBullmq'),
      ...atMost(1),
    ],
    ['rqts enqueue vs BullMQ add', ratio(enqueueRate, 'rqtsSingle', 'bullmqSingle'), ...atLeast(1)],
    ['rqts enqueueMany vs BullMQ addBulk', ratio(enqueueRate, 'rqtsBulk', 'bullmqBulk'), ...atLeast(1)],
  ];
  console.log('\nTargets (ratios of medians, or of memory readings, from this run):\n');
  console.log(
    table(
      ['target', 'measured', 'wanted', 'result'],
      targets.map(([name, value, wanted, ok]) => [
        name,
        fmt.ratio(value),
        wanted,
        Number.isFinite(value) ? (ok(value) ? 'PASS' : 'MISS') : 'n/a',
      ]),
    ),
  );
  console.log('\nFor context (no target):\n');
  console.log(
    table(
      ['comparison', 'measured'],
      [
        ['rqts Worker vs BullMQ in-process', fmt.ratio(ratio(drainRate, 'rqtsWorker', 'bullmq'))],
        [
          'rqts SimpleWorker vs BullMQ sandboxed',
          fmt.ratio(ratio(drainRate, 'rqtsSimple', 'bullmqSandboxed')),
        ],
        ['rqts Worker vs Python fork Worker', fmt.ratio(ratio(drainRate, 'rqtsWorker', 'pythonFork'))],
        [
          'rqts SimpleWorker vs Python SimpleWorker',
          fmt.ratio(ratio(drainRate, 'rqtsSimple', 'pythonSimple')),
        ],
        ['rqts enqueue vs Python q.enqueue', fmt.ratio(ratio(enqueueRate, 'rqtsSingle', 'pythonSingle'))],
        ['rqts enqueueMany vs Python enqueue_many', fmt.ratio(ratio(enqueueRate, 'rqtsBulk', 'pythonBulk'))],
        [
          'settled distinct pages, rqts Worker + horse / BullMQ sandboxed',
          fmt.ratio(memoryRatio('memRqtsWorker', 'memBullmqSandboxed', 'distinctBytes')),
        ],
        [
          'settled distinct pages, rqts SimpleWorker / BullMQ Worker',
          fmt.ratio(memoryRatio('memRqtsSimple', 'memBullmq', 'distinctBytes')),
        ],
        [
          'settled PSS, rqts Worker + horse / Python Worker',
          fmt.ratio(memoryRatio('memRqtsWorker', 'memPython')),
        ],
      ],
    ),
  );
}

function mapValues(object, fn) {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fn(value)]));
}

function printDrains(drains, drainRate) {
  const processRate = mapValues(drains, (runs) => rate(runs.map((r) => r.n / r.processSeconds)));
  const medianOf = (runs, field) => median(runs.map((r) => r[field]));
  console.log(
    '\nDrain: N no-op jobs, one worker, --burst. jobs/s = N / (last ended_at - first started_at), read from Redis;',
  );
  console.log(
    '"whole process" = N / (spawn to exit), start-up and shutdown included; "start-up" = the same command on an',
  );
  console.log(
    'empty queue (wall s / CPU s). CPU ms/job: the worker process with the children it waited for (horses), its',
  );
  console.log(
    'start-up CPU netted out; and redis-server. Redis cmds/job from INFO commandstats. Medians over rounds.\n',
  );
  console.log(
    table(
      [
        'worker',
        'jobs',
        'jobs/s',
        'range',
        'whole process',
        'start-up',
        'worker CPU ms/job',
        'redis CPU ms/job',
        'Redis cmds/job',
      ],
      Object.entries(drains).map(([id, runs]) => [
        DRAIN_RUNNERS[id].label,
        runs[0].n,
        fmt.int(drainRate[id].median),
        fmt.range(drainRate[id]),
        fmt.int(processRate[id].median),
        `${median(runs.map((r) => r.startup.seconds)).toFixed(2)} / ${median(runs.map((r) => r.startup.cpuSeconds)).toFixed(2)}`,
        fmt.ms(medianOf(runs, 'workerCpuMsPerJob')),
        fmt.ms(medianOf(runs, 'redisCpuMsPerJob')),
        medianOf(runs, 'commandsPerJob').toFixed(1),
      ]),
    ),
  );
}

function printEnqueues(enqueues, enqueueRate) {
  console.log(
    '\nEnqueue: jobs/s, each producer in a fresh process, warm-up excluded; producer CPU ms/job (median).\n',
  );
  console.log(
    table(
      ['producer', 'jobs', 'jobs/s', 'range', 'producer CPU ms/job'],
      Object.entries(enqueues).map(([id, runs]) => [
        ENQUEUE_RUNNERS[id].label,
        runs[0].n,
        fmt.int(enqueueRate[id].median),
        fmt.range(enqueueRate[id]),
        fmt.ms(median(runs.map((r) => r.cpuMsPerJob))),
      ]),
    ),
  );
}

function printMemory(memory, settleMs) {
  console.log(
    `\nIdle memory after one job, worker idle: at 1 s and after ${settleMs / 1000} s (settled). PSS: smaps_rollup, summed over`,
  );
  console.log(
    'the process tree (a page shared with other processes, the node binary above all, is divided among them, so',
  );
  console.log(
    'PSS shrinks as the machine runs more of them); distinct pages: the frames the tree maps, each once (pagemap);',
  );
  console.log('RSS: VmRSS summed, shared pages once per process.\n');
  const mib = (bytes) => (bytes === undefined ? 'n/a' : fmt.mib(bytes));
  const row = (label, m, reading) => [
    label,
    reading.processes,
    reading === m.duringJob ? '-' : mib(m.first.pssBytes),
    mib(reading.pssBytes),
    mib(reading.distinctBytes),
    mib(reading.rssBytes),
  ];
  const rows = [];
  for (const [id, m] of Object.entries(memory)) {
    rows.push(row(MEMORY_RUNNERS[id].label, m, m.settled));
    if (m.duringJob) rows.push(row('  the same, forked horse running a job', m, m.duringJob));
  }
  console.log(
    table(['worker', 'processes', 'PSS 1 s', 'PSS settled', 'distinct settled', 'RSS settled'], rows),
  );
}
