import type { ChainableCommander, Redis } from 'ioredis';
import { DEQUEUE_N } from './dequeue-n.js';
import { EMPTY_QUEUE_1 } from './empty-queue-1.js';
import { ENQUEUE_SCHEDULED_2 } from './enqueue-scheduled-2.js';
import { RELEASE_DEPENDENTS_1 } from './release-dependents-1.js';
import { REQUEUE_FAILED_4 } from './requeue-failed-4.js';

// Scripts are registered once per client with defineCommand, so ioredis calls them by
// SHA (EVALSHA) and falls back to EVAL after a server restart. A script can also be queued
// inside a MULTI (see releaseDependentsCommand), costing no extra round trip.

export type DequeueReply = null | Buffer | [number, Buffer, Buffer[]];

export interface ScriptCommands {
  rqtsEmptyQueue(queueKey: string, jobPrefix: string, dependentsSuffix: string): Promise<number>;
  /** numKeys first: the key count varies with the worker's queues. */
  rqtsDequeueBuffer(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<DequeueReply>;
  rqtsRequeueFailed(...keysAndArgs: (string | Buffer | number)[]): Promise<number>;
  rqtsReleaseDependents(...keysAndArgs: string[]): Promise<string[]>;
  rqtsEnqueueScheduled(...keysAndArgs: (string | number)[]): Promise<string[]>;
}

const registered = new WeakSet<Redis>();

export function withScripts(client: Redis): Redis & ScriptCommands {
  if (!registered.has(client)) {
    client.defineCommand('rqtsEmptyQueue', { numberOfKeys: 1, lua: EMPTY_QUEUE_1 });
    client.defineCommand('rqtsDequeue', { lua: DEQUEUE_N });
    client.defineCommand('rqtsRequeueFailed', { numberOfKeys: 4, lua: REQUEUE_FAILED_4 });
    client.defineCommand('rqtsReleaseDependents', { numberOfKeys: 1, lua: RELEASE_DEPENDENTS_1 });
    client.defineCommand('rqtsEnqueueScheduled', { numberOfKeys: 2, lua: ENQUEUE_SCHEDULED_2 });
    registered.add(client);
  }
  return client as Redis & ScriptCommands;
}

/**
 * Queues the dependents release into a MULTI: by SHA when the MULTI's client went through
 * withScripts, else as a plain EVAL (same script, a few more bytes on the wire).
 */
export function releaseDependentsCommand(multi: ChainableCommander, dependentsKey: string, args: string[]): void {
  const withCommand = multi as ChainableCommander & { rqtsReleaseDependents?: (...a: string[]) => ChainableCommander };
  if (typeof withCommand.rqtsReleaseDependents === 'function') withCommand.rqtsReleaseDependents(dependentsKey, ...args);
  else multi.eval(RELEASE_DEPENDENTS_1, 1, dependentsKey, ...args);
}
