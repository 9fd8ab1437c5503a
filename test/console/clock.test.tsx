import { existsSync } from 'node:fs';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { PACKAGE_ROOT } from '../../src/console/data/local-workers.js';
import { formatClock, formatTimestampWithAge, setUtcClock } from '../../src/console/text.js';
import { LogsView } from '../../src/console/views/LogsView.js';
import { eventLines } from '../../src/console/views/events.js';
import type { TimelineEvent } from '../../src/console/data/timeline.js';
import { runProcess } from '../helpers/python.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { KEYS } from './render.js';
import { startConsole, type ConsoleUnderTest } from './harness.js';

// One clock everywhere: local time by default, UTC with --utc, for the logs' prefixes, the
// event timeline, the status line and the job detail alike. A zone without DST and with a
// half-hour offset makes a mix-up visible.

process.env.TZ = 'Asia/Kolkata'; // UTC+05:30
const AT = Date.parse('2026-12-03T10:00:00Z');
const BIN = path.join(PACKAGE_ROOT, 'bin', 'rqts.js');
const built = existsSync(path.join(PACKAGE_ROOT, 'dist', 'cli', 'main.js'));

const logsFrame = (): string =>
  render(
    <LogsView
      lines={[{ seq: 1, worker: 'w1', text: 'started', at: AT }]}
      cursor={0}
      start={0}
      height={5}
      width={80}
      launchedAny
      logDir={undefined}
      launchKey={undefined}
    />,
  ).lastFrame() ?? '';
const timeline = (): string =>
  eventLines([{ at: AT, kind: 'notice', text: 'hello' } as TimelineEvent])
    .map((l) => l.text)
    .join('\n');

describe('the clock', () => {
  afterAll(() => setUtcClock(false));

  it('is local time by default: logs, events and timestamps', () => {
    setUtcClock(false);
    expect(formatClock(new Date(AT))).toBe('15:30:00');
    expect(formatTimestampWithAge(new Date(AT), AT + 65_000)).toBe('2026-12-03 15:30:00+05:30 (1m05s ago)');
    expect(logsFrame()).toContain('15:30:00 ');
    expect(timeline()).toContain('15:30:00');
  });

  it('is UTC everywhere with --utc', () => {
    setUtcClock(true);
    expect(formatClock(new Date(AT))).toBe('10:00:00');
    expect(formatTimestampWithAge(new Date(AT), AT + 65_000)).toBe('2026-12-03 10:00:00Z (1m05s ago)');
    expect(logsFrame()).toContain('10:00:00 ');
    expect(logsFrame()).not.toContain('15:30:00');
    expect(timeline()).toContain('10:00:00');
  });

  it.skipIf(!built)('is a flag of rqts console, in its --help', async () => {
    const run = await runProcess(process.execPath, [BIN, 'console', '--help']);
    expect(run.stdout).toMatch(/--utc\s+Show every time in UTC/);
  });
});

describe('the clock on screen', () => {
  let redis: TestRedis;
  let ui: ConsoleUnderTest;
  beforeAll(async () => {
    setUtcClock(false);
    redis = await startRedis();
    ui = startConsole(redis.url, { columns: 120, rows: 30 });
    await ui.r.waitForFrame('1 Workers');
  });
  afterAll(async () => {
    setUtcClock(false);
    await ui?.close();
    await redis?.stop();
  });

  it("switches the detail's timestamps and the status line together", async () => {
    const job = await new Queue('emails', redis.client).enqueue('tasks.send', []);
    await ui.r.press(':', ...job.id, KEYS.enter);
    await ui.r.waitForFrame(/created\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+05:30 \(/);
    setUtcClock(true);
    // The next refresh draws every time in UTC: the detail, and a notice's time.
    await ui.r.waitForFrame(/created\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(/);
    await ui.r.press('y');
    const frame = await ui.r.waitForFrame('copied job id');
    const utcNow = new Date().toISOString().slice(11, 16); // hh:mm of the notice, in UTC
    const minuteBefore = new Date(Date.now() - 60_000).toISOString().slice(11, 16);
    expect(
      frame.includes(`${utcNow}:`) || frame.includes(`${minuteBefore}:`),
      'the notice is stamped in UTC',
    ).toBe(true);
  });
});
