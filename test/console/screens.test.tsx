import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { pythonRqAvailable, runProcess, PYTHON } from '../helpers/python.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { KEYMAP } from '../../src/console/keymap.js';
import { KEYS } from './render.js';
import { JSON_SERIALIZER, startConsole, writeTaskModules, type ConsoleUnderTest } from './harness.js';
import { writeFakeWorkers } from './fake-workers.js';

describe('console screens', () => {
  let redis: TestRedis;
  let ui: ConsoleUnderTest;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis();
    dir = writeTaskModules();
    await writeFakeWorkers(redis.client, 'alpha-', 1, { queues: ['served'] });
    await writeFakeWorkers(redis.client, 'beta-', 1, { queues: ['served'] });
    await writeFakeWorkers(redis.client, 'gamma-', 1, { queues: ['served'] });
    ui = startConsole(redis.url);
    await ui.r.waitForFrame('gamma-0');
  });
  afterAll(async () => {
    await ui?.close();
    await redis?.stop();
  });

  it('filters with / (substring, then regex), clears with Esc, and sorts with >', async () => {
    await ui.r.press('/', 'b', 'e', 't', KEYS.enter);
    let frame = await ui.r.waitForFrame((f) => f.includes('beta-0') && !f.includes('alpha-0'));
    expect(frame).toContain('1/3 workers');
    await ui.r.press(KEYS.escape);
    await ui.r.waitForFrame((f) => f.includes('alpha-0') && f.includes('gamma-0'));
    await ui.r.press('/', '\u0012', '^', '(', 'a', '|', 'g', ')', KEYS.enter); // ctrl+r: regex
    frame = await ui.r.waitForFrame(
      (f) => f.includes('alpha-0') && f.includes('gamma-0') && !f.includes('beta-0'),
    );
    expect(frame).toContain('filter re/^(a|g)/');
    // The sorted column carries its arrow in the table header (POOL, hidden on a fleet
    // without pools, is skipped over by the eye but not by the cycle).
    await ui.r.press(KEYS.escape, '>', 'o', '>');
    await ui.r.waitForFrame('STATE↓');
    await ui.r.press('<', '<', 'o');
    await ui.r.waitForFrame('NAME↑');
  });

  it('escapes control characters in names and descriptions', async () => {
    await new Queue('served', redis.client).enqueue(
      'tasks.quick',
      [],
      {},
      { description: 'evil\u001b[2J\u0007desc' },
    );
    await ui.r.press('2');
    await ui.r.waitForFrame(/served\s+1/);
    await ui.r.press('/', 's', 'e', 'r', 'v', KEYS.enter, KEYS.enter);
    const frame = await ui.r.waitForFrame('evil\\e[2J\\x07desc');
    expect(frame).toContain('queue served');
    expect(ui.r.stdout.frames.some((f) => f.includes('\u001b[2J') || f.includes('\u0007'))).toBe(false);
    await ui.r.press(KEYS.escape); // Esc leads home: the workers screen
    await ui.r.waitForFrame(/1 Workers .*3\/3 workers/);
    await ui.r.press('2'); // the queues keep their filter
    await ui.r.waitForFrame('filter /serv/');
    await ui.r.press(KEYS.escape); // clears the queues filter
    await ui.r.waitForFrame((f) => !f.includes('filter /serv/'));
    await ui.r.press('1');
  });

  it.skipIf(!pythonRqAvailable())(
    'failed jobs: the error in the list, the stack trace in detail, requeue one, requeue all, empty',
    async () => {
      const queue = new Queue('broken', redis.client);
      const failing = await queue.enqueueMany([
        { funcName: 'tasks.fail' },
        { funcName: 'tasks.fail' },
        { funcName: 'tasks.fail' },
      ]);
      const run = await runProcess(
        PYTHON,
        [
          '-m',
          'rq.cli',
          'worker',
          '--burst',
          '--url',
          redis.url,
          '-S',
          JSON_SERIALIZER,
          '--path',
          dir,
          'broken',
        ],
        {},
        dir,
      );
      expect(run.code, run.stderr).toBe(0);
      await queue.enqueue('tasks.quick', [5]);

      await ui.r.press('2');
      await ui.r.waitForFrame(/broken\s+1\s+0\s+0\s+3/);
      await ui.r.press('/', 'b', 'r', 'o', 'k', KEYS.enter);
      await ui.r.waitForFrame(/broken.*NO-WORKER/);
      await ui.r.press(KEYS.enter, KEYS.right, KEYS.right); // queued -> started -> failed
      let frame = await ui.r.waitForFrame(
        (f) => f.includes('RuntimeError: boom') && f.includes(' failed 3 '),
      );
      expect(frame).toContain(failing[0]?.id.slice(0, 8));

      await ui.r.press(KEYS.enter);
      frame = await ui.r.waitForFrame('Latest result: failed');
      expect(frame).toContain('Traceback (most recent call last)');
      expect(frame).toContain('function        tasks.fail');
      await ui.r.press('r');
      await ui.r.waitForFrame('back in queue broken');
      await ui.r.press(KEYS.escape);
      await ui.r.waitForFrame(/queue broken\s+queued \d+\s+started 0\s+failed 2\s/);

      await ui.r.press('R');
      frame = await ui.r.waitForFrame('Requeue every failed job of this queue?');
      expect(frame).toContain('target: queue broken');
      await ui.r.press('y');
      await ui.r.waitForFrame('2 jobs requeued');
      expect(await redis.client.zcard(keys.registry('failed', 'broken'))).toBe(0);
      expect(await redis.client.llen(keys.queue('broken'))).toBe(4);

      await ui.r.waitForFrame(/queue broken\s+queued 4\s/);
      await ui.r.press('E');
      await ui.r.waitForFrame('Deletes its 4 queued jobs');
      await ui.r.press('y');
      await ui.r.waitForFrame('4 jobs deleted');
      expect(await redis.client.llen(keys.queue('broken'))).toBe(0);
      await ui.r.press(KEYS.escape, '1');
    },
  );

  it('suspends (after confirming) and resumes with P, with a banner while suspended', async () => {
    await ui.r.press('P');
    await ui.r.waitForFrame('Suspend all workers?');
    await ui.r.press('y');
    await ui.r.waitForFrame('SUSPENDED: workers start no new jobs');
    expect(await redis.client.exists(keys.suspended)).toBe(1);
    await ui.r.press('P');
    await ui.r.waitForFrame((f) => !f.includes('SUSPENDED') && f.includes('Workers resumed'));
    expect(await redis.client.exists(keys.suspended)).toBe(0);
  });

  it('the launch dialog validates its fields, toggles burst with space, and Esc closes it', async () => {
    await ui.r.press('1', 'L');
    const frame = await ui.r.waitForFrame('Launch workers');
    expect(frame).toMatch(/queues\s+served/); // the selected worker's queues
    await ui.r.press(KEYS.tab, KEYS.tab, KEYS.backspace, '0', KEYS.enter);
    await ui.r.waitForFrame('How many: a whole number from 1 to 50');
    await ui.r.press(KEYS.tab, ' ');
    await ui.r.waitForFrame('burst (exit when the queues are empty)');
    await ui.r.press(KEYS.escape);
    await ui.r.waitForFrame((f) => !f.includes('Launch workers'));
  });

  it('shows help generated from the keymap, and worker detail with raw hash fields', async () => {
    await ui.r.press('?');
    let frame = await ui.r.waitForFrame(KEYMAP.find((b) => b.id === 'nav.up')?.help ?? '?');
    expect(frame).toContain('Everywhere');
    await ui.r.press('1', KEYS.enter);
    frame = await ui.r.waitForFrame('Hash fields');
    expect(frame).toMatch(/Worker (alpha|beta|gamma)-0/);
    expect(frame).toContain('successful_job_count');
    await ui.r.press(KEYS.escape);
  });
});

describe('console with --read-only', () => {
  let redis: TestRedis;
  let ui: ConsoleUnderTest;
  beforeAll(async () => {
    redis = await startRedis();
    await writeFakeWorkers(redis.client, 'ro-', 1, { busy: true });
    ui = startConsole(redis.url, { readOnly: true });
  });
  afterAll(async () => {
    await ui?.close();
    await redis?.stop();
  });

  it('offers no action: none in the footer, and action keys do nothing', async () => {
    const frame = await ui.r.waitForFrame('ro-0');
    expect(frame).toContain('READ-ONLY');
    expect(frame).not.toContain('kill horse');
    await ui.r.press('K', 'D', 'L', 'P');
    await ui.r.press('j');
    expect(ui.r.lastFrame()).not.toMatch(/Kill the horse|Shut this worker|Launch workers|Suspend all/);
    await ui.r.press('K');
    await ui.r.waitForFrame('read-only: K is disabled', 5000);
  });
});

describe('console when Redis goes away', () => {
  let redis: TestRedis;
  let ui: ConsoleUnderTest;
  beforeAll(async () => {
    redis = await startRedis();
    await writeFakeWorkers(redis.client, 'up-', 1);
    ui = startConsole(redis.url);
  });
  afterAll(async () => {
    await ui?.close();
    await redis?.stop();
  });

  it('shows a banner, keeps the last data, and recovers by itself', async () => {
    await ui.r.waitForFrame('up-0');
    await redis.stopServer();
    const frame = await ui.r.waitForFrame('Redis unreachable since', 20_000);
    expect(frame).toContain('reconnecting');
    expect(frame).toMatch(
      /\((ECONNREFUSED|connect ECONNREFUSED|connection lost|Connection is closed)[^)]*\)/,
    );
    expect(frame).toContain('up-0'); // the last data stays on screen
    // An action while Redis is away: said at once, no dialog that could only fail.
    await ui.r.press('D');
    const refused = await ui.r.waitForFrame(
      'Redis unreachable: nothing sent (D works again once it answers)',
    );
    expect(refused).not.toMatch(/Cancel|Shut down/);
    await redis.startServer();
    await ui.r.waitForFrame(
      (f) => !f.includes('Redis unreachable since') && f.includes('No worker is registered'),
      20_000,
    );
  });
});
