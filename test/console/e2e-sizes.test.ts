import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/console/data/local-workers.js';
import { keys } from '../../src/redis/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { writeFakeWorkers } from './fake-workers.js';

// The built binary at the terminal sizes people use (tmux, CI unset in the pane): the state
// and the flags are on screen at 80×24 as on a 220×60 wallboard, names keep their
// distinguishing end, and a terminal too small says so in one line.

const BIN = path.join(PACKAGE_ROOT, 'bin', 'rqts.js');
const built = existsSync(path.join(PACKAGE_ROOT, 'dist', 'cli', 'main.js'));
const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
const SOCKET = `rqts-console-sizes-${process.pid}`;

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function open(session: string, columns: number, rows: number, url: string): void {
  const command = `env -u CI ${process.execPath} ${BIN} console --url ${url} --read-only; sleep 60`;
  tmux('new-session', '-d', '-s', session, '-x', String(columns), '-y', String(rows), command);
}

const screenOf = (session: string, matches: (s: string) => boolean, what: string): Promise<string> =>
  waitFor(
    () => {
      const s = tmux('capture-pane', '-p', '-t', session);
      return matches(s) ? s : '';
    },
    40_000,
    what,
  );

/** The header line of the table and the row of one worker. */
function rowsOf(screen: string, worker: string): { header: string; row: string } {
  const lines = screen.split('\n');
  return {
    header: lines.find((l) => l.startsWith('NAME')) ?? '',
    row: lines.find((l) => l.includes(worker)) ?? '',
  };
}

describe.skipIf(!built || !hasTmux)('rqts console at real terminal sizes (tmux)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
    await writeFakeWorkers(redis.client, 'fleet-host07.console205', 4, { busy: true, queues: ['emails'] });
    await writeFakeWorkers(redis.client, 'fleet-host07.idle', 3, { queues: ['emails', 'reports'] });
    // One stale heartbeat: its flag must be visible whatever the size.
    await redis.client.hset(
      keys.worker('fleet-host07.console2053'),
      'last_heartbeat',
      '2020-01-01T00:00:00Z',
    );
  });
  afterAll(async () => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
    await redis?.stop();
  });

  it.each([
    [80, 24],
    [220, 60],
  ])('at %i×%i shows STATE and FLAGS, the stale flag, and whole rows', async (columns, rows) => {
    const session = `s${columns}`;
    open(session, columns, rows, redis.url);
    const screen = await screenOf(
      session,
      (s) => s.includes('console2053') && s.includes('STALE-HB'),
      `the fleet at ${columns}×${rows}`,
    );
    const { header, row } = rowsOf(screen, 'console2053');
    expect(header).toMatch(/\bSTATE\b/);
    expect(header).toMatch(/\bFLAGS\b/);
    expect(row).toMatch(/\bbusy\b/);
    expect(row).toContain('STALE-HB');
    for (const line of screen.split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
    if (columns >= 200) {
      expect(header).toContain('PID@HOST');
      expect(row).toContain('fleet-host07.console2053');
    }
    // The footer keeps the help key on any size.
    expect(
      screen
        .split('\n')
        .filter((l) => l.trim() !== '')
        .at(-1),
    ).toContain('? help');
  });

  it('below 80×24 says the minimum size in one line', async () => {
    open('small', 60, 20, redis.url);
    const screen = await screenOf('small', (s) => s.includes('needs at least'), 'the size notice');
    const lines = screen.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('80×24');
  });
});
