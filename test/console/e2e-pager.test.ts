import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/console/data/local-workers.js';
import { Queue } from '../../src/model/queue.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';

// The detail's pager key on the built binary at 80×24 in tmux (CI unset in the pane): the
// console hands the terminal to $PAGER (here a script that keeps what it was given, draws
// over the screen and reads a line from the keyboard) and, once it exits, draws the detail
// again and takes keys in raw mode as before.

const BIN = path.join(PACKAGE_ROOT, 'bin', 'rqts.js');
const built = existsSync(path.join(PACKAGE_ROOT, 'dist', 'cli', 'main.js'));
const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
const SOCKET = `rqts-console-pager-${process.pid}`;

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const waitForScreen = (matches: (s: string) => boolean, what: string): Promise<string> =>
  waitFor(
    () => {
      const s = tmux('capture-pane', '-p', '-t', 'pager');
      return matches(s) ? s : '';
    },
    30_000,
    what,
  );

describe.skipIf(!built || !hasTmux)('the detail in $PAGER (tmux)', () => {
  let redis: TestRedis;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(path.join(tmpdir(), 'rqts-pager-'));
    const script = path.join(dir, 'pager.sh');
    writeFileSync(
      script,
      [
        '#!/bin/sh',
        `cat > '${dir}/paged.txt'`,
        "printf '\\033[2J\\033[HPAGER-RUNNING: type a line\\n'",
        'read line < /dev/tty',
        `printf '%s\\n' "$line" > '${dir}/typed.txt'`,
        '',
      ].join('\n'),
    );
    chmodSync(script, 0o755);
    const command = `env -u CI PAGER=${script} ${process.execPath} ${BIN} console --url ${redis.url} --interval 0.5; echo CONSOLE-EXITED $?; sleep 60`;
    tmux('new-session', '-d', '-s', 'pager', '-x', '80', '-y', '24', command);
  });
  afterAll(async () => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
    await redis?.stop();
  });

  it('suspends for the pager with the whole detail, then draws the detail again', async () => {
    const job = await new Queue('emails', redis.client).enqueue('tasks.send', [], {
      body: 'a long body '.repeat(20),
    });
    await waitForScreen((s) => s.includes('1 Workers'), 'the console');
    tmux('send-keys', '-t', 'pager', ':', job.id, 'Enter');
    await waitForScreen((s) => s.includes(`Job ${job.id}`) && s.includes('v pager'), 'the detail');

    tmux('send-keys', '-t', 'pager', 'v');
    await waitForScreen((s) => s.includes('PAGER-RUNNING'), 'the pager');
    // The pager has the keyboard, in cooked mode: a line it reads, not keys the console takes.
    tmux('send-keys', '-t', 'pager', 'hello', 'Enter');
    const back = await waitForScreen(
      (s) => s.includes(`Job ${job.id}`) && s.includes('listed in') && !s.includes('PAGER-RUNNING'),
      'the detail drawn again',
    );
    expect(back).toContain('kwargs');
    expect(readFileSync(path.join(dir, 'typed.txt'), 'utf8')).toBe('hello\n');
    const paged = readFileSync(path.join(dir, 'paged.txt'), 'utf8');
    expect(paged).toContain(`Job ${job.id}`);
    expect(paged).toContain('"body": "a long body a long body');
    expect(paged).toContain('\u001b[1;36mTimestamps\u001b[0m'); // sections in colour for less -R

    // Raw mode is back: Esc alone (no Enter) leaves the detail, q quits cleanly.
    tmux('send-keys', '-t', 'pager', 'Escape');
    await waitForScreen((s) => !s.includes('listed in') && s.includes('0/0 workers'), 'the workers screen');
    tmux('send-keys', '-t', 'pager', 'q');
    await waitForScreen((s) => s.includes('CONSOLE-EXITED 0'), 'the console to exit');
  });
});
