import { DRAIN_RUNNERS } from './drain.mjs';
import { ENQUEUE_RUNNERS } from './enqueue.mjs';
import { fmt, median, rate, table } from './report.mjs';

// The closing report: one table per measurement, then each target with PASS/MISS. Every
// ratio divides two medians from this same run; nothing is compared with stored numbers.

export function report(drains, enqueues, memory) {
  const drainRate = mapValues(drains, (runs) => rate(runs.map((r) => r.n / r.spanSeconds)));
  const enqueueRate = mapValues(enqueues, (runs) => rate(runs.map((r) => r.n / r.seconds)));
  if (Object.keys(drains).length > 0) printDrains(drains, drainRate);
  if (Object.keys(enqueues).length > 0) printEnqueues(enqueues, enqueueRate);
  if (memory.rqts || memory.python) printMemory(memory);
  const ratio = (rates, a, b) => (rates[a] && rates[b] ? rates[a].median / rates[b].median : NaN);
  const pairBytes = (m) => (m ? m.workerBytes + m.childBytes : NaN);
  const rssMiB = pairBytes(memory.rqts) / 2 ** 20;
  const targets = [
    [
      'rqts Worker vs Python fork Worker',
      fmt.ratio,
      ratio(drainRate, 'rqtsWorker', 'pythonFork'),
      '>= 15x',
      (v) => v >= 15,
    ],
    [
      'rqts Worker vs BullMQ',
      fmt.ratio,
      ratio(drainRate, 'rqtsWorker', 'bullmq'),
      '>= 0.5x',
      (v) => v >= 0.5,
    ],
    [
      'rqts SimpleWorker vs BullMQ',
      fmt.ratio,
      ratio(drainRate, 'rqtsSimple', 'bullmq'),
      '>= 1x',
      (v) => v >= 1,
    ],
    [
      'rqts enqueue vs BullMQ add',
      fmt.ratio,
      ratio(enqueueRate, 'rqtsSingle', 'bullmqSingle'),
      '>= 1x',
      (v) => v >= 1,
    ],
    [
      'rqts enqueueMany vs BullMQ addBulk',
      fmt.ratio,
      ratio(enqueueRate, 'rqtsBulk', 'bullmqBulk'),
      '>= 1x',
      (v) => v >= 1,
    ],
    [
      'rqts Worker + horse idle RSS',
      (v) => (Number.isFinite(v) ? `${v.toFixed(1)} MiB` : 'n/a'),
      rssMiB,
      '<= 100 MiB',
      (v) => v <= 100,
    ],
  ];
  console.log('\nTargets (ratios of medians from this run):\n');
  console.log(
    table(
      ['target', 'measured', 'wanted', 'result'],
      targets.map(([name, show, value, wanted, ok]) => [
        name,
        show(value),
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
        [
          'rqts SimpleWorker vs Python SimpleWorker',
          fmt.ratio(ratio(drainRate, 'rqtsSimple', 'pythonSimple')),
        ],
        ['rqts Worker vs Python SimpleWorker', fmt.ratio(ratio(drainRate, 'rqtsWorker', 'pythonSimple'))],
        ['rqts enqueue vs Python q.enqueue', fmt.ratio(ratio(enqueueRate, 'rqtsSingle', 'pythonSingle'))],
        ['rqts enqueueMany vs Python enqueue_many', fmt.ratio(ratio(enqueueRate, 'rqtsBulk', 'pythonBulk'))],
        [
          'idle RSS, rqts Worker + horse vs Python Worker',
          fmt.ratio(pairBytes(memory.rqts) / pairBytes(memory.python)),
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

function printMemory(memory) {
  console.log('\nIdle RSS (VmRSS after one job, worker idle; highest of 10 samples over 1 s):\n');
  const rows = [];
  if (memory.rqts) {
    const { workerBytes, childBytes, childPrivateBytes } = memory.rqts;
    rows.push([
      'rqts Worker + horse',
      fmt.mib(workerBytes + childBytes),
      `worker ${fmt.mib(workerBytes)} + horse ${fmt.mib(childBytes)}`,
    ]);
    rows.push([
      '  the same, shared pages once',
      fmt.mib(workerBytes + childPrivateBytes),
      `worker ${fmt.mib(workerBytes)} + horse's private pages ${fmt.mib(childPrivateBytes)}`,
    ]);
  }
  if (memory.python)
    rows.push([
      'Python RQ Worker',
      fmt.mib(memory.python.workerBytes + memory.python.childBytes),
      `${memory.python.children} child process(es) while idle`,
    ]);
  console.log(table(['worker', 'RSS', 'detail'], rows));
}
