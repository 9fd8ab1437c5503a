import type { JobPayload, RunOutcome } from './job-runner.js';

// The closed vocabulary between a worker and its horse (style.md habit 9). The horse runs
// user code only; every Redis write stays in the worker, so killing a horse can never
// leave a half-written job.

export type ToHorse =
  | { type: 'run'; job: JobPayload; roots: string[] }
  | { type: 'meta-saved'; seq: number };

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
  return type === 'run' || type === 'meta-saved';
}
