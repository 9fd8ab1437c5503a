import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { freePort, startRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, killSpawned, runRqts, spawnRqts } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';

// The exporter's output is checked by Prometheus's own linter (Debian's promtool, which
// .ci/run installs when missing) and its values against what the test put in Redis.

const HAVE_PROMTOOL = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;

function promtool(text: string): { code: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.skipIf(!HAVE_PROMTOOL)('Prometheus metrics', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    killSpawned();
    await redis?.stop();
  });

  it('rqts metrics exports a whole Redis, promtool-clean, and rq_up 0 while Redis is down', async () => {
    const a = new Queue('mail', redis.client);
    const b = new Queue('reports', redis.client);
    for (let i = 0; i < 3; i++) await a.enqueue('tasks.add', [i, 1]);
    await b.enqueue('tasks.add', [1, 2]);
    await b.enqueue('tasks.fail', ['on purpose']);
    const drained = await runRqts(['worker', 'reports', '--url', redis.url, '--path', FIXTURES, '--burst']);
    expect(drained.code).toBe(0);
    const port = await freePort();
    const exporter = spawnRqts([
      'metrics',
      '--url',
      redis.url,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
    ]);
    await exporter.waitForOutput(`/metrics`);
    const text = await scrape(port);
    const lint = promtool(text);
    expect(lint.output).toBe('');
    expect(lint.code).toBe(0);
    expect(sample(text, 'rq_up')).toBe(1);
    expect(sample(text, 'rq_jobs{queue="mail",status="queued"}')).toBe(3);
    expect(sample(text, 'rq_jobs{queue="reports",status="finished"}')).toBe(1);
    expect(sample(text, 'rq_jobs{queue="reports",status="failed"}')).toBe(1);
    expect(sample(text, 'rq_jobs{queue="reports",status="queued"}')).toBe(0);
    expect(sample(text, 'rq_queue_oldest_job_age_seconds{queue="mail"}')).toBeGreaterThan(0);
    expect(sample(text, 'rq_queue_oldest_job_age_seconds{queue="reports"}')).toBe(0);
    expect(sample(text, 'rq_suspended')).toBe(0);
    expect(text).toMatch(/^# TYPE rq_worker_jobs_total counter$/m);
    await redis.stopServer();
    try {
      const down = await scrape(port);
      expect(sample(down, 'rq_up')).toBe(0);
      expect(promtool(down).code).toBe(0);
    } finally {
      await redis.startServer();
    }
    exporter.kill('SIGTERM');
    expect(await exporter.exited).toBe(0);
  });

  it('rqts worker --metrics-port: its own counters and state', async () => {
    const port = await freePort();
    const worker = spawnRqts([
      'worker',
      'w',
      '--url',
      redis.url,
      '--path',
      FIXTURES,
      '--name',
      'metric-w',
      '--metrics-port',
      String(port),
    ]);
    await worker.waitForOutput('/metrics');
    const queue = new Queue('w', redis.client);
    for (let i = 0; i < 4; i++) await queue.enqueue('tasks.add', [i, i]);
    await queue.enqueue('tasks.fail', ['x']);
    await waitFor(
      async () =>
        (await redis.client.zcard('rq:failed:w')) === 1 && (await redis.client.zcard('rq:finished:w')) === 4,
      20_000,
      'the jobs',
    );
    const text = await waitFor(
      async () => {
        const body = await scrape(port);
        return sample(body, 'rq_worker_jobs_total{worker="metric-w",status="failed"}') === 1
          ? body
          : undefined;
      },
      10_000,
      'the worker counters',
    );
    expect(promtool(text).output).toBe('');
    expect(sample(text, 'rq_worker_jobs_total{worker="metric-w",status="finished"}')).toBe(4);
    expect(sample(text, 'rq_workers{state="idle"}')).toBe(1);
    expect(text).toMatch(/^rq_workers_by_version\{version="[^"]+"\} 1$/m);
    expect(text).toMatch(/^rqts_process_resident_memory_bytes \d+/m);
    worker.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });

  it('rqts worker-pool --metrics-port: one endpoint for all members', async () => {
    const port = await freePort();
    const pool = spawnRqts([
      'worker-pool',
      'p',
      '-n',
      '3',
      '--name',
      'mpool',
      '--url',
      redis.url,
      '--path',
      FIXTURES,
      '--metrics-port',
      String(port),
    ]);
    await pool.waitForOutput('/metrics');
    const queue = new Queue('p', redis.client);
    for (let i = 0; i < 30; i++) await queue.enqueue('tasks.add', [i, i]);
    await waitFor(
      async () => (await redis.client.zcard('rq:finished:p')) === 30,
      30_000,
      'the pool to drain',
    );
    const text = await waitFor(
      async () => {
        const body = await scrape(port);
        return sample(body, 'rq_workers{state="idle"}') === 3 ? body : undefined;
      },
      20_000,
      'three idle members',
    );
    expect(promtool(text).output).toBe('');
    const members = text
      .split('\n')
      .filter((l) => /^rq_worker_jobs_total\{worker="mpool-w\d-[^"]+",status="finished"\}/.test(l));
    expect(members).toHaveLength(3);
    expect(members.reduce((sum, l) => sum + Number(l.split(' ')[1]), 0)).toBe(30);
    expect(sample(text, 'rq_jobs{queue="p",status="finished"}')).toBe(30);
    pool.kill('SIGTERM');
    expect(await pool.exited).toBe(0);
  }, 60_000);
});
