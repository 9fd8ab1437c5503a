import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYMAP } from '../../src/console/keymap.js';
import { keys } from '../../src/redis/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { startConsole } from './harness.js';

// --read-only says so: an action key flashes that it is disabled, and no text on screen
// (help, footer, empty-table hints, banners) offers an action that cannot be taken.

/** The help wraps long texts under their start (column 25): join them to compare whole texts. */
const unwrapHelp = (frame: string): string => frame.replace(/ *\n {25}(?=\S)/g, ' ');

const actionHelp = KEYMAP.filter((b) => b.action).map((b) => b.help);
const actionLabels = KEYMAP.filter((b) => b.action && b.label !== '').map((b) => b.label);
// Only actions open these layers, so their keys cannot be used in --read-only either.
const layerHelp = KEYMAP.filter((b) =>
  b.contexts.every((c) => ['confirm', 'launch', 'quit'].includes(c)),
).map((b) => b.help);

/** The footer: the frame's last non-empty line. */
function footerOf(frame: string): string {
  return (
    frame
      .split('\n')
      .filter((l) => l.trim() !== '')
      .pop() ?? ''
  );
}

describe('console with --read-only', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
    await redis.client.set(keys.suspended, '1');
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('flashes "read-only: K is disabled" for each action key pressed, naming that key', async () => {
    const ui = startConsole(redis.url, { readOnly: true });
    try {
      await ui.r.waitForFrame('SUSPENDED');
      for (const key of ['K', 'L', 'P', 'D']) {
        await ui.r.press(key);
        await ui.r.waitForFrame(`read-only: ${key} is disabled`, 5000);
      }
      await ui.r.press('2');
      await ui.r.press('E');
      await ui.r.waitForFrame('read-only: E is disabled', 5000);
      expect(ui.r.lastFrame()).not.toMatch(/Empty this queue|Launch workers|Suspend all/);
    } finally {
      await ui.close();
    }
  });

  it('mentions no action in the help, the footer or any screen text', async () => {
    const ui = startConsole(redis.url, { readOnly: true, rows: 140 });
    try {
      let frame = await ui.r.waitForFrame('No worker is registered');
      expect(frame).toContain('READ-ONLY');
      expect(frame).toContain('SUSPENDED: workers start no new jobs');
      expect(frame).not.toMatch(/resumes\)/); // P cannot resume here
      expect(frame).not.toMatch(/press L|launch one/i);
      for (const label of actionLabels) expect(footerOf(frame)).not.toContain(` ${label} `);
      await ui.r.press('4');
      frame = await ui.r.waitForFrame('launches no workers');
      expect(frame).not.toMatch(/Press L|launch one/);
      for (const label of actionLabels) expect(footerOf(frame)).not.toContain(` ${label} `);
      await ui.r.press('?');
      frame = unwrapHelp(await ui.r.waitForFrame('Read-only mode'));
      for (const help of [...actionHelp, ...layerHelp]) expect(frame).not.toContain(help);
      expect(frame).not.toContain('launch]'); // no binding listed as usable in the launch dialog
      expect(frame).not.toContain('(asks first)');
    } finally {
      await ui.close();
    }
  });

  it('offers those same hints when it may act (so the read-only check above means something)', async () => {
    const ui = startConsole(redis.url, { rows: 140 });
    try {
      let frame = await ui.r.waitForFrame('No worker is registered');
      expect(frame).toContain('(P resumes)');
      expect(frame).toContain('press L to launch one here');
      expect(footerOf(frame)).toContain(' launch ');
      await ui.r.press('?');
      frame = unwrapHelp(await ui.r.waitForFrame('Everywhere'));
      expect(frame).toContain(KEYMAP.find((b) => b.id === 'action.launch')?.help);
      expect(frame).toContain('Next field of the launch dialog.');
    } finally {
      await ui.close();
    }
  });
});
