import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned, spawnRqts } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { startConsole } from './harness.js';

// SLOW against a real rqts worker: the console learns tasks.nap's usual time from its
// finished runs, then flags a run far beyond it and leaves a usual run alone.

const rowOf = (frame: string, name: string): string =>
  frame.split('\n').find((line) => line.includes(name)) ?? '';

describe('the SLOW flag', () => {
  let redis: TestRedis;
  useRedis((r) => (redis = r), killSpawned);

  it('flags a run far beyond its function p95, not a usual one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rqts-slow-'));
    writeFileSync(
      path.join(dir, 'tasks.js'),
      'export async function nap(ms) { await new Promise((r) => setTimeout(r, ms)); return ms; }\n',
    );
    spawnRqts([
      'worker',
      'nap-q',
      '--url',
      redis.url,
      '--path',
      dir,
      '--name',
      'nap-w',
      // Busy beats publish the horse's RSS (the MEM column).
      '--job-monitoring-interval',
      '1',
    ]);
    await waitFor(
      async () => (await redis.client.hget(keys.worker('nap-w'), 'state')) === 'idle',
      20_000,
      'idle',
    );
    const queue = new Queue('nap-q', redis.client);
    for (let i = 0; i < 5; i++) await queue.enqueue('tasks.nap', [400]);
    await waitFor(
      async () => (await redis.client.zcard(keys.registry('finished', 'nap-q'))) === 5,
      20_000,
      'five finished runs',
    );
    // p95 0.4 s: SLOW past 3 × 0.4 = 1.2 s and past the 1 s floor.
    const c = startConsole(redis.url, {
      intervalMs: 200,
      columns: 200,
      slow: { factor: 3, floorSeconds: 1 },
    });
    try {
      await c.r.waitForFrame((f) => /\bidle\b/.test(rowOf(f, 'nap-w')), 15_000);
      await queue.enqueue('tasks.nap', [400]);
      let busySeen = false;
      let slowSeen = false;
      await c.r.waitForFrame((f) => {
        const row = rowOf(f, 'nap-w');
        if (/\bbusy\b/.test(row)) busySeen = true;
        if (row.includes('SLOW')) slowSeen = true;
        return busySeen && /\bidle\b/.test(row);
      }, 15_000);
      expect(slowSeen).toBe(false);

      const long = await queue.enqueue('tasks.nap', [20_000]);
      const slow = await c.r.waitForFrame((f) => rowOf(f, 'nap-w').includes('SLOW'), 15_000);
      expect(rowOf(slow, 'nap-w')).toMatch(/tasks\.nap\(20000\).*SLOW/);
      // The MEM column: the horse's resident set, from the busy heartbeat.
      await c.r.waitForFrame((f) => /\d(\.\d)?M\s/.test(rowOf(f, 'nap-w')), 10_000);
      await c.r.press('\r');
      const detail = await c.r.waitForFrame(/usual run time/, 5000);
      // 0.4 s naps take a little longer on a loaded machine: the tenths may differ.
      expect(detail).toMatch(/SLOW: usually [01]\.\ds \(p95 of 6 runs\), running \d/);
      expect(detail).toMatch(/p50 [01]\.\ds, p95 [01]\.\ds, n=6/);
      expect(detail).toMatch(/horse memory\s+\d+(\.\d)?M resident/);

      // The job's own page says the same: its function's distribution and this run against it.
      await c.r.press('\u001b', ':', ...long.id, '\r');
      const jobPage = await c.r.waitForFrame(
        (f) => f.includes(`Job ${long.id}`) && /running for/.test(f),
        10_000,
      );
      expect(jobPage).toMatch(/usual run time\s+p50 [01]\.\ds, p95 [01]\.\ds, n=6/);
      expect(jobPage).toMatch(/running for\s+SLOW: usually [01]\.\ds \(p95 of 6 runs\), running \d/);
    } finally {
      await c.close();
    }
  });
});
