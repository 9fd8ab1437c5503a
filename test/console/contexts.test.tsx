import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextsConsole } from '../../src/console/contexts-app.js';
import { ContextSet, createContext, type ContextSpec } from '../../src/console/data/contexts.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { writeFakeWorkers } from './fake-workers.js';
import { KEYS, renderConsole, type Rendered } from './render.js';

// Several Redis at once, each a real redis-server of its own: the contexts poll on their
// own, the header names the one on screen and sums up every one, `@` switches, and a
// confirmation names the Redis it acts on. SIGKILL of one server leaves the other live.

function startContexts(specs: ContextSpec[]): { r: Rendered; set: ContextSet; close(): void } {
  const set = new ContextSet(specs.map((spec) => createContext(spec, { intervalMs: 200 })));
  set.start();
  const r = renderConsole(<ContextsConsole set={set} named readOnly={false} onExit={() => undefined} />, {
    columns: 160,
    rows: 40,
  });
  return {
    r,
    set,
    close() {
      r.unmount();
      set.close();
    },
  };
}

/** The header's summary line (the one that starts with the switch key). */
const summaryLine = (frame: string): string => frame.split('\n').find((l) => l.startsWith('@ ')) ?? '';

describe('rqts console over two Redis (contexts)', () => {
  let east: TestRedis;
  let west: TestRedis;
  let ui: ReturnType<typeof startContexts>;
  beforeAll(async () => {
    [east, west] = await Promise.all([startRedis(), startRedis()]);
    await writeFakeWorkers(east.client, 'east-busy-', 1, { busy: true });
    await writeFakeWorkers(east.client, 'east-idle-', 2);
    await writeFakeWorkers(west.client, 'west-idle-', 1, { queues: ['reports'] });
    ui = startContexts([
      { name: 'east', url: east.url },
      { name: 'west', url: west.url },
    ]);
  }, 30_000);
  afterAll(async () => {
    ui?.close();
    await east?.stop();
    await west?.stop();
  });

  it('names the context on screen and sums up both in the header, each with its own workers', async () => {
    const frame = await ui.r.waitForFrame(
      (f) => f.includes('east-idle-1') && /west 0\/1 busy/.test(summaryLine(f)),
      10_000,
    );
    expect(frame.split('\n')[0]).toMatch(/^rqts console │ east │ redis:\/\/127\.0\.0\.1:\d+/);
    // busy/total, flagged (fake workers listen on no command channel: DEAF), failed/s.
    expect(summaryLine(frame)).toMatch(/east 1\/3 busy ⚑3 fail 0\/s │ west 0\/1 busy ⚑1 fail 0\/s/);
    expect(frame).not.toContain('west-idle-0');
  });

  it('switches with @ and Enter: the other Redis its workers on screen', async () => {
    await ui.r.press('@');
    const list = await ui.r.waitForFrame('Contexts (2)');
    expect(list).toMatch(/▸ east\s+up\s+1\/3 busy/);
    expect(list).toMatch(/ {2}west\s+up\s+0\/1 busy/);
    await ui.r.press('j', KEYS.enter);
    const frame = await ui.r.waitForFrame((f) => f.includes('west-idle-0') && !f.includes('Contexts (2)'));
    expect(frame.split('\n')[0]).toMatch(/^rqts console │ west │/);
    expect(frame).not.toContain('east-idle-1');
  });

  it('names the context in a confirmation', async () => {
    await ui.r.press('@');
    await ui.r.waitForFrame('Contexts (2)');
    await ui.r.press('k', KEYS.enter);
    await ui.r.waitForFrame((f) => f.startsWith('rqts console │ east') && f.includes('east-busy-0'));
    await ui.r.press('1', 'g'); // the busy one sorts first; g makes sure the cursor is on it
    await ui.r.press('K');
    const dialog = await ui.r.waitForFrame('Kill the horse of this worker on east?');
    expect(dialog).toContain('east-busy-0');
    await ui.r.press(KEYS.escape);
    await ui.r.waitForFrame((f) => !f.includes('on east?'));
  });

  it('SIGKILL of one Redis: the other keeps refreshing, the dead one is shown down', async () => {
    // On screen: east. West goes down first, and east must keep moving.
    await west.stopServer();
    await ui.r.waitForFrame((f) => /west down/.test(summaryLine(f)), 15_000);
    await writeFakeWorkers(east.client, 'east-late-', 1);
    const frame = await ui.r.waitForFrame(
      (f) => f.includes('east-late-0') && /east 1\/4 busy/.test(summaryLine(f)),
      10_000,
    );
    expect(summaryLine(frame)).toMatch(/west down/);
    await ui.r.press('@');
    const list = await ui.r.waitForFrame('Contexts (2)');
    expect(list).toMatch(/west\s+DOWN since \d\d:\d\d:\d\d \(/);
    // On the dead one's screen, the live one still counts in the summary line.
    await ui.r.press('j', KEYS.enter);
    await ui.r.waitForFrame((f) => f.startsWith('rqts console │ west') && f.includes('Redis unreachable'));
    const before = ui.set.getState().summaries[0]?.ticks ?? 0;
    await writeFakeWorkers(east.client, 'east-later-', 1, { busy: true });
    const after = await ui.r.waitForFrame((f) => /east 2\/5 busy/.test(summaryLine(f)), 10_000);
    expect(summaryLine(after)).toMatch(/west down/);
    expect(ui.set.getState().summaries[0]?.ticks ?? 0).toBeGreaterThan(before);
  }, 40_000);

  it('says in the summary line that a context is frozen (Z), also once another is on screen', async () => {
    await ui.r.press('@');
    await ui.r.waitForFrame('Contexts (2)');
    await ui.r.press('k', KEYS.enter);
    await ui.r.waitForFrame((f) => f.startsWith('rqts console │ east') && f.includes('east-later-0'));
    await ui.r.press('Z');
    await ui.r.waitForFrame((f) => /east 2\/5 busy ⚑5 fail 0\/s \(frozen\) │ west down/.test(summaryLine(f)));
    await ui.r.press('@');
    await ui.r.waitForFrame('Contexts (2)');
    await ui.r.press('j', KEYS.enter);
    await ui.r.waitForFrame(
      (f) => f.startsWith('rqts console │ west') && /east .*\(frozen\)/.test(summaryLine(f)),
    );
  });
});
