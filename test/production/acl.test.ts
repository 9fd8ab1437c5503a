import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACL_RULES, type AclRole } from '../../src/redis/acl.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, killSpawned, spawnRqts, type RqtsProcess } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { rqts } from '../cli/run.js';
import { startConsole } from '../console/harness.js';

// Each role runs as a Redis ACL user holding exactly the rule docs/redis.md gives for it
// (src/redis/acl.ts): a producer enqueues, a worker drains, a console renders. The ACL log
// proves nothing was denied, and then that the console user's one write was.

describe('ACL users with the least-privilege rules', () => {
  let redis: TestRedis;
  let worker: RqtsProcess | undefined;
  const urlOf = (role: AclRole): string => `redis://${role}:${role}-pw@127.0.0.1:${redis.port}/0`;
  beforeAll(async () => {
    redis = await startRedis();
    for (const [role, rule] of Object.entries(ACL_RULES))
      await redis.client.call('ACL', 'SETUSER', role, 'reset', 'on', `>${role}-pw`, ...rule.split(' '));
    await redis.client.call('ACL', 'LOG', 'RESET');
  });
  afterAll(async () => {
    killSpawned();
    await redis?.stop();
  });

  const denials = async (): Promise<string[]> => {
    const log = (await redis.client.call('ACL', 'LOG')) as unknown[][];
    return log.map((entry) => {
      const fields = new Map<string, unknown>();
      for (let i = 0; i < entry.length; i += 2) fields.set(String(entry[i]), entry[i + 1]);
      return `${String(fields.get('username'))} ${String(fields.get('reason'))} ${String(fields.get('object'))}`;
    });
  };

  it('a producer enqueues and a worker drains, each as its own ACL user, with nothing denied', async () => {
    const enqueued: string[] = [];
    for (const args of [
      ['tasks.add', ':1', ':2'],
      ['tasks.add', ':3', ':4'],
      ['tasks.fail', 'on purpose'],
      ['--retry-max', '1', 'tasks.add', ':5', ':6'],
    ]) {
      const run = await rqts(['enqueue', '--url', urlOf('producer'), ...args]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      enqueued.push(/job-id '([^']+)'/.exec(run.stdout)?.[1] ?? '');
    }
    const child = await rqts([
      'enqueue',
      '--url',
      urlOf('producer'),
      '--depends-on',
      enqueued[0]!,
      'tasks.add',
      ':7',
      ':8',
    ]);
    expect(child.code).toBe(0);
    // A long-running worker: blocking dequeue, heartbeats, its pub/sub command channel.
    worker = spawnRqts([
      'worker',
      'default',
      '--url',
      urlOf('worker'),
      '--path',
      FIXTURES,
      '--name',
      'acl-w',
      '--with-scheduler',
    ]);
    await waitFor(
      async () =>
        (await redis.client.zcard('rq:finished:default')) === 4 &&
        (await redis.client.zcard('rq:failed:default')) === 1,
      30_000,
      `the worker to drain 5 jobs; output:\n${worker.output()}`,
    );
    expect(await redis.client.llen('rq:queue:default')).toBe(0);
    expect(await redis.client.zcard('rq:started:default')).toBe(0);
    expect(await denials()).toEqual([]);
    expect(worker.output()).not.toMatch(/NOPERM/);
  });

  it('a producer user cannot empty a queue, and says so in one line', async () => {
    await redis.client.rpush('rq:queue:keep', 'x');
    const run = await rqts(['empty', '--url', urlOf('producer'), 'keep']);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr.trimEnd()).toMatch(
      /^rqts: Redis refused it: The user executing the script can't run this command or subcommand \(this ACL user's rule forbids it; roles in docs\/redis.md\)$/,
    );
    expect(await redis.client.llen('rq:queue:keep')).toBe(1);
    await redis.client.call('ACL', 'LOG', 'RESET');
  });

  it('the console renders as the read-only user, and its one write is refused in one line', async () => {
    const ui = startConsole(urlOf('console'));
    try {
      const rowOf = (frame: string): string => frame.split('\n').find((l) => l.includes('acl-w')) ?? '';
      await ui.r.waitForFrame((f) => /idle/.test(rowOf(f)), 20_000);
      expect(await denials()).toEqual([]);
      await ui.r.press('D');
      await ui.r.waitForFrame('Shut this worker down?');
      await ui.r.press('y');
      const frame = await ui.r.waitForFrame(/Redis refused it/, 10_000);
      const line = frame.split('\n').find((l) => l.includes('Redis refused it')) ?? '';
      expect(line).toMatch(
        /failed: Redis refused it: this user has no permissions to run the 'publish' command \(this ACL user's rule forbids it; roles in docs\/redis.md\).*shutdown → acl-w/,
      );
      expect(frame.split('\n').filter((l) => /NOPERM|no permissions/.test(l))).toHaveLength(1);
      expect(await denials()).toEqual(['console command publish']);
      // Redis refused it: the worker never heard a shutdown and is still there.
      expect(worker?.child.exitCode).toBeNull();
      expect(await redis.client.sismember('rq:workers', 'rq:worker:acl-w')).toBe(1);
    } finally {
      await ui.close();
    }
    worker?.kill('SIGTERM');
    expect(await worker?.exited).toBe(0);
  });

  it('refuses a wrong password for an ACL user in one line', async () => {
    const run = await rqts(['info', '--url', `redis://worker:nope@127.0.0.1:${redis.port}/0`]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/refused the credentials/);
  });
});

describe('docs/redis.md', () => {
  it('gives each role the exact rule the test runs', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/redis.md', import.meta.url), 'utf8');
    for (const rule of Object.values(ACL_RULES)) expect(doc).toContain(`\n${rule}\n`);
  });
});
