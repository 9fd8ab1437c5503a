import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/console/data/local-workers.js';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { runProcess } from '../helpers/python.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { writeTaskModules } from './harness.js';

// The built binary in a real terminal: tmux runs it, send-keys types, capture-pane reads
// the screen. CI is unset inside the pane: with CI=true Ink draws only the final frame.

const BIN = path.join(PACKAGE_ROOT, 'bin', 'rqts.js');
const built = existsSync(path.join(PACKAGE_ROOT, 'dist', 'cli', 'main.js'));
const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
// A private tmux server, so the test never touches anyone's sessions.
const SOCKET = `rqts-console-e2e-${process.pid}`;

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const screen = (): string => tmux('capture-pane', '-p', '-t', 'console');
const waitForScreen = (text: string | RegExp, timeoutMs = 20_000): Promise<string> =>
  waitFor(
    () => {
      const s = screen();
      return (typeof text === 'string' ? s.includes(text) : text.test(s)) ? s : '';
    },
    timeoutMs,
    `screen showing ${String(text)}`,
  );

describe.skipIf(!built || !hasTmux)('rqts console in a real terminal (tmux)', () => {
  let redis: TestRedis;
  let dir: string;
  let worker: ReturnType<typeof spawn>;
  beforeAll(async () => {
    redis = await startRedis();
    dir = writeTaskModules();
    worker = spawn(
      process.execPath,
      [BIN, 'worker', 'e2e', '--url', redis.url, '--path', dir, '--name', 'e2e-worker'],
      { cwd: dir, stdio: 'ignore' },
    );
    await new Queue('e2e', redis.client).enqueue('tasks.hang', [], {}, { timeout: 900 });
    const command = `env -u CI ${process.execPath} ${BIN} console --url ${redis.url} --interval 0.5; echo CONSOLE-EXITED $?; sleep 60`;
    tmux('new-session', '-d', '-s', 'console', '-x', '160', '-y', '40', command);
  });
  afterAll(async () => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
    worker?.kill('SIGKILL');
    await redis?.stop();
  });

  it('shows the busy worker, kills its horse by keystroke, and quits cleanly', async () => {
    const first = await waitForScreen(/e2e-worker\s+busy\s+e2e\s+tasks\.hang\(\)/, 40_000);
    expect(first).toContain('rqts console');
    expect(first).toContain('K kill horse');
    const jobId = await redis.client.hget(keys.worker('e2e-worker'), 'current_job');

    tmux('send-keys', '-t', 'console', 'K');
    const dialog = await waitForScreen('Kill the horse of this worker?');
    expect(dialog).toContain('[ Cancel ]');
    tmux('send-keys', '-t', 'console', 'y');
    await waitForScreen('horse killed');
    expect(await redis.client.zscore(keys.registry('failed', 'e2e'), jobId ?? '')).not.toBeNull();

    tmux('send-keys', '-t', 'console', '?');
    await waitForScreen('Everywhere');
    tmux('send-keys', '-t', 'console', 'Escape');
    await waitForScreen(/e2e-worker\s+idle/);
    tmux('send-keys', '-t', 'console', 'q');
    const end = await waitForScreen('CONSOLE-EXITED 0');
    expect(end).not.toContain('Kill the horse'); // the alternate screen is gone
  });
});

describe.skipIf(!built)('rqts console refusals', () => {
  it('refuses to start without a terminal: one line, exit 1', async () => {
    const run = await runProcess(process.execPath, [BIN, 'console', '--url', 'redis://127.0.0.1:1/0']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('rqts console needs an interactive terminal, and stdin is not a TTY');
  });

  it('--demo with no redis-server binary says what to install, in one line', async () => {
    const emptyPath = mkdtempSync(path.join(tmpdir(), 'rqts-nopath-'));
    const command = `env -u CI PATH=${emptyPath} ${process.execPath} ${BIN} console --demo 2>&1; echo DEMO-EXITED $?; sleep 30`;
    const socket = `rqts-console-demo-${process.pid}`;
    spawnSync('tmux', ['-L', socket, 'new-session', '-d', '-s', 'demo', '-x', '200', '-y', '10', command]);
    try {
      const text = await waitFor(
        () => {
          const out = spawnSync('tmux', ['-L', socket, 'capture-pane', '-p', '-J', '-t', 'demo'], {
            encoding: 'utf8',
          }).stdout;
          return out.includes('DEMO-EXITED') ? out : '';
        },
        20_000,
        'the demo to give up',
      );
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      expect(lines).toEqual([
        expect.stringMatching(
          /^rqts console --demo runs its own private redis-server, and redis-server is not installed.*Install Redis \(Debian\/Ubuntu: apt-get install redis-server/,
        ),
        'DEMO-EXITED 1',
      ]);
    } finally {
      spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    }
  });
});
