import type { Redis } from 'ioredis';
import { keys } from '../redis/keys.js';
import { RqtsError } from '../errors.js';

export async function suspend(connection: Redis, durationSeconds?: number): Promise<void> {
  // EXPIRE 0 or a negative value would delete the key: a "suspension" that resumes at once.
  if (durationSeconds !== undefined && (!Number.isInteger(durationSeconds) || durationSeconds < 1)) {
    throw new RqtsError(
      'BAD_ARGUMENT',
      `Duration ${durationSeconds} is not allowed`,
      'Give a whole number of seconds, 1 or more',
    );
  }
  const multi = connection.multi().set(keys.suspended, '1');
  if (durationSeconds !== undefined) multi.expire(keys.suspended, durationSeconds);
  await multi.exec();
}

export async function resume(connection: Redis): Promise<void> {
  await connection.del(keys.suspended);
}

export async function isSuspended(connection: Redis): Promise<boolean> {
  return (await connection.exists(keys.suspended)) === 1;
}
