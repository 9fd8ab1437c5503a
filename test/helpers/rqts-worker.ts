import type { Redis } from 'ioredis';
import { findWorker, Job, latestResult, type JobStatus, type WorkerRecord } from '../../src/index.js';
import { FIXTURES, spawnRqts, type RqtsProcess } from './rqts-process.js';
import { waitFor } from './wait.js';

// The worker tests' rqts worker: the built CLI on one queue, running the job functions of
// test/fixtures, under a name no other worker of this test run has.

let counter = 0;

/**
 * Starts `rqts worker <queue>` named `<prefix><n>-<pid>`; `extra` flags go after the name.
 * killSpawned ends it.
 */
export function startNamedWorker(
  url: string,
  queue: string,
  prefix: string,
  extra: string[] = [],
): { proc: RqtsProcess; name: string } {
  const name = `${prefix}${++counter}-${process.pid}`;
  const proc = spawnRqts(['worker', queue, '--url', url, '--path', FIXTURES, '--name', name, ...extra]);
  return { proc, name };
}

/** Waits until worker `name` says it is busy on job `jobId`; its record then. */
export async function busyOn(client: Redis, name: string, jobId: string): Promise<WorkerRecord> {
  return waitFor(
    async () => {
      const w = await findWorker(client, name);
      return w?.state === 'busy' && w.currentJob === jobId ? w : undefined;
    },
    15_000,
    `worker ${name} busy on ${jobId}`,
  );
}

/** Waits until job `jobId` ends with `status`; the exc_string of its latest result then, or ''. */
export async function endedWith(client: Redis, jobId: string, status: JobStatus): Promise<string> {
  await waitFor(async () => (await Job.fetch(client, jobId)).status === status, 20_000, `${jobId} ${status}`);
  return (await latestResult(client, jobId))?.excString ?? '';
}
