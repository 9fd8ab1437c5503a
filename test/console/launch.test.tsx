import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/console/data/local-workers.js';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { KEYS } from './render.js';
import { startConsole, writeTaskModules, type ConsoleUnderTest } from './harness.js';

// Workers launched from the console are its children: marked ◆, their output in Logs,
// and on quit they are stopped warm or deliberately left running.

const built = existsSync(path.join(PACKAGE_ROOT, 'dist', 'cli', 'main.js'));

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!built)('launching rqts workers from the console', () => {
  let redis: TestRedis;
  let dir: string;
  const leftBehind: number[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    dir = writeTaskModules();
    await new Queue('backlog', redis.client).enqueueMany([
      { funcName: 'tasks.quick', args: [1] },
      { funcName: 'tasks.quick', args: [2] },
    ]);
  });
  afterAll(async () => {
    for (const pid of leftBehind) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await redis?.stop();
  });

  async function launchOn(ui: ConsoleUnderTest, count: string): Promise<void> {
    await ui.r.press('2');
    await ui.r.waitForFrame(/backlog\s+\d/);
    await ui.r.press('L');
    const frame = await ui.r.waitForFrame('Launch workers');
    expect(frame).toMatch(/queues\s+backlog/); // defaults to the selected queue
    await ui.r.press(KEYS.tab, KEYS.tab, KEYS.backspace, count, KEYS.tab);
    // While backlog has jobs and no worker (NO-WORKER) burst is the default; these stay running.
    if (/mode\s+burst/.test(frame)) await ui.r.press(' ');
    await ui.r.waitForFrame(/mode\s+long-running/);
    await ui.r.press(KEYS.enter);
    await ui.r.waitForFrame('Launched ');
  }

  it('launches workers on the selected queue, marks them, shows their logs, and stops them warm on quit', async () => {
    const ui = startConsole(redis.url, { paths: [dir] });
    try {
      await launchOn(ui, '2');
      await ui.r.press('1');
      const frame = await ui.r.waitForFrame(
        (f) => (f.match(/◆ \S+\.console\d+\.\d+\s+(idle|busy)\s+backlog/g) ?? []).length === 2,
        30_000,
      );
      expect(frame).toContain('2/2 workers');
      await waitFor(
        async () => (await redis.client.llen(keys.queue('backlog'))) === 0,
        20_000,
        'the backlog to drain',
      );
      await ui.r.press('4');
      await ui.r.waitForFrame('Listening for work on backlog', 20_000);
      const pids = ui.local?.running().map((w) => w.pid) ?? [];
      expect(pids).toHaveLength(2);
      await ui.r.press('q');
      await ui.r.waitForFrame('2 launched workers are still running');
      await ui.r.press('s');
      await waitFor(() => ui.exits.length === 1, 20_000, 'the console to exit');
      expect(ui.exits[0]?.workers).toBe('stopped');
      for (const pid of pids) expect(alive(pid)).toBe(false);
      expect(await redis.client.scard(keys.allWorkers)).toBe(0); // they registered their death
    } finally {
      await ui.close();
    }
  });

  it('can leave launched workers running, detached, when quitting', async () => {
    const ui = startConsole(redis.url, { paths: [dir] });
    try {
      await launchOn(ui, '1');
      await ui.r.press('1');
      await ui.r.waitForFrame(/◆ \S+\s+idle\s+backlog/, 30_000);
      await ui.r.press('q');
      await ui.r.waitForFrame('1 launched worker is still running');
      await ui.r.press('l');
      await waitFor(() => ui.exits.length === 1, 10_000, 'the console to exit');
      const [outcome] = ui.exits;
      expect(outcome?.workers).toBe('detached');
      const pid = outcome?.detached[0]?.pid;
      if (pid) leftBehind.push(pid);
      expect(alive(pid)).toBe(true);
      expect(await redis.client.scard(keys.allWorkers)).toBe(1);
    } finally {
      await ui.close();
    }
  });
});
