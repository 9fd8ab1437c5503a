import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { peersDir } from '../helpers/peers.js';
import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { spawnPython } from '../helpers/python.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned, spawnRqts } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { pythonWorkerArgs, startConsole, writeTaskModules } from './harness.js';
import { parseTimestamp } from '../../src/model/time.js';

// Heartbeats judged by the window each worker set for itself (PTTL + time since its beat),
// against real processes: SIGSTOPped rqts, RQ 1.13 and RQ 2.10 workers run with
// --worker-ttl 20 and a 5 s monitoring interval are flagged a beat after the first one they
// miss, and their jobs become ORPHANED; a healthy worker beating every 60 s never flaps.

const RQ_210 = path.join(peersDir() ?? '../shared/peers', 'rq-2.10.0');
const INTERVAL = 5;
const SHORT = ['--worker-ttl', '20', '--job-monitoring-interval', String(INTERVAL)];

const rowOf = (frame: string, name: string): string =>
  frame.split('\n').find((line) => line.includes(name)) ?? '';

describe('liveness per worker (real processes, SIGSTOP)', () => {
  let redis: TestRedis;
  const children: ChildProcess[] = [];
  useRedis(
    (r) => (redis = r),
    () => {
      for (const c of children) {
        c.kill('SIGCONT');
        c.kill('SIGKILL');
      }
      killSpawned();
    },
  );

  it('flags SIGSTOPped rqts / RQ 1.13 / RQ 2.10 workers in time and orphans their jobs; a 60 s beat never flaps', async () => {
    const dir = writeTaskModules();
    const stopped = ['stop-ts', 'stop-py13', 'stop-py210'];
    const rqts = spawnRqts([
      'worker',
      'q-ts',
      '--url',
      redis.url,
      '--path',
      dir,
      '--name',
      'stop-ts',
      ...SHORT,
    ]);
    const steady = spawnRqts([
      'worker',
      'q-steady',
      '--url',
      redis.url,
      '--path',
      dir,
      '--name',
      'steady',
      '--job-monitoring-interval',
      '60',
    ]);
    const py13 = spawnPython(pythonWorkerArgs(redis.url, dir, 'stop-py13', ['q-py13'], SHORT), {}, dir);
    const py210 = spawnPython(
      pythonWorkerArgs(redis.url, dir, 'stop-py210', ['q-py210'], SHORT),
      { PYTHONPATH: RQ_210 },
      dir,
    );
    children.push(py13, py210);
    const processes: Record<string, ChildProcess> = {
      'stop-ts': rqts.child,
      'stop-py13': py13,
      'stop-py210': py210,
    };
    for (const q of ['q-ts', 'q-py13', 'q-py210', 'q-steady'])
      await new Queue(q, redis.client).enqueue('tasks.hang', [], {}, { timeout: 600 });
    for (const name of [...stopped, 'steady'])
      await waitFor(
        async () => (await redis.client.hget(keys.worker(name), 'state')) === 'busy',
        30_000,
        `${name} busy`,
      );
    const steadyBusySince = Date.now();
    const c = startConsole(redis.url, { intervalMs: 500, columns: 200 });
    const frames: string[] = [];
    const watch = setInterval(() => frames.push(c.r.lastFrame()), 100);
    try {
      await c.r.waitForFrame(
        (f) => [...stopped, 'steady'].every((n) => /\bbusy\b/.test(rowOf(f, n))),
        20_000,
      );
      for (const name of stopped) processes[name]?.kill('SIGSTOP');
      const lastBeat: Record<string, number> = {};
      for (const name of stopped)
        lastBeat[name] =
          parseTimestamp(await redis.client.hget(keys.worker(name), 'last_heartbeat'))?.getTime() ?? 0;

      const flaggedAt: Record<string, number> = {};
      await waitFor(
        () => {
          const f = c.r.lastFrame();
          for (const name of stopped)
            if (flaggedAt[name] === undefined && /late-hb|STALE-HB/.test(rowOf(f, name)))
              flaggedAt[name] = Date.now();
          return stopped.every((n) => flaggedAt[n] !== undefined);
        },
        30_000,
        'every stopped worker flagged',
        50,
      );
      for (const name of stopped) {
        // Within one interval of the first missed beat (lastBeat + INTERVAL), plus a refresh.
        const late = ((flaggedAt[name] ?? 0) - (lastBeat[name] ?? 0)) / 1000;
        expect(late, `${name} flagged ${late}s after its last beat`).toBeLessThanOrEqual(2 * INTERVAL + 1);
        expect(late).toBeGreaterThan(INTERVAL);
      }
      // Two beats missed: STALE-HB, and the jobs they were running are nobody's now.
      const stale = await c.r.waitForFrame(
        (f) => stopped.every((n) => rowOf(f, n).includes('STALE-HB')) && /\b3 ORPHANED\b/.test(f),
        30_000,
      );
      expect(rowOf(stale, 'steady')).not.toMatch(/late-hb|STALE-HB/);
      // A queue whose only worker is frozen has nobody to take its next job.
      for (const q of ['q-ts', 'q-py13', 'q-py210'])
        await new Queue(q, redis.client).enqueue('tasks.quick', [1]);
      await c.r.press('2');
      await c.r.waitForFrame(
        (f) => ['q-ts', 'q-py13', 'q-py210'].every((q) => rowOf(f, q).includes('NO-WORKER')),
        10_000,
      );

      for (const name of stopped) processes[name]?.kill('SIGCONT');
      await c.r.press('1');
      // rqts beats again at once. Python RQ's monitor loop may not survive a SIGSTOP past its
      // TTL (seen by hand with 1.13 and 2.10: sometimes no beat for minutes after SIGCONT, until
      // the job ends), so for a Python worker the console must say what its beat really does.
      await c.r.waitForFrame(
        (f) => rowOf(f, 'stop-ts') !== '' && !/late-hb|STALE-HB/.test(rowOf(f, 'stop-ts')),
        30_000,
      );
      const beatOf = async (name: string): Promise<number | undefined> =>
        parseTimestamp(await redis.client.hget(keys.worker(name), 'last_heartbeat'))?.getTime();
      for (const name of ['stop-py13', 'stop-py210']) {
        const beatAgain = await waitFor(
          async () => ((await beatOf(name)) ?? 0) > (lastBeat[name] ?? 0),
          2 * INTERVAL * 1000 + 2000,
          `${name} beats again`,
        ).catch(() => false);
        if (beatAgain)
          await c.r.waitForFrame(
            (f) => rowOf(f, name) !== '' && !/late-hb|STALE-HB/.test(rowOf(f, name)),
            10_000,
          );
        else expect(rowOf(c.r.lastFrame(), name)).toMatch(/STALE-HB|GHOST|^$/);
      }
      // The steady worker beats every 60 s: watch it past one full interval and its grace.
      await waitFor(() => Date.now() - steadyBusySince > 80_000, 90_000, 'a full 60 s interval', 500);
      const flapped = frames.filter((f) => /late-hb|STALE-HB/.test(rowOf(f, 'steady')));
      expect(flapped).toEqual([]);
      expect(frames.filter((f) => /\bbusy\b/.test(rowOf(f, 'steady'))).length).toBeGreaterThan(100);
    } finally {
      clearInterval(watch);
      await c.close();
      steady.kill('SIGKILL');
    }
  }, 180_000);
});
