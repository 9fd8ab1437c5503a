import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { startConsole, type ConsoleUnderTest } from './harness.js';
import { writeFakeWorkers } from './fake-workers.js';

// A worker that hears commands but does nothing (a wedged listener): the receipt must say
// "heard by 1", then "no effect" after the deadline, and offer the next step.

describe('receipts for a command that is heard but has no effect', () => {
  let redis: TestRedis;
  let ui: ConsoleUnderTest;
  beforeAll(async () => {
    redis = await startRedis();
    await writeFakeWorkers(redis.client, 'wedged-', 1, { busy: true });
    await redis.newClient().subscribe(keys.workerChannel('wedged-0'));
    ui = startConsole(redis.url, { effectDeadlineMs: 1500 });
  });
  afterAll(async () => {
    await ui?.close();
    await redis?.stop();
  });

  it('kill-horse: heard by 1 listener, the job still runs, next step: shut the worker down', async () => {
    await ui.r.waitForFrame(/wedged-0\s+busy/);
    await ui.r.press('K', 'y');
    const frame = await ui.r.waitForFrame(
      'the job still runs after 1.5s, though heard by 1 listener',
      10_000,
    );
    expect(frame).toContain('heard by 1 listener');
    expect(frame).toContain('[n] shut the worker down');
    await ui.r.press('n');
    await ui.r.waitForFrame('Next step: shut the worker down?');
    await ui.r.press('y');
    await ui.r.waitForFrame('the worker is still up after 1.5s, though heard by 1 listener', 10_000);
    expect(await redis.client.hget(keys.job('wedged-0-job'), 'status')).toBe('started');
  });
});
