import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Job } from '../src/model/job.js';
import { keys } from '../src/redis/keys.js';
import { useRedis, type TestRedis } from './helpers/redis-server.js';

// The library examples run as a reader would run them (node examples/library/x.mjs URL),
// against a private redis-server, importing 'rqts' (the package's own dist/: build first).

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

async function example(file: string, url: string): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'examples/library', file), url], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 30_000,
  });
  return stdout + stderr;
}

describe('examples/library', () => {
  let redis: TestRedis;
  useRedis((r) => (redis = r));

  it('producer enqueues; the worker script runs both jobs, its handler sees the failure', async () => {
    const produced = await example('producer.mjs', redis.url);
    const [, sumId, boomId] = /enqueued (\S+) (\S+)/.exec(produced) ?? [];
    expect(sumId, produced).toBeDefined();
    expect(await redis.client.lrange(keys.queue('example'), 0, -1)).toEqual([sumId, boomId]);

    const worked = await example('worker.mjs', redis.url);
    expect(worked).toContain(`result of ${sumId}: 3`);
    expect(worked).toContain(`handler: job ${boomId} failed: Error: exploded: on purpose`);
    expect((await Job.fetch(redis.client, sumId!)).status).toBe('finished');
    expect((await Job.fetch(redis.client, boomId!)).status).toBe('failed');
    expect(await redis.client.zscore(keys.registry('failed', 'example'), boomId!)).not.toBeNull();
  });

  it('a worker with a custom serializer, job class and death penalty', async () => {
    const started = Date.now();
    const output = await example('custom.mjs', redis.url);
    expect(output).toContain('legacy.add ran as tasks.add: 5');
    // The job asked for 60 s and sleeps 20 s: only the Impatient death penalty (1 s) ends it.
    expect(output).toContain('tasks.nap: failed');
    expect(output).toContain('JobTimeoutException');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
