import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/console/data/local-workers.js';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { pythonRqAvailable } from '../helpers/python.js';
import { isAlive } from '../helpers/rqts-process.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { KEYS } from './render.js';
import { startConsole, writeTaskModules } from './harness.js';

// The launch dialog says what it will start (kind, --path, serializer, burst or not), and
// can start Python RQ workers for a backlog of Python jobs: marked ◆, logging to the Logs
// screen, stopped on quit like rqts ones.

const built = existsSync(path.join(PACKAGE_ROOT, 'dist', 'cli', 'main.js'));

/** The launch dialog's text with its border gone and wrapped lines joined. */
function dialogText(frame: string): string {
  const lines = frame.split('\n');
  const top = lines.findIndex((l) => l.startsWith('╭'));
  const bottom = lines.findIndex((l, i) => i > top && l.startsWith('╰'));
  return lines
    .slice(top + 1, bottom)
    .map((l) => l.replace(/^│/, '').replace(/│$/, '').trim())
    .join(' ')
    .replace(/\s+/g, ' ');
}

describe('the launch dialog', () => {
  let redis: TestRedis;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis();
    dir = writeTaskModules();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('defaults to burst on a NO-WORKER queue and to long-running elsewhere, showing path and serializer', async () => {
    await new Queue('a-stuck', redis.client).enqueue('tasks.quick', [1]);
    await new Queue('b-drained', redis.client).enqueue('tasks.quick', [2]);
    await redis.client.del(keys.queue('b-drained')); // known queue, nothing queued: no flag
    const ui = startConsole(redis.url, { paths: [dir] });
    try {
      await ui.r.press('2');
      await ui.r.waitForFrame(/a-stuck\s+1.*NO-WORKER/);
      await ui.r.press('L');
      let frame = await ui.r.waitForFrame(/queues\s+a-stuck/);
      expect(frame).toMatch(/mode\s+burst \(exit when the queues are empty\)/);
      expect(frame).toContain(`--path     ${dir}`);
      expect(frame).toMatch(/serializer\s+rq\.serializers\.JSONSerializer/);
      expect(dialogText(frame)).toContain(
        `starts rqts worker a-stuck --path ${dir} -S rq.serializers.JSONSerializer --burst`,
      );
      await ui.r.press(KEYS.escape, 'j', 'L');
      frame = await ui.r.waitForFrame(/queues\s+b-drained/);
      expect(frame).toMatch(/mode\s+long-running/);
      expect(dialogText(frame)).not.toContain('--burst');
    } finally {
      await ui.close();
    }
  });

  it('shows "." as the path when the console has no -P, and why Python RQ cannot be chosen', async () => {
    const ui = startConsole(redis.url, { pythonCandidates: ['/nonexistent/python3'] });
    try {
      await ui.r.press('L');
      let frame = await ui.r.waitForFrame(/--path\s+\./);
      frame = await ui.r.waitForFrame(
        'rqts only: Python RQ cannot be chosen (no rq in /nonexistent/python3)',
      );
      await ui.r.press(' ');
      frame = await ui.r.waitForFrame(
        'Python RQ workers cannot be launched: /nonexistent/python3: not found',
      );
      expect(frame).toMatch(/worker\s+rqts/);
      await ui.r.press(KEYS.escape);
    } finally {
      await ui.close();
    }
  });
});

describe.skipIf(!built || !pythonRqAvailable())('launching a Python RQ worker from the console', () => {
  let redis: TestRedis;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis();
    dir = writeTaskModules();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('starts rq worker with the path and serializer shown, runs a real job, and stops it on quit', async () => {
    const job = await new Queue('pyq', redis.client).enqueue('tasks.quick', [21]);
    const ui = startConsole(redis.url, { paths: [dir] });
    try {
      await ui.r.press('2');
      await ui.r.waitForFrame(/pyq\s+1/);
      await ui.r.press('L');
      await ui.r.waitForFrame(/worker\s+rqts \(or Python RQ \d/, 20_000);
      await ui.r.press(' '); // the kind field has the focus
      let frame = await ui.r.waitForFrame(/worker\s+Python RQ \d+\.\d+/);
      expect(dialogText(frame)).toContain(
        `starts rq worker pyq --path ${dir} -S rq.serializers.JSONSerializer --burst`,
      );
      expect(frame).not.toContain('launch as'); // pools are rqts's
      await ui.r.press(KEYS.tab, KEYS.tab, KEYS.tab, ' '); // mode: long-running, to see it listed
      await ui.r.waitForFrame(/mode\s+long-running/);
      await ui.r.press(KEYS.enter);
      await ui.r.waitForFrame('Launched Python RQ worker ');
      const [launched] = ui.local?.running() ?? [];
      expect(launched?.kind).toBe('python');
      await waitFor(
        async () => (await redis.client.hget(keys.job(job.id), 'status')) === 'finished',
        30_000,
        'the Python worker to finish the job',
      );
      await ui.r.press('1');
      frame = await ui.r.waitForFrame(/◆ \S+\.console\d+\.\d+\s+idle\s+pyq/, 20_000);
      expect(frame).toMatch(/RQ 1\.\d+/);
      await ui.r.press('4');
      await ui.r.waitForFrame(/Job OK|Successfully completed/, 20_000);
      await ui.r.press('q');
      await ui.r.waitForFrame('1 launched worker is still running');
      await ui.r.press('s');
      await waitFor(() => ui.exits.length === 1, 20_000, 'the console to exit');
      expect(ui.exits[0]?.workers).toBe('stopped');
      expect(launched?.pid !== undefined && isAlive(launched.pid)).toBe(false);
      expect(await redis.client.scard(keys.allWorkers)).toBe(0); // it registered its death
    } finally {
      await ui.close();
    }
  });
});
