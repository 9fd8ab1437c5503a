import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/console/data/local-workers.js';
import { Queue } from '../../src/model/queue.js';
import { findWorkers } from '../../src/model/worker-record.js';
import { keys } from '../../src/redis/keys.js';
import { isAlive } from '../helpers/rqts-process.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { KEYS } from './render.js';
import { startConsole, writeTaskModules } from './harness.js';

// A pool launched from the console is one `rqts worker-pool` child: its workers carry the
// pool's name (POOL column), count as launched (◆), and go away with it on quit.

const built = existsSync(path.join(PACKAGE_ROOT, 'dist', 'cli', 'worker-pool.js'));

describe.skipIf(!built)('launching a worker pool from the console', () => {
  let redis: TestRedis;
  let dir: string;
  const pids: number[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    dir = writeTaskModules();
    await new Queue('pooled', redis.client).enqueue('tasks.quick', [21]);
  });
  afterAll(async () => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await redis?.stop();
  });

  it('launches one pool process whose workers show the pool, and stops pool and workers warm on quit', async () => {
    const ui = startConsole(redis.url, { paths: [dir] });
    try {
      await ui.r.press('2');
      await ui.r.waitForFrame(/pooled\s+1/);
      await ui.r.press('L');
      await ui.r.waitForFrame(/queues\s+pooled/);
      // (from worker kind) how many: 2; mode long-running (pooled is NO-WORKER: burst by default);
      // path and serializer as they are; launch as: one pool; pool name: web
      await ui.r.press(
        KEYS.tab,
        KEYS.tab,
        KEYS.backspace,
        '2',
        KEYS.tab,
        ' ',
        KEYS.tab,
        KEYS.tab,
        KEYS.tab,
        ' ',
      );
      const dialog = await ui.r.waitForFrame(/launch as\s+one pool/);
      const defaultName = /pool name\s+(\S+)/.exec(dialog)?.[1] ?? '';
      expect(defaultName).not.toBe('');
      await ui.r.press(
        KEYS.tab,
        ...Array<string>(defaultName.length).fill(KEYS.backspace),
        'web',
        KEYS.enter,
      );
      await ui.r.waitForFrame('Launched pool of 2 web (pid');
      const launched = ui.local?.running() ?? [];
      expect(launched.map((w) => [w.name, w.poolSize])).toEqual([['web', 2]]);
      const poolPid = launched[0]?.pid;
      if (poolPid) pids.push(poolPid);

      await ui.r.press('1');
      const frame = await ui.r.waitForFrame(
        (f) => (f.match(/◆ web-w\d-\S+\s+web\s+(idle|busy)\s+pooled/g) ?? []).length === 2,
        30_000,
      );
      expect(frame).toMatch(/NAME↑?\s+POOL\s+STATE/); // the sorted column carries its arrow
      const workers = await findWorkers(redis.client);
      expect(workers.map((w) => w.pool)).toEqual(['web', 'web']);
      const memberPids = workers.map((w) => w.pid ?? 0);
      pids.push(...memberPids);
      for (const pid of memberPids) expect(isAlive(pid)).toBe(true);
      await waitFor(
        async () => (await redis.client.llen(keys.queue('pooled'))) === 0,
        20_000,
        'the pool to take the job',
      );

      await ui.r.press('/', 'w', 'e', 'b', '-', 'w', '1', KEYS.enter, KEYS.enter);
      await ui.r.waitForFrame((f) => /Worker web-w1-/.test(f) && /pool\s+web\b/.test(f)); // the worker detail names its pool
      await ui.r.press('4');
      await ui.r.waitForFrame(/\[w[12]\]/, 20_000); // the members' output, through the pool's log

      await ui.r.press('q');
      await ui.r.waitForFrame('web (pool of 2)');
      await ui.r.press('s');
      await waitFor(() => ui.exits.length === 1, 20_000, 'the console to exit');
      expect(ui.exits[0]?.workers).toBe('stopped');
      for (const pid of [poolPid ?? 0, ...memberPids]) expect(isAlive(pid), `pid ${pid}`).toBe(false);
      expect(await redis.client.scard(keys.allWorkers)).toBe(0); // the members registered their death
    } finally {
      await ui.close();
    }
  });
});
