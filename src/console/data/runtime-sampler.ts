import type { Redis } from 'ioredis';
import { keys } from '../../redis/keys.js';
import { tryParseTimestamp } from '../../model/time.js';
import { runOf, type RuntimeBook } from './runtimes.js';

// Feeds the RuntimeBook from the finished registries, with bounded work per refresh: the
// newest ids of each queue's finished registry, then the hashes of at most MAX_READS of those
// not read before (each job is read once). Two round trips, whatever the traffic; a busy
// Redis fills the book over a few refreshes instead of in one large read.

export const SAMPLE_LIMITS = { idsPerQueue: 100, maxReads: 50 } as const;

export async function sampleFinishedRuns(
  redis: Redis,
  queues: readonly string[],
  book: RuntimeBook,
  limits: { idsPerQueue: number; maxReads: number } = SAMPLE_LIMITS,
): Promise<void> {
  if (queues.length === 0) return;
  const listing = redis.pipeline();
  for (const q of queues) listing.zrevrange(keys.registry('finished', q), 0, limits.idsPerQueue - 1);
  const lists = (await listing.exec()) ?? [];
  const fresh: string[] = [];
  for (const [error, ids] of lists) {
    if (error || !Array.isArray(ids)) continue;
    for (const id of ids as string[]) {
      if (fresh.length >= limits.maxReads) break;
      if (!book.has(id) && !fresh.includes(id)) fresh.push(id);
    }
  }
  if (fresh.length === 0) return;
  const reading = redis.pipeline();
  for (const id of fresh) reading.hmget(keys.job(id), 'description', 'started_at', 'ended_at');
  const hashes = (await reading.exec()) ?? [];
  fresh.forEach((id, i) => {
    const [error, fields] = hashes[i] ?? [null, undefined];
    if (error || !Array.isArray(fields)) return;
    const [description, startedAt, endedAt] = fields as (string | null)[];
    book.add(id, runOf(description ?? undefined, tryParseTimestamp(startedAt), tryParseTimestamp(endedAt)));
  });
}
