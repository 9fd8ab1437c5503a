import { describe, expect, it } from 'vitest';
import { getCurrentJob, runWithCurrentJob, type CurrentJob } from '../../src/worker/current-job.js';

// getCurrentJob() inside a job, however many jobs one process runs at once.

function fakeJob(id: string): CurrentJob {
  return {
    id,
    funcName: 'tasks.x',
    args: [],
    kwargs: {},
    origin: 'default',
    description: undefined,
    timeout: 180,
    meta: {},
    signal: new AbortController().signal,
    saveMeta: async () => undefined,
  };
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

describe('getCurrentJob', () => {
  it('is the running job inside it and after its awaits, and nothing once it has settled', async () => {
    const seen: (string | undefined)[] = [];
    await runWithCurrentJob(fakeJob('a'), async () => {
      seen.push(getCurrentJob()?.id);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(getCurrentJob()?.id);
    });
    expect(seen).toEqual(['a', 'a']);
    expect(getCurrentJob()).toBeUndefined();
  });

  it('tells overlapping jobs apart: one still running (say, timed out in a SimpleWorker) and the next', async () => {
    const first = gate();
    const seen: { a: (string | undefined)[]; b: (string | undefined)[] } = { a: [], b: [] };
    const a = runWithCurrentJob(fakeJob('a'), async () => {
      seen.a.push(getCurrentJob()?.id);
      await first.wait;
      seen.a.push(getCurrentJob()?.id);
    });
    const b = runWithCurrentJob(fakeJob('b'), async () => {
      seen.b.push(getCurrentJob()?.id);
      first.open();
      await new Promise((resolve) => setImmediate(resolve));
      seen.b.push(getCurrentJob()?.id);
    });
    await Promise.all([a, b]);
    expect(seen).toEqual({ a: ['a', 'a'], b: ['b', 'b'] });
  });

  it('frees the slot when the job function throws synchronously', async () => {
    await expect(
      runWithCurrentJob(fakeJob('c'), () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(getCurrentJob()).toBeUndefined();
  });
});
