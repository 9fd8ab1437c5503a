import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/console/data/local-workers.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { writeFakeWorkers } from './fake-workers.js';

// The built binary with two -u in a real 80×24 terminal: tmux runs it, send-keys types,
// capture-pane reads the screen. CI is unset inside the pane (with CI=true Ink draws only
// the final frame).

const BIN = path.join(PACKAGE_ROOT, 'bin', 'rqts.js');
const built = existsSync(path.join(PACKAGE_ROOT, 'dist', 'cli', 'main.js'));
const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
const SOCKET = `rqts-console-contexts-${process.pid}`;

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const screen = (): string => tmux('capture-pane', '-p', '-t', 'console');
const waitForScreen = (
  test: string | RegExp | ((s: string) => boolean),
  timeoutMs = 20_000,
): Promise<string> =>
  waitFor(
    () => {
      const s = screen();
      const ok =
        typeof test === 'string' ? s.includes(test) : test instanceof RegExp ? test.test(s) : test(s);
      return ok ? s : '';
    },
    timeoutMs,
    `screen showing ${String(test)}`,
  );

describe.skipIf(!built || !hasTmux)('rqts console -u east=… -u west=… at 80×24 (tmux)', () => {
  let east: TestRedis;
  let west: TestRedis;
  beforeAll(async () => {
    [east, west] = await Promise.all([startRedis(), startRedis()]);
    await writeFakeWorkers(east.client, 'east-w', 2, { busy: true });
    await writeFakeWorkers(west.client, 'west-w', 1);
    const command = `env -u CI ${process.execPath} ${BIN} console -u east=${east.url} -u west=${west.url} --read-only --interval 0.5; echo CONSOLE-EXITED $?; sleep 60`;
    tmux('new-session', '-d', '-s', 'console', '-x', '80', '-y', '24', command);
  });
  afterAll(async () => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
    await east?.stop();
    await west?.stop();
  });

  it('names the context, sums up both, switches with @, shows a dead one down, quits', async () => {
    const first = await waitForScreen((s) => s.includes('east-w1') && /west 0\/1 busy/.test(s), 40_000);
    const lines = first.split('\n');
    expect(lines[0]).toMatch(/^rqts console │ east │ redis:\/\//);
    expect(lines[1]).toMatch(/^@ east 2\/2 busy ⚑2 fail 0\/s │ west 0\/1 busy ⚑1 fail 0\/s/);
    expect(first).not.toContain('west-w0');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);

    tmux('send-keys', '-t', 'console', '@');
    await waitForScreen('Contexts (2)');
    tmux('send-keys', '-t', 'console', 'j', 'Enter');
    const switched = await waitForScreen((s) => s.startsWith('rqts console │ west') && s.includes('west-w0'));
    expect(switched).not.toContain('east-w1');

    await east.stopServer();
    await waitForScreen(/^@ east down │ west 0\/1 busy/m, 20_000);
    await writeFakeWorkers(west.client, 'west-late', 1);
    await waitForScreen((s) => s.includes('west-late0') && /west 0\/2 busy/.test(s));

    tmux('send-keys', '-t', 'console', 'q');
    const end = await waitForScreen('CONSOLE-EXITED 0');
    expect(end).not.toContain('Contexts (2)');
  }, 90_000);
});
