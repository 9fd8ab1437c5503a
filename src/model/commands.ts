import type { Redis } from 'ioredis';
import { keys } from '../redis/keys.js';
import { InvalidJobOperation } from '../errors.js';
import { Job } from './job.js';
import { pythonJsonDumps } from './python-text.js';
import type { Serializer } from './serializer.js';

// RQ's pub/sub commands (docs/protocol.md §4). Payloads are written exactly as Python's
// json.dumps writes them, because a malformed payload silently deafens a Python worker.

export type WorkerCommand =
  | { command: 'shutdown' }
  | { command: 'kill-horse' }
  /**
   * `graceful` (seconds, rqts only): abort the job's signal and kill the horse only after
   * the grace period. A Python worker would ignore the key and stop at once, so senders
   * check that the worker is an rqts one first (isRqtsWorker).
   */
  | { command: 'stop-job'; job_id: string; graceful?: number };

export function encodeCommand(command: WorkerCommand): string {
  // Key order matters for byte equality: Python builds {'command': …} then adds job_id.
  if (command.command !== 'stop-job') return pythonJsonDumps({ command: command.command });
  return command.graceful === undefined
    ? pythonJsonDumps({ command: 'stop-job', job_id: command.job_id })
    : pythonJsonDumps({ command: 'stop-job', job_id: command.job_id, graceful: command.graceful });
}

/** Publishes a command; resolves to how many subscribers received it (0: nobody listens). */
export async function sendCommand(
  connection: Redis,
  workerName: string,
  command: WorkerCommand,
): Promise<number> {
  return connection.publish(keys.workerChannel(workerName), encodeCommand(command));
}

export function sendShutdownCommand(connection: Redis, workerName: string): Promise<number> {
  return sendCommand(connection, workerName, { command: 'shutdown' });
}

export function sendKillHorseCommand(connection: Redis, workerName: string): Promise<number> {
  return sendCommand(connection, workerName, { command: 'kill-horse' });
}

/** A graceful stop's grace period when none is given (s). */
export const DEFAULT_GRACE_SECONDS = 10;

/** rqts workers say so in python_version ("rqts 0.1.0 (Node.js v20…)"); Python's hold Python's. */
export function isRqtsWorker(pythonVersion: string | undefined): boolean {
  return pythonVersion?.startsWith('rqts ') ?? false;
}

/**
 * Raises NoSuchJobError for an unknown id and InvalidJobOperation when nobody runs it, or
 * when a graceful stop is asked of a worker that cannot give one (Python RQ's).
 */
export async function sendStopJobCommand(
  connection: Redis,
  jobId: string,
  serializer?: Serializer,
  options: { graceful?: number } = {},
): Promise<{ workerName: string; receivers: number }> {
  const job = await Job.fetch(connection, jobId, serializer);
  if (!job.workerName)
    throw new InvalidJobOperation(
      `Job ${jobId} is not currently executing`,
      'Only a started job can be stopped',
    );
  if (options.graceful !== undefined) {
    const pythonVersion = await connection.hget(keys.worker(job.workerName), 'python_version');
    if (!isRqtsWorker(pythonVersion ?? undefined))
      throw new InvalidJobOperation(
        `Worker ${job.workerName} runs Python RQ, which has no graceful stop`,
        `Stop the job without --graceful (rqts stop-job ${jobId}): its horse is killed at once`,
      );
  }
  const receivers = await sendCommand(connection, job.workerName, {
    command: 'stop-job',
    job_id: jobId,
    ...(options.graceful === undefined ? {} : { graceful: options.graceful }),
  });
  return { workerName: job.workerName, receivers };
}

/** Parses a payload defensively: anything malformed is undefined, never an exception. */
export function parseCommand(payload: string): WorkerCommand | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const record = parsed as Record<string, unknown>;
  switch (record.command) {
    case 'shutdown':
      return { command: 'shutdown' };
    case 'kill-horse':
      return { command: 'kill-horse' };
    case 'stop-job': {
      if (typeof record.job_id !== 'string') return undefined;
      const graceful = record.graceful;
      return typeof graceful === 'number' && Number.isFinite(graceful) && graceful > 0
        ? { command: 'stop-job', job_id: record.job_id, graceful }
        : { command: 'stop-job', job_id: record.job_id };
    }
    default:
      return undefined;
  }
}
