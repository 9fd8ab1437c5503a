import type { Redis } from 'ioredis';
import { keys } from '../redis/keys.js';
import { InvalidJobOperation } from './errors.js';
import { Job } from './job.js';
import { pythonJsonDumps } from './python-text.js';
import type { Serializer } from './serializer.js';

// RQ's pub/sub commands (rq-protocol §4). Payloads are written exactly as Python's
// json.dumps writes them, because a malformed payload silently deafens a Python worker.

export type WorkerCommand =
  { command: 'shutdown' } | { command: 'kill-horse' } | { command: 'stop-job'; job_id: string };

export function encodeCommand(command: WorkerCommand): string {
  // Key order matters for byte equality: Python builds {'command': …} then adds job_id.
  return command.command === 'stop-job'
    ? pythonJsonDumps({ command: 'stop-job', job_id: command.job_id })
    : pythonJsonDumps({ command: command.command });
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

/** Raises NoSuchJobError for an unknown id and InvalidJobOperation when nobody runs it. */
export async function sendStopJobCommand(
  connection: Redis,
  jobId: string,
  serializer?: Serializer,
): Promise<{ workerName: string; receivers: number }> {
  const job = await Job.fetch(connection, jobId, serializer);
  if (!job.workerName)
    throw new InvalidJobOperation(
      `Job ${jobId} is not currently executing`,
      'Only a started job can be stopped',
    );
  const receivers = await sendCommand(connection, job.workerName, { command: 'stop-job', job_id: jobId });
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
    case 'stop-job':
      return typeof record.job_id === 'string' ? { command: 'stop-job', job_id: record.job_id } : undefined;
    default:
      return undefined;
  }
}
