import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Job, latestResult, Queue } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned, spawnRqts } from '../helpers/rqts-process.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { describe as describeProcesses, processTree, stillAlive, type ProcessEntry } from './process-tree.js';

// `rqts worker-pool --burst`: real pool, real member processes, real Redis.

const POOL_FIXTURES = path.resolve(import.meta.dirname, 'fixtures');

describe('rqts worker-pool --burst', () => {
  let redis: TestRedis;
  let scratch: string;
  useRedis((started) => (redis = started), killSpawned);
  useTempDir('rqts-pool-', (made) => (scratch = made));

  it('a pool of 3 drains 300 jobs, each run exactly once, by its own named workers', async () => {
    const recordFile = path.join(scratch, 'runs.txt');
    const queue = new Queue('default', redis.client);
    const jobs = await queue.enqueueMany(
      Array.from({ length: 300 }, (_, n) => ({ funcName: 'pool_tasks.record', args: [n] })),
    );

    const pool = spawnRqts(
      ['worker-pool', '-u', redis.url, '-P', POOL_FIXTURES, '-n', '3', '--burst', '--name', 'drain'],
      { POOL_RECORD_FILE: recordFile },
    );
    const seen: ProcessEntry[] = [];
    const watcher = setInterval(() => {
      for (const entry of processTree(pool.child.pid ?? -1))
        if (!seen.some((s) => s.pid === entry.pid)) seen.push(entry);
    }, 50);
    const code = await pool.exited;
    clearInterval(watcher);
    const output = pool.output();
    expect(code, output).toBe(0);

    // Exactly once: 300 lines, every n from 0 to 299 once.
    const runs = readFileSync(recordFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' '));
    expect(runs).toHaveLength(300);
    expect(new Set(runs.map(([n]) => Number(n)))).toEqual(new Set(jobs.map((_, n) => n)));

    // Three distinct members, one per slot, named after the pool.
    const names = [...output.matchAll(/^\[(w\d)\] \S+ Worker (\S+) started with PID (\d+)/gm)].map(
      ([, id, name]) => ({ id, name: name as string }),
    );
    expect(names.map((n) => n.id).sort()).toEqual(['w1', 'w2', 'w3']);
    for (const { id, name } of names) expect(name).toMatch(new RegExp(`^drain-${id}-[0-9a-f]{6}$`));
    const poolNames = new Set(names.map((n) => n.name));

    // Every job finished, by a member of this pool, and the registries agree.
    const fetched = await Job.fetchMany(
      redis.client,
      jobs.map((j) => j.id),
    );
    for (const job of fetched) {
      expect(job?.status).toBe('finished');
      expect(poolNames.has(job?.workerName ?? '')).toBe(true);
    }
    expect((await latestResult(redis.client, jobs[123]?.id ?? ''))?.returnValue).toBe(123);
    for (const [, worker] of runs) expect(poolNames.has(worker ?? '')).toBe(true);
    expect(await redis.client.zcard(keys.registry('finished', 'default'))).toBe(300);
    expect(await redis.client.zcard(keys.registry('failed', 'default'))).toBe(0);
    expect(await redis.client.zcard(keys.registry('started', 'default'))).toBe(0);
    expect(await queue.count()).toBe(0);

    // Each member registered as a worker of the pool, and registered its death.
    for (const name of poolNames) {
      const hash = await redis.client.hgetall(keys.worker(name));
      expect(hash.rqts_pool).toBe('drain');
      expect(hash.death).toBeDefined();
    }
    expect(await redis.client.scard(keys.allWorkers)).toBe(0);

    // Every line says who wrote it.
    const lines = output.trim().split('\n');
    for (const line of lines) expect(line).toMatch(/^\[(pool|w1|w2|w3)\] /);
    expect(output).toMatch(/^\[pool\] .*Every worker finished; pool drain exits with code 0$/m);

    // Members and horses were all seen, and none outlived the pool.
    expect(seen.length).toBeGreaterThanOrEqual(1 + 3 + 3);
    expect(stillAlive(seen), describeProcesses(stillAlive(seen))).toEqual([]);
  });

  it('--log-json: every line is JSON and each worker line carries its pool and short id', async () => {
    const queue = new Queue('json', redis.client);
    await queue.enqueueMany(
      Array.from({ length: 6 }, (_, n) => ({ funcName: 'pool_tasks.record', args: [n] })),
    );
    const pool = spawnRqts(
      [
        'worker-pool',
        'json',
        '-u',
        redis.url,
        '-P',
        POOL_FIXTURES,
        '-n',
        '2',
        '-b',
        '--log-json',
        '--name',
        'js',
      ],
      {
        POOL_RECORD_FILE: path.join(scratch, 'json.txt'),
      },
    );
    expect(await pool.exited, pool.output()).toBe(0);
    const records = pool
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const memberLines = records.filter((r) => r.workerId !== undefined);
    expect(new Set(memberLines.map((r) => r.workerId))).toEqual(new Set(['w1', 'w2']));
    for (const record of records) expect(record.pool).toBe('js');
    expect(memberLines.some((r) => String(r.msg).includes('Job OK'))).toBe(true);
    expect(
      records.some((r) => r.workerId === undefined && String(r.msg).includes('Every worker finished')),
    ).toBe(true);
  });
});
