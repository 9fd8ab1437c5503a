import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import type { Job } from '../../src/model/job.js';
import { failCommands } from '../../src/model/transitions.js';
import { keys } from '../../src/redis/keys.js';
import { runPython } from '../helpers/python.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { startConsole } from './harness.js';

// Bulk actions of the jobs screen, checked in Redis (each job in exactly one place) and
// read back by Python RQ 1.13: Space marks, r / F / x act on the marks, x deletes one job,
// X empties the failed registry, M requeues by error, and Esc stops a long one part way.

describe('bulk actions on the jobs screen', () => {
  let redis: TestRedis;
  useRedis((r) => (redis = r));

  async function seed(queue: string, n: number, error: (i: number) => string | undefined): Promise<Job[]> {
    const q = new Queue(queue, redis.client);
    const jobs: Job[] = [];
    for (let at = 0; at < n; at += 500) {
      const batch = await q.enqueueMany(
        Array.from({ length: Math.min(500, n - at) }, (_, k) => ({
          funcName: 'tasks.fail',
          args: [at + k],
        })),
      );
      const multi = redis.client.multi();
      batch.forEach((job, k) => {
        const text = error(at + k);
        if (text === undefined) return;
        multi.lrem(q.key, 1, job.id);
        failCommands(multi, job, { excString: text, ended: new Date() });
      });
      await multi.exec();
      jobs.push(...batch);
    }
    return jobs;
  }

  /** Where each job is, as Redis says: 'queued', 'failed', 'both', 'none' (hash: its status). */
  async function places(queue: string, ids: readonly string[]): Promise<Map<string, string>> {
    const queued = new Set(await redis.client.lrange(keys.queue(queue), 0, -1));
    const failed = new Set(await redis.client.zrange(keys.registry('failed', queue), 0, -1));
    const out = new Map<string, string>();
    for (const id of ids) {
      const status = await redis.client.hget(keys.job(id), 'status');
      const where =
        queued.has(id) && failed.has(id)
          ? 'both'
          : queued.has(id)
            ? 'queued'
            : failed.has(id)
              ? 'failed'
              : 'none';
      out.set(id, `${where}/${status ?? 'gone'}`);
    }
    return out;
  }

  /** What Python RQ 1.13 reads for each id: status, in the queue, in the failed registry. */
  async function pythonSees(queue: string, ids: readonly string[]): Promise<string[]> {
    const py = await runPython(
      [
        'import os',
        'from redis import Redis',
        'from rq import Queue',
        'from rq.job import Job',
        'from rq.exceptions import NoSuchJobError',
        'from rq.registry import FailedJobRegistry',
        "r = Redis.from_url(os.environ['REDIS_URL'])",
        "q = Queue(os.environ['QUEUE'], connection=r)",
        'queued = set(q.job_ids)',
        'failed = set(FailedJobRegistry(queue=q).get_job_ids())',
        "for i in os.environ['IDS'].split(','):",
        '    try:',
        '        j = Job.fetch(i, connection=r)',
        '        res = j.latest_result()',
        "        exc = (res.exc_string or '').splitlines()[0] if res and res.exc_string else '-'",
        "        print(j.get_status(), i in queued, i in failed, exc, sep='|')",
        '    except NoSuchJobError:',
        "        print('nosuchjob', i in queued, i in failed, '-', sep='|')",
      ].join('\n'),
      { REDIS_URL: redis.url, QUEUE: queue, IDS: ids.join(',') },
    );
    expect(py.stderr).toBe('');
    return py.stdout.trim().split('\n');
  }

  async function openJobs(
    c: ReturnType<typeof startConsole>,
    queue: string,
    registries: number,
  ): Promise<void> {
    await c.r.waitForFrame(/\d+\/\d+ workers|No worker is registered/, 15_000);
    await c.r.press('2', '/', ...queue, '\r');
    await c.r.waitForFrame((f) => f.includes(queue) && f.includes('1/'), 10_000);
    await c.r.press('\r');
    await c.r.waitForFrame(`queue ${queue}`, 10_000);
    for (let i = 0; i < registries; i++) await c.r.press(']');
  }

  it('Space marks failed jobs and r requeues exactly those; Python RQ reads them as queued', async () => {
    const jobs = await seed('bulk-a', 6, () => 'Traceback (most recent call last):\nRuntimeError: boom');
    const ids = jobs.map((j) => j.id);
    const c = startConsole(redis.url, { intervalMs: 300, columns: 200 });
    try {
      await openJobs(c, 'bulk-a', 2);
      await c.r.waitForFrame((f) => ids.every((id) => f.includes(id.slice(0, 8))), 10_000);
      // Space marks and moves down: rows 1 and 2 marked, the cursor on row 3.
      await c.r.press(' ', ' ');
      const marked = await c.r.waitForFrame('2 marked (Esc unmarks)', 5000);
      const markedIds = ids.filter((id) => marked.split('\n').some((l) => l.includes(`✓${id.slice(0, 8)}`)));
      expect(markedIds).toHaveLength(2);
      await c.r.press('r');
      await c.r.waitForFrame('Requeue 2 marked jobs?', 5000);
      await c.r.press('y');
      await c.r.waitForFrame('requeued 2 of 2', 10_000);
      const where = await places('bulk-a', ids);
      for (const id of ids)
        expect(where.get(id), id).toBe(markedIds.includes(id) ? 'queued/queued' : 'failed/failed');
      const py = await pythonSees('bulk-a', ids);
      // The failure stays its latest result, as after RQ's own requeue.
      ids.forEach((id, i) =>
        expect(py[i], id).toBe(
          markedIds.includes(id)
            ? 'queued|True|False|Traceback (most recent call last):'
            : 'failed|False|True|Traceback (most recent call last):',
        ),
      );
    } finally {
      await c.close();
    }
  });

  it('F moves marked queued jobs to failed, x deletes one job, X empties the failed registry', async () => {
    const jobs = await seed('bulk-b', 5, () => undefined);
    const ids = jobs.map((j) => j.id);
    const c = startConsole(redis.url, { intervalMs: 300, columns: 200 });
    try {
      await openJobs(c, 'bulk-b', 0);
      await c.r.waitForFrame((f) => ids.every((id) => f.includes(id.slice(0, 8))), 10_000);
      // Queued rows are in queue order: the first two are ids[0] and ids[1].
      await c.r.press(' ', ' ', 'F');
      await c.r.waitForFrame('Move to failed 2 marked jobs?', 5000);
      await c.r.press('y');
      await c.r.waitForFrame('moved to failed 2 of 2', 10_000);
      let where = await places('bulk-b', ids);
      expect(ids.map((id) => where.get(id))).toEqual([
        'failed/failed',
        'failed/failed',
        'queued/queued',
        'queued/queued',
        'queued/queued',
      ]);
      const py = await pythonSees('bulk-b', ids.slice(0, 2));
      for (const line of py)
        expect(line).toMatch(/^failed\|False\|True\|Moved to FailedJobRegistry by rqts console at /);

      // x deletes the selected job alone: the first row left in the queue, ids[2].
      await c.r.waitForFrame((f) => !f.includes(ids[0]!.slice(0, 8)), 10_000);
      await c.r.press('g', 'x');
      await c.r.waitForFrame(`Delete job ${ids[2]}?`, 5000);
      await c.r.press('y');
      await c.r.waitForFrame('deleted 1 of 1', 10_000);
      expect(await redis.client.exists(keys.job(ids[2]!))).toBe(0);

      await c.r.press('X');
      await c.r.waitForFrame('Delete every failed job?', 5000);
      await c.r.press('y');
      await c.r.waitForFrame('deleted 2 of 2', 10_000);
      where = await places('bulk-b', ids);
      expect(ids.map((id) => where.get(id))).toEqual([
        'none/gone',
        'none/gone',
        'none/gone',
        'queued/queued',
        'queued/queued',
      ]);
      for (const id of ids.slice(0, 3)) {
        expect(
          await redis.client.exists(keys.results(id), keys.jobDependents(id), keys.jobDependencies(id)),
        ).toBe(0);
      }
      expect((await pythonSees('bulk-b', ids.slice(0, 1)))[0]).toBe('nosuchjob|False|False|-');
    } finally {
      await c.close();
    }
  });

  it('M requeues every failed job whose error matches the regular expression, and only those', async () => {
    const error = (i: number): string =>
      i % 3 === 0
        ? `Traceback (most recent call last):\n  File "tasks.py", line 3\nValueError: bad input ${i}`
        : `Traceback (most recent call last):\nKeyError: 'k${i}'`;
    const jobs = await seed('bulk-m', 12, error);
    const ids = jobs.map((j) => j.id);
    const c = startConsole(redis.url, { intervalMs: 300, columns: 200 });
    try {
      await openJobs(c, 'bulk-m', 2);
      await c.r.waitForFrame('KeyError', 10_000);
      await c.r.press('M');
      await c.r.waitForFrame('requeue failed of bulk-m whose error matches /', 5000);
      await c.r.press(...'ValueError: bad', '\r');
      await c.r.waitForFrame('Requeue every failed job whose error matches /ValueError: bad/?', 5000);
      await c.r.press('y');
      await c.r.waitForFrame('requeued 4 of 4', 10_000);
      const where = await places('bulk-m', ids);
      ids.forEach((id, i) => expect(where.get(id), id).toBe(i % 3 === 0 ? 'queued/queued' : 'failed/failed'));
      const py = await pythonSees('bulk-m', ids);
      ids.forEach((id, i) =>
        expect(py[i]?.split('|').slice(0, 3).join('|')).toBe(
          i % 3 === 0 ? 'queued|True|False' : 'failed|False|True',
        ),
      );
    } finally {
      await c.close();
    }
  });

  it('Esc stops a long bulk requeue part way, every job in exactly one place', async () => {
    const n = 2000;
    const jobs = await seed('bulk-c', n, () => 'RuntimeError: boom');
    const ids = jobs.map((j) => j.id);
    const c = startConsole(redis.url, { intervalMs: 300, columns: 200, bulkChunk: 2 });
    try {
      await openJobs(c, 'bulk-c', 2);
      await c.r.waitForFrame('RuntimeError', 10_000);
      await c.r.press('*');
      await c.r.waitForFrame('all 2,000 marked', 5000);
      await c.r.press('r');
      await c.r.waitForFrame('Requeue all 2,000 jobs?', 5000);
      await c.r.press('y');
      await c.r.waitForFrame(/requeued [\d,]+ of 2,000…/, 10_000);
      await c.r.press('\u001b');
      const frame = await c.r.waitForFrame(
        /stopped: requeued [\d,]+ of 2,000; the other [\d,]+ left where they were/,
        10_000,
      );
      const m = /stopped: requeued ([\d,]+) of 2,000; the other ([\d,]+) left/.exec(frame);
      const moved = Number(m?.[1]?.replace(/,/g, ''));
      expect(moved).toBeGreaterThan(0);
      expect(moved).toBeLessThan(n);
      expect(moved + Number(m?.[2]?.replace(/,/g, ''))).toBe(n);
      const where = await places('bulk-c', ids);
      const counts = new Map<string, number>();
      for (const w of where.values()) counts.set(w, (counts.get(w) ?? 0) + 1);
      expect(Object.fromEntries(counts)).toEqual({ 'queued/queued': moved, 'failed/failed': n - moved });
    } finally {
      await c.close();
    }
  });
});
