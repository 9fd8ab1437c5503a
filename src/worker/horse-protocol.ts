import type { JobPayload, RunOutcome } from './job-runner.js';

// The closed vocabulary between a worker and its horse (style.md habit 9). The horse runs
// user code only; every Redis write stays in the worker, so killing a horse can never
// leave a half-written job.

export type ToHorse =
  | { type: 'run'; job: JobPayload; roots: string[] }
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
  return type === 'run' || type === 'meta-saved' || type === 'abort';
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
