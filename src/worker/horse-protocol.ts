import type { RedisOptions } from 'ioredis';
import type { JobPayload, RunOutcome } from './job-runner.js';
import type { RqProtocol } from './rq-protocol.js';
import type { WorkerIdentity } from './worker-hash.js';

// The closed vocabulary between a worker and its horse (style.md habit 9). While its worker
// lives, the horse runs user code only and every Redis write stays in the worker, so killing
// a horse can never leave a half-written job. Only a horse whose worker died writes: the
// outcome of the job it was running, fenced as the worker's own write (horse-orphan.ts).

/**
 * What a horse needs to record its job itself once its worker is gone, sent once at spawn:
 * how to reach Redis (the worker's own connection options), whose job it is, and how the
 * worker would write the outcome. Names, not objects, for anything loaded by dotted path.
 */
export interface HorseSetup {
  redis: RedisOptions;
  worker: WorkerIdentity;
  protocol: RqProtocol;
  resultTtl: number;
  defaultHandler: boolean;
  /** Dotted names; undefined for rqts's own JSON serializer and Job class. */
  serializer?: string;
  jobClass?: string;
  exceptionHandlers: string[];
  /** Why the horse could not record a job itself (a serializer given as an object), if so. */
  cannotRecord?: string;
}

/** How the worker took the running job: the same fence for a write by its horse. */
export interface TakenAs {
  queue: string;
  member: string;
  /** The started_at this attempt was given (ms), to tell it from a later attempt. */
  startedAt?: number;
  execution?: { id: string; startedAt: number };
}

export type ToHorse =
  | { type: 'setup'; setup: HorseSetup }
  | { type: 'run'; job: JobPayload; roots: string[]; taken?: TakenAs }
  | { type: 'meta-saved'; seq: number }
  /** A graceful stop: the running job's AbortSignal fires; the kill comes later, if needed. */
  | { type: 'abort'; jobId: string; reason: string };

export type FromHorse =
  | { type: 'ready' }
  /** `exiting`: the horse is going down after this answer (it hit an uncaught error). */
  | { type: 'done'; jobId: string; outcome: RunOutcome; exiting?: boolean }
  | { type: 'save-meta'; jobId: string; meta: Record<string, unknown>; seq: number };

export function isFromHorse(message: unknown): message is FromHorse {
  if (!message || typeof message !== 'object') return false;
  const type = (message as { type?: unknown }).type;
  return type === 'ready' || type === 'done' || type === 'save-meta';
}

export function isToHorse(message: unknown): message is ToHorse {
  if (!message || typeof message !== 'object') return false;
  const type = (message as { type?: unknown }).type;
  return type === 'setup' || type === 'run' || type === 'meta-saved' || type === 'abort';
}

/**
 * Job messages travel as JSON lines over a plain pipe (the horse's fd 4) rather than Node's
 * IPC channel: a round trip costs about two thirds as much, twice per job. The IPC channel
 * stays open only so a horse notices its worker is gone ('disconnect').
 */
export const HORSE_CHANNEL_FD = 4;

export function encodeMessage(message: ToHorse | FromHorse): string {
  return `${JSON.stringify(message)}\n`;
}

/** Splits a stream of text chunks into parsed JSON lines; a line that does not parse is skipped. */
export function lineReader(onMessage: (message: unknown) => void): (chunk: string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
      if (line === '') continue;
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        continue;
      }
      onMessage(message);
    }
  };
}
