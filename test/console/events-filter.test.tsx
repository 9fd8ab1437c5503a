import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { writeFakeWorkers } from './fake-workers.js';
import { startConsole, type ConsoleUnderTest } from './harness.js';
import { KEYS } from './render.js';

// In an incident the timeline fills with flags and receipts: `/` narrows it to what you are
// chasing (a worker's name, a job id, "restarted"), and Esc brings the whole timeline back.

// The receipt is also on the status line: only the timeline's own line is asserted on.
const ACTION_LINE = /\d\d:\d\d:\d\d\s+action\s+Workers suspended/;

describe('searching the event timeline', () => {
  let redis: TestRedis;
  let c: ConsoleUnderTest;
  beforeAll(async () => {
    redis = await startRedis();
    c = startConsole(redis.url, { columns: 80 });
    // Workers that exist before the first refresh are the baseline, not events.
    await c.r.waitForFrame('No worker is registered');
    await writeFakeWorkers(redis.client, 'alpha-', 2);
    await writeFakeWorkers(redis.client, 'beta-', 1);
  });
  afterAll(async () => {
    await c?.close();
    await redis?.stop();
  });

  it('/ filters the timeline, says when nothing matches, and Esc clears it', async () => {
    await c.r.waitForFrame(/beta-0\s/);
    await c.actions.run({ kind: 'suspend' });
    await c.r.press('5');
    const all = await c.r.waitForFrame('worker beta-0 appeared');
    expect(all).toContain('worker alpha-1 appeared');
    expect(all).toMatch(ACTION_LINE);
    // At 80 columns the receipt wraps under its text column instead of being cut.
    expect(all).toMatch(/no new job starts \(P\n {18}resumes\)/);

    await c.r.press('/', 'beta', KEYS.enter);
    const narrowed = await c.r.waitForFrame(
      (f) => f.includes('filter /beta/') && !f.includes('alpha-1 appeared'),
    );
    expect(narrowed).toContain('worker beta-0 appeared');
    expect(narrowed).not.toMatch(ACTION_LINE);

    await c.r.press('/', 'no-such-thing', KEYS.enter);
    await c.r.waitForFrame(/No event of \d+ matches the filter/);

    await c.r.press(KEYS.escape);
    const back = await c.r.waitForFrame(
      (f) => f.includes('alpha-1 appeared') && f.includes('beta-0 appeared'),
    );
    expect(back).not.toContain('filter /');
    expect(back).toContain('Events'); // Esc cleared the filter and stayed on the timeline
  });
});
