import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { osc52 } from '../../src/console/hooks/useClipboard.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { KEYS } from './render.js';
import { startConsole, type ConsoleUnderTest } from './harness.js';
import { writeFakeWorkers } from './fake-workers.js';

// y copies what is selected to the terminal's clipboard with OSC 52, and says so.

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('OSC 52', () => {
  it('sets the clipboard, wrapped in tmux passthrough when $TMUX is set', () => {
    expect(osc52('abc', {})).toBe(`\u001b]52;c;${b64('abc')}\u0007`);
    expect(osc52('abc', { TMUX: '/tmp/tmux-0/default,1,0' })).toBe(
      `\u001bPtmux;\u001b\u001b]52;c;${b64('abc')}\u0007\u001b\\`,
    );
  });
});

describe('copy to the clipboard', () => {
  let redis: TestRedis;
  let ui: ConsoleUnderTest;
  const tmux = process.env.TMUX;
  beforeAll(async () => {
    delete process.env.TMUX;
    redis = await startRedis();
    await writeFakeWorkers(redis.client, 'copy-me-', 1, { queues: ['emails'] });
    ui = startConsole(redis.url, { columns: 120, rows: 30 });
    await ui.r.waitForFrame('copy-me-0');
  });
  afterAll(async () => {
    if (tmux !== undefined) process.env.TMUX = tmux;
    await ui?.close();
    await redis?.stop();
  });

  const written = (text: string): boolean =>
    ui.r.stdout.frames.some((f) => f.includes(`\u001b]52;c;${b64(text)}\u0007`));

  it("copies the selected worker's name, then a job id from its detail", async () => {
    expect(written('copy-me-0')).toBe(false);
    await ui.r.press('y');
    await ui.r.waitForFrame('copied worker name copy-me-0 to the clipboard (OSC 52)');
    expect(written('copy-me-0')).toBe(true);

    const job = await new Queue('emails', redis.client).enqueue('tasks.send', []);
    await ui.r.press(':', ...job.id, KEYS.enter);
    await ui.r.waitForFrame(`Job ${job.id}`);
    await ui.r.press('y');
    await ui.r.waitForFrame(`copied job id ${job.id.slice(0, 8)}… to the clipboard (OSC 52)`);
    expect(written(job.id)).toBe(true);
  });
});
