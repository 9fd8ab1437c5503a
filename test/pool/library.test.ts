import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job, Queue, startPool, type MemberInfo, type WorkerPool } from '../../src/index.js';
import { DEFAULT_BACKOFF, nextCrashStreak, restartDelayMs } from '../../src/pool/backoff.js';
import { isStopMessage, parseMemberIdentity, parseMemberMessage } from '../../src/pool/protocol.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { processTree, stillAlive } from './process-tree.js';

// startPool(): the library entry the console uses to launch a pool in-process.

describe('startPool()', () => {
  let redis: TestRedis;
  const started: WorkerPool[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const pool of started) pool.stop('kill');
    await Promise.all(started.map((pool) => pool.exited));
    await redis.stop();
  });

  it('hands each line to the caller with its member, tracks states, and stops warm on request', async () => {
    const lines: { line: string; member: MemberInfo; stream: string }[] = [];
    const pool = startPool({
      workerArgs: [`--url=${redis.url}`, `--path=${FIXTURES}`, '--', 'lib'],
      numWorkers: 2,
      name: 'lib',
      output: (line, member, stream) => lines.push({ line, member, stream }),
    });
    started.push(pool);
    await waitFor(
      () => pool.members().every((m) => m.state === 'running'),
      30_000,
      'both members to register',
    );
    const members = pool.members();
    expect(members.map((m) => m.id)).toEqual(['w1', 'w2']);
    for (const member of members) {
      expect(member.name).toMatch(new RegExp(`^lib-${member.id}-[0-9a-f]{6}$`));
      expect(member.pid).toBeGreaterThan(0);
    }

    const job = await new Queue('lib', redis.client).enqueue('tasks.sleep', [1]);
    const busy = await waitFor(
      async () => {
        const fetched = await Job.fetch(redis.client, job.id);
        return fetched.status === 'started' ? members.find((m) => m.name === fetched.workerName) : undefined;
      },
      20_000,
      'a member to take the job',
    );

    const tree = processTree(process.pid).filter((entry) =>
      members.some((m) => m.pid === entry.pid || m.pid === entry.ppid),
    );
    pool.stop();
    expect(await pool.exited).toEqual({ code: 0, crashes: 0 });
    expect((await Job.fetch(redis.client, job.id)).status).toBe('finished');
    expect(pool.members().map((m) => m.state)).toEqual(['finished', 'finished']);
    expect(stillAlive(tree)).toEqual([]);

    const w1Lines = lines.filter((l) => l.member.id === 'w1').map((l) => l.line);
    expect(w1Lines.some((line) => /^\[w1\] \S+ \*\*\* Listening for work on lib$/.test(line))).toBe(true);
    expect(lines.some((l) => l.line.includes(`Job OK (${job.id})`) && l.member.name === busy.name)).toBe(
      true,
    );
  });

  it('a stop that arrives right after the members register ends them at once (not after an idle wait)', async () => {
    const pool = startPool({
      workerArgs: [`--url=${redis.url}`, '--', 'prompt'],
      numWorkers: 2,
      output: () => undefined,
      prefixLines: false,
    });
    started.push(pool);
    let registered = 0;
    pool.on('member:registered', () => {
      registered += 1;
      if (registered === 2) pool.stop();
    });
    let exit: unknown;
    void pool.exited.then((value) => (exit = value));
    await waitFor(() => registered === 2, 30_000, 'both members to register');
    // An idle wait lasts worker_ttl - 15 = 405 s; the stop must not sit behind it.
    await waitFor(() => exit, 15_000, 'the pool to stop');
    expect(exit).toEqual({ code: 0, crashes: 0 });
  });

  it('rejects a size that is not a whole number', () => {
    expect(() => startPool({ workerArgs: [], numWorkers: 0 })).toThrow(/numWorkers must be a whole number/);
  });
});

describe('pool backoff and protocol', () => {
  it('replaces the first quick death at once, then doubles up to the cap; a healthy run resets', () => {
    let streak = 0;
    const delays = [];
    for (let i = 0; i < 8; i++) {
      streak = nextCrashStreak(streak, 100, DEFAULT_BACKOFF);
      delays.push(restartDelayMs(streak, DEFAULT_BACKOFF));
    }
    expect(delays).toEqual([0, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(nextCrashStreak(streak, DEFAULT_BACKOFF.healthyAfterMs, DEFAULT_BACKOFF)).toBe(1);
  });

  it('accepts only well-formed IPC messages and identities', () => {
    expect(parseMemberIdentity('{"pool":"p","id":"w1"}')).toEqual({ pool: 'p', id: 'w1', prefix: true });
    expect(parseMemberIdentity('{"pool":"p","id":"w1","prefix":false}')?.prefix).toBe(false);
    for (const bad of [undefined, '', 'nope', '[]', '{"pool":"","id":"w1"}', '{"pool":"p"}'])
      expect(parseMemberIdentity(bad)).toBeUndefined();
    expect(isStopMessage({ type: 'stop', kind: 'cold' })).toBe(true);
    expect(isStopMessage({ type: 'stop', kind: 'now' })).toBe(false);
    expect(parseMemberMessage({ type: 'registered', name: 'p-w1-abcdef' })).toEqual({
      type: 'registered',
      name: 'p-w1-abcdef',
    });
    for (const bad of [
      null,
      'x',
      [],
      { type: 'registered' },
      { type: 'registered', name: 3 },
      { type: 'other' },
    ])
      expect(parseMemberMessage(bad)).toBeUndefined();
  });
});
