import type { Redis } from 'ioredis';
import { RqtsError } from '../errors.js';
import { keys } from '../redis/keys.js';

/**
 * Job.fetch calls a hash without `data` "no such job", as RQ does. For a person at a
 * terminal, say what is really wrong when the hash exists but is incomplete.
 */
export async function explainMissingData(client: Redis, id: string, error: RqtsError): Promise<RqtsError>;
export async function explainMissingData(client: Redis, id: string, error: unknown): Promise<unknown>;
export async function explainMissingData(client: Redis, id: string, error: unknown): Promise<unknown> {
  if (!(error instanceof RqtsError) || error.code !== 'NO_SUCH_JOB') return error;
  const fields = await client.hkeys(keys.job(id));
  if (fields.length === 0) return error;
  return new RqtsError(
    'MALFORMED_JOB',
    `Job ${id} is incomplete: its hash has no data field (it has ${fields.sort().join(', ')})`,
    'It cannot run; delete it (or re-enqueue the work) and check what wrote it',
  );
}
