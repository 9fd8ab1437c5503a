import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/console/data/local-workers.js';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { KEYS } from './render.js';
import { startConsole, writeTaskModules } from './harness.js';

// Before rqts workers are launched on a queue, the first queued jobs' functions must resolve
// under the --path they get: otherwise the backlog would fail in a second. Refused in one line.

const built = existsSync(path.join(PACKAGE_ROOT, 'dist', 'console', 'data', 'function-check-main.js'));

describe.skipIf(!built)('launching rqts workers checks the queued functions first', () => {
  let redis: TestRedis;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis();
    dir = writeTaskModules();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('refuses naming the first function that does not resolve, and launches nothing', async () => {
    const q = new Queue('a-mixed', redis.client);
    await q.enqueue('tasks.quick', [1]);
    const bad = await q.enqueue('tasks.missing', [2]);
    await q.enqueue('tasks.quick', [3]);
    const ui = startConsole(redis.url, { paths: [dir] });
    try {
      await ui.r.press('2');
      await ui.r.waitForFrame(/a-mixed\s+3/);
      await ui.r.press('L');
      await ui.r.waitForFrame(/queues\s+a-mixed/);
      await ui.r.press(KEYS.enter);
      const frame = await ui.r.waitForFrame('Not launched: ', 20_000);
      expect(frame).toContain(
        `Not launched: tasks.missing in job ${bad.id.slice(0, 8)}… does not resolve under --path ${dir}: Cannot find tasks.missing`,
      );
      expect(ui.local?.getState().workers).toHaveLength(0);
      expect(await redis.client.llen(keys.queue('a-mixed'))).toBe(3);
    } finally {
      await ui.close();
    }
  });

  it('launches when every checked function resolves, and the job runs', async () => {
    const job = await new Queue('b-fine', redis.client).enqueue('tasks.quick', [4]);
    const ui = startConsole(redis.url, { paths: [dir] });
    try {
      await ui.r.press('2');
      await ui.r.waitForFrame(/b-fine\s+1/);
      await ui.r.press('j', 'L');
      await ui.r.waitForFrame(/queues\s+b-fine/);
      await ui.r.press(KEYS.enter); // burst: b-fine is NO-WORKER
      await ui.r.waitForFrame('Launched ', 20_000);
      await waitFor(
        async () => (await redis.client.hget(keys.job(job.id), 'status')) === 'finished',
        30_000,
        'the launched worker to run the job',
      );
    } finally {
      await ui.close();
    }
  });
});
