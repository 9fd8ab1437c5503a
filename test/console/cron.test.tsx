import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronSchedulerFrom } from '../../src/model/cron-scheduler.js';
import { keys } from '../../src/redis/keys.js';
import { PEERS } from '../helpers/peers.js';
import { spawnPython } from '../helpers/python.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { spawnRqts } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { startConsole, type ConsoleUnderTest } from './harness.js';

// The cron screen against a real `rq cron` (RQ 2.4+): its scheduler with a fresh beat and its
// jobs' schedules and enqueue times; when the scheduler dies, the screen says so.

const cronPeer = PEERS.find((p) => p.major >= 2);

describe('cron scheduler entries', () => {
  it('parses what rq cron writes, and says so when cron_jobs is garbage', () => {
    const ok = cronSchedulerFrom('host:1:ab', 1_700_000_000, [
      'host',
      '1',
      '2026-12-02T14:30:21.726723Z',
      'cron_config.py',
      JSON.stringify([
        { func_name: 'tasks.tick', queue_name: 'default', interval: 30, cron: null, next_enqueue_time: null },
      ]),
    ]);
    expect(ok.alive).toBe(true);
    expect(ok.heartbeatAt).toBe(1_700_000_000_000);
    expect(ok.jobs).toEqual([
      {
        func: 'tasks.tick',
        queue: 'default',
        interval: 30,
        cron: undefined,
        latestEnqueue: undefined,
        nextEnqueue: undefined,
      },
    ]);
    const bad = cronSchedulerFrom('x', 1, ['h', '2', null, null, '{not json']);
    expect(bad.jobs).toEqual([]);
    expect(bad.jobsError).toMatch(/cron_jobs is not a JSON list/);
    expect(cronSchedulerFrom('gone', 1, [null, null, null, null, null]).alive).toBe(false);
  });
});

describe.skipIf(!cronPeer)(`the cron screen against rq cron (RQ ${cronPeer?.version})`, () => {
  let redis: TestRedis;
  let ui: ConsoleUnderTest;
  let cron: ReturnType<typeof spawnPython>;

  beforeAll(async () => {
    redis = await startRedis();
    const dir = mkdtempSync(path.join(tmpdir(), 'rqts-cron-'));
    writeFileSync(path.join(dir, 'tasks.py'), 'def tick():\n    return 1\n');
    writeFileSync(
      path.join(dir, 'cron_config.py'),
      [
        'from rq import cron',
        'import tasks',
        "cron.register(tasks.tick, queue_name='default', interval=30)",
        "cron.register(tasks.tick, queue_name='low', cron='*/5 * * * *')",
        '',
      ].join('\n'),
    );
    cron = spawnPython(['-m', 'rq.cli', 'cron', '--url', redis.url, 'cron_config.py'], cronPeer!.env, dir);
    ui = startConsole(redis.url);
  });
  afterAll(async () => {
    await ui?.close();
    cron?.kill('SIGKILL');
    await redis?.stop();
  });

  it("shows the scheduler's beat and each job's schedule, last and next enqueue", async () => {
    await waitFor(
      async () => (await redis.client.zcard(keys.cronSchedulers)) === 1,
      30_000,
      'rq cron to register',
    );
    await ui.r.press('6');
    // Ages under 10 s read "2.3s": the patterns take both forms.
    const wanted = [
      /ok · beat [\d.]+s ago · \d+@\S+ · cron_config\.py/,
      /tasks\.tick → default · every 30s · last [\d.]+s ago · next in/,
      /tasks\.tick → low · cron \*\/5 \* \* \* \* · last never · next in/,
    ];
    const frame = await ui.r.waitForFrame((f) => wanted.every((re) => re.test(f)), 20_000);
    expect(frame).toContain('1 scheduler · 2 cron jobs');
  });

  it('rqts info --json lists the same scheduler and jobs', async () => {
    const info = spawnRqts(['info', '--json', '--url', redis.url]);
    expect(await info.exited, info.output()).toBe(0);
    const doc = JSON.parse(info.output()) as {
      cronSchedulers: {
        health: string;
        pid: number;
        jobs: { func: string; queue: string; overdue: boolean }[];
      }[];
    };
    expect(doc.cronSchedulers).toHaveLength(1);
    expect(doc.cronSchedulers[0]).toMatchObject({ health: 'ok', pid: cron.pid });
    expect(doc.cronSchedulers[0]?.jobs.map((j) => `${j.func}→${j.queue}:${j.overdue}`)).toEqual([
      'tasks.tick→default:false',
      'tasks.tick→low:false',
    ]);
  });

  it('a scheduler that died is GONE once its hash expires, and its jobs are said not to run', async () => {
    cron.kill('SIGKILL');
    // Its hash lives 120 s after the last beat; expiring it now is that wait, shortened.
    const [name] = await redis.client.zrange(keys.cronSchedulers, 0, 0);
    await redis.client.pexpire(keys.cronScheduler(name ?? ''), 1);
    const frame = await ui.r.waitForFrame(/GONE: its hash expired/, 20_000);
    expect(frame).toContain('1 late or gone');
  });
});
