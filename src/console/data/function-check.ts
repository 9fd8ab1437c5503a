import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { keys } from '../../redis/keys.js';
import { PACKAGE_ROOT } from './worker-command.js';

// Before rqts workers are launched on a backlog: do the first queued jobs' functions resolve
// under the --path they will get? If not, 500 jobs would fail in a second. The jobs are read
// here (LRANGE, then HMGET of their data); the lookup runs in function-check-main.ts.

/** How many jobs at the head of each queue are checked. */
export const CHECKED_JOBS = 20;

export type FunctionCheck =
  { ok: true; checked: number } | { ok: false; id: string; func: string; reason: string };

export async function readQueuedData(
  client: Redis,
  queues: readonly string[],
  limit = CHECKED_JOBS,
): Promise<{ id: string; data: string | null }[]> {
  const heads = await Promise.all(queues.map((q) => client.lrange(keys.queue(q), 0, limit - 1)));
  const ids = heads.flat();
  if (ids.length === 0) return [];
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.hmgetBuffer(keys.job(id), 'data');
  const replies = (await pipeline.exec()) ?? [];
  return ids.map((id, i) => {
    const data = (replies[i]?.[1] as (Buffer | null)[] | undefined)?.[0] ?? null;
    return { id, data: data ? data.toString('base64') : null };
  });
}

export const CHECK_MAIN = path.join(PACKAGE_ROOT, 'dist', 'console', 'data', 'function-check-main.js');

export async function checkQueuedFunctions(
  client: Redis,
  spec: { queues: readonly string[]; paths: readonly string[]; serializer: string },
): Promise<FunctionCheck> {
  const jobs = await readQueuedData(client, spec.queues);
  if (jobs.length === 0) return { ok: true, checked: 0 };
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CHECK_MAIN],
      { timeout: 30_000, maxBuffer: 1 << 20 },
      (error, stdout) => {
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as FunctionCheck);
        } catch {
          resolve({
            ok: false,
            id: '',
            func: '',
            reason: `the check could not run: ${error?.message ?? stdout}`,
          });
        }
      },
    );
    child.stdin?.end(JSON.stringify({ paths: spec.paths, serializer: spec.serializer, jobs }));
  });
}
