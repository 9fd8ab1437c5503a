// `npm run bench:console` (also run by `npm run bench`): what one refresh of `rqts console`
// costs at 10, 100 and 1,000 workers: Redis round trips and commands (counted, not
// estimated), time to read the snapshot, time to derive rows, and time from a refresh to
// the frame being written by Ink (reading, deriving and drawing the visible rows).
// Workers are fake hashes written the way a Python worker writes them (half of them busy
// on a job), on the bench's own private redis-server.
//
// Environment: BENCH_CONSOLE_REFRESHES (timed refreshes per size, default 20),
// BENCH_CONSOLE_WORKERS (only these sizes, e.g. 1000,10000).
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { commandStats, startRedis } from './lib/redis-server.mjs';

// As `rqts console` does: React's production build, chosen before React is first loaded.
process.env.NODE_ENV ??= 'production';
// As `rqts console` does: Ink's modules loaded through the patching hook, before Ink loads.
const { boundInkCaches } = await import('../../dist/console/ink-cache-bound.js');
boundInkCaches();
const React = (await import('react')).default;
const { render } = await import('ink');
const { ConsoleApp } = await import('../../dist/console/app.js');
const { ActionCenter } = await import('../../dist/console/data/actions.js');
const { createConsoleClient, Poller } = await import('../../dist/console/data/poller.js');
const { readSnapshot } = await import('../../dist/console/data/snapshot.js');
const { deriveQueueRows, deriveTotals, deriveWorkerRows } = await import('../../dist/console/data/derive.js');
const { filterRows, sortRows } = await import('../../dist/console/data/table.js');
const { WORKER_COLUMNS, workerHaystack } = await import('../../dist/console/data/columns.js');
const { keys } = await import('../../dist/redis/keys.js');
const { formatTimestamp } = await import('../../dist/model/time.js');

const SIZES = [
  { workers: 10, queues: 20 },
  { workers: 100, queues: 50 },
  { workers: 1000, queues: 200 },
  { workers: 10000, queues: 200 },
].filter(
  (size) =>
    !process.env.BENCH_CONSOLE_WORKERS ||
    process.env.BENCH_CONSOLE_WORKERS.split(',').includes(String(size.workers)),
);
const REFRESHES = Number(process.env.BENCH_CONSOLE_REFRESHES ?? 20);
const KEYSTROKES = 20;

async function writeData(client, size) {
  const now = formatTimestamp(new Date());
  const queueNames = Array.from({ length: size.queues }, (_, i) => `queue${String(i).padStart(3, '0')}`);
  const multi = client.multi();
  queueNames.forEach((q, i) => {
    multi.sadd(keys.allQueues, keys.queue(q));
    for (let j = 0; j < 3; j++) {
      const id = `${q}-queued-${j}`;
      multi.rpush(keys.queue(q), id);
      multi.hset(keys.job(id), {
        origin: q,
        status: 'queued',
        description: `tasks.work(${i}, ${j})`,
        enqueued_at: now,
        created_at: now,
        data: '',
      });
    }
    multi.zadd(keys.registry('failed', q), Date.now() / 1000 + 3600, `${q}-failed`);
    multi.zadd(keys.registry('finished', q), Date.now() / 1000 + 500, `${q}-finished`);
  });
  for (let i = 0; i < size.workers; i++) {
    const name = `bench-worker-${String(i).padStart(4, '0')}`;
    const busy = i % 2 === 0;
    const queue = queueNames[i % queueNames.length];
    const jobId = `${name}-job`;
    multi.hset(keys.worker(name), {
      birth: now,
      last_heartbeat: now,
      queues: queue,
      pid: String(10_000 + i),
      hostname: 'bench-host',
      ip_address: '127.0.0.1:1',
      version: '1.16.2',
      python_version: '3.11.2',
      state: busy ? 'busy' : 'idle',
      successful_job_count: String(i * 3),
      failed_job_count: String(i % 7),
      total_working_time: '12.5',
      current_job_working_time: busy ? '3' : '0',
      ...(busy ? { current_job: jobId } : {}),
    });
    multi.sadd(keys.allWorkers, keys.worker(name));
    multi.sadd(keys.workersOfQueue(queue), keys.worker(name));
    if (busy)
      multi.hset(keys.job(jobId), {
        origin: queue,
        status: 'started',
        description: `tasks.crunch(${i})`,
        timeout: '180',
        started_at: now,
        created_at: now,
        data: '',
      });
  }
  await multi.exec();
}

function countWrites(client) {
  const stream = client.stream;
  const original = stream.write.bind(stream);
  let writes = 0;
  stream.write = (...args) => {
    writes++;
    return original(...args);
  };
  return () => writes;
}

class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 200;
  rows = 50;
  frames = 0;
  write = () => {
    this.frames++;
    return true;
  };
}
class FakeStdin extends EventEmitter {
  isTTY = true;
  data = null;
  read = () => {
    const data = this.data;
    this.data = null;
    return data;
  };
  write = (data) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const p95 = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
};

async function waitReady(client) {
  for (let i = 0; i < 200 && client.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 25));
}

async function measure(redis, size) {
  await redis.client.flushall();
  await writeData(redis.client, size);
  const client = createConsoleClient(redis.url);
  await waitReady(client);
  const writes = countWrites(client);

  for (let i = 0; i < 3; i++) await readSnapshot(client);
  await redis.client.config('RESETSTAT');
  const before = writes();
  const readMs = [];
  let snapshot;
  for (let i = 0; i < REFRESHES; i++) {
    const t0 = performance.now();
    snapshot = await readSnapshot(client);
    readMs.push(performance.now() - t0);
  }
  const roundTrips = (writes() - before) / REFRESHES;
  const stats = await commandStats(redis.client);
  const commands =
    Object.entries(stats.perCommand)
      .filter(([name]) => !name.startsWith('config') && !name.startsWith('info'))
      .reduce((n, [, calls]) => n + calls, 0) / REFRESHES;

  const deriveMs = [];
  for (let i = 0; i < REFRESHES; i++) {
    const t0 = performance.now();
    const rows = deriveWorkerRows(snapshot, snapshot.takenAt);
    const queues = deriveQueueRows(snapshot, rows, snapshot.takenAt);
    deriveTotals(rows, queues);
    sortRows(
      filterRows(rows, workerHaystack, { text: '', regex: false }).rows,
      WORKER_COLUMNS,
      { column: 'heartbeat', descending: true },
      (w) => w.name,
    );
    deriveMs.push(performance.now() - t0);
  }

  // The whole refresh as a person sees it: read, derive, lay out and write the frame.
  const poller = new Poller(client, { intervalMs: 3_600_000 });
  const actions = new ActionCenter(client);
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  const app = render(
    React.createElement(ConsoleApp, {
      poller,
      actions,
      local: undefined,
      display: redis.url,
      readOnly: true,
      onExit: () => undefined,
    }),
    {
      stdout,
      stdin,
      stderr: new FakeStdout(),
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  poller.start();
  await poller.nextTick();
  const frameMs = [];
  for (let i = 0; i < Math.max(5, Math.floor(REFRESHES / 2)); i++) {
    const frames = stdout.frames;
    const t0 = performance.now();
    await poller.nextTick();
    if (stdout.frames === frames) throw new Error('a refresh wrote no frame');
    frameMs.push(performance.now() - t0);
  }
  // A keystroke as a person feels it: from the key arriving to the next frame written
  // (React's render of the moved cursor, Ink's layout and output), between refreshes.
  const keyMs = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < KEYSTROKES; i++) {
    const frames = stdout.frames;
    const t0 = performance.now();
    stdin.write(i % 2 ? 'k' : 'j');
    while (stdout.frames === frames) {
      if (performance.now() - t0 > 5000) throw new Error('a keystroke wrote no frame');
      await new Promise((resolve) => setImmediate(resolve));
    }
    keyMs.push(performance.now() - t0);
    await new Promise((resolve) => setTimeout(resolve, 40)); // past Ink's 30 fps throttle
  }
  // CPU per keystroke: what a busy machine cannot inflate the way it inflates wall time.
  const cpu = process.cpuUsage(cpu0);
  const keyCpuMs = (cpu.user + cpu.system) / 1000 / KEYSTROKES;
  app.unmount();
  poller.stop();
  client.disconnect();
  return { ...size, readMs, roundTrips, commands, deriveMs, frameMs, keyMs, keyCpuMs };
}

function pad(text, width) {
  return String(text).padStart(width);
}

async function main() {
  const redis = await startRedis();
  try {
    const version = /redis_version:(\S+)/.exec(await redis.client.info('server'))?.[1] ?? '?';
    console.log(`rqts console refresh bench, ${new Date().toISOString()}`);
    console.log(
      `machine: ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(
          ' ',
        )}; Node ${process.version}; redis-server ${version}; NODE_ENV=${process.env.NODE_ENV}; ${REFRESHES} refreshes per size`,
    );
    const rows = [];
    for (const size of SIZES) rows.push(await measure(redis, size));
    console.log('');
    console.log(
      '| workers | queues | round trips / refresh | Redis commands / refresh | snapshot read ms (median / p95) | derive ms (median) | refresh → frame ms (median / p95) | keystroke → frame ms (median / p95) | CPU ms / keystroke |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) {
      console.log(
        `| ${pad(r.workers, 5)} | ${pad(r.queues, 4)} | ${r.roundTrips.toFixed(0)} | ${r.commands.toFixed(0)} | ${median(r.readMs).toFixed(1)} / ${p95(r.readMs).toFixed(1)} | ${median(r.deriveMs).toFixed(2)} | ${median(r.frameMs).toFixed(1)} / ${p95(r.frameMs).toFixed(1)} | ${median(r.keyMs).toFixed(1)} / ${p95(r.keyMs).toFixed(1)} | ${r.keyCpuMs.toFixed(1)} |`,
      );
    }
    const trips = new Set(rows.map((r) => r.roundTrips));
    console.log('');
    console.log(
      trips.size === 1
        ? `PASS round trips per refresh are constant (${[...trips][0]}) from ${SIZES[0].workers} to ${SIZES.at(-1).workers} workers`
        : `MISS round trips per refresh vary with size: ${rows.map((r) => r.roundTrips).join(', ')}`,
    );
  } finally {
    await redis.stop();
  }
}

await main();
