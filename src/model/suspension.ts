import type { Redis } from 'ioredis';
import { keys } from '../redis/keys.js';

export async function suspend(connection: Redis, durationSeconds?: number): Promise<void> {
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
