import { RqtsError } from '../errors.js';
import type { CommandIo } from './command.js';

// Shared by the three command senders (shutdown, kill-horse, stop-job).

export function workerNameArgument(args: readonly string[], command: string): string {
  const [worker, ...extra] = args;
  if (!worker || extra.length > 0)
    throw new RqtsError(
      'BAD_ARGUMENT',
      `rqts ${command} takes one worker name, got ${args.length}`,
      `Usage: rqts ${command} WORKER (rqts info lists workers)`,
    );
  return worker;
}

/** PUBLISH returns how many subscribers got it: 0 means no such worker is running. */
export function reportDelivery(io: CommandIo, what: string, worker: string, receivers: number): number {
  if (receivers === 0) {
    io.error(
      `Sent ${what}, but nobody is listening: no worker named ${worker} is running. Run rqts info to list workers`,
    );
    return 1;
  }
  io.print(`Sent ${what} (${receivers} listener${receivers === 1 ? '' : 's'})`);
  return 0;
}
