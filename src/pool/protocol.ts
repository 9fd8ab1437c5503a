// What a pool and its member processes say to each other. Members are forked with an IPC
// channel; everything crossing it is `unknown` until one of the guards below accepts it.
// The member's identity travels in one environment variable so that the member's argv
// stays exactly `rqts worker`'s.

export const MEMBER_ENV = 'RQTS_POOL_MEMBER';

export interface MemberIdentity {
  /** The pool's name, written as the worker hash's `rqts_pool` field. */
  pool: string;
  /** Short id of the slot (w1, w2 …), used to prefix or tag each log line. */
  id: string;
  /** Prefix human log lines with `[id] ` (JSON lines always carry the id as a field). */
  prefix: boolean;
}

/** Pool → member: stop warm (finish the current job) or cold (kill the horse, fail the job). */
export interface StopMessage {
  type: 'stop';
  kind: 'warm' | 'cold';
}

/**
 * Member → pool. Deliberately nothing per job: an IPC round per job costs the member and
 * the pool about half a millisecond of CPU each (measured), a fifth of a job's cost; what a
 * member is doing is in its worker hash for anyone who needs it.
 */
export type MemberMessage = { type: 'registered'; name: string };

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function parseMemberIdentity(text: string | undefined): MemberIdentity | undefined {
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const value = record(parsed);
  if (
    !value ||
    typeof value.pool !== 'string' ||
    typeof value.id !== 'string' ||
    value.pool === '' ||
    value.id === ''
  )
    return undefined;
  return { pool: value.pool, id: value.id, prefix: value.prefix !== false };
}

export function isStopMessage(message: unknown): message is StopMessage {
  const value = record(message);
  return value?.type === 'stop' && (value.kind === 'warm' || value.kind === 'cold');
}

export function parseMemberMessage(message: unknown): MemberMessage | undefined {
  const value = record(message);
  if (!value) return undefined;
  return value.type === 'registered' && typeof value.name === 'string'
    ? { type: 'registered', name: value.name }
    : undefined;
}
