import type { Redis } from 'ioredis';
import { keys } from '../redis/keys.js';

// Which RQ wire format a worker speaks (`--rq-protocol 1|2|auto`): 1.x writes plain job ids in
// rq:wip, 2.x writes `job_id:execution_id` members with rq:execution(s) records (rq-protocol §9).
// The two cannot share a started registry safely in either direction: a 1.x clean-up drops
// composite members as ids without a hash, so the fleet's own version decides.

export type RqProtocolChoice = '1' | '2' | 'auto';
export const RQ_PROTOCOL_CHOICES: readonly RqProtocolChoice[] = ['1', '2', 'auto'];
export type RqProtocol = 1 | 2;

/** The `version` field rqts writes in its worker hash, as Python readers show it. */
export const PROTOCOL_VERSION_TEXT: Record<RqProtocol, string> = { 1: '1.16.2', 2: '2.10.0' };

/**
 * auto: 2 if any registered peer reports RQ >= 2.0, else 1. With no peers at all, 1: plain
 * ids are what every 1.x reader needs, and a lone rqts fleet needs no execution records.
 */
export async function detectProtocol(connection: Redis, ownKey: string): Promise<RqProtocol> {
  const workerKeys = (await connection.smembers(keys.allWorkers)).filter((key) => key !== ownKey);
  if (workerKeys.length === 0) return 1;
  const pipeline = connection.pipeline();
  for (const key of workerKeys) pipeline.hget(key, 'version');
  const replies = (await pipeline.exec()) ?? [];
  const majors = replies.map(([, value]) =>
    Number(/^(\d+)\./.exec(typeof value === 'string' ? value : '')?.[1] ?? NaN),
  );
  return majors.some((major) => major >= 2) ? 2 : 1;
}

export async function resolveProtocol(
  connection: Redis,
  choice: RqProtocolChoice,
  ownKey: string,
): Promise<RqProtocol> {
  if (choice === '1') return 1;
  if (choice === '2') return 2;
  return detectProtocol(connection, ownKey);
}
