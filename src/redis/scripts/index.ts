import type { Redis } from 'ioredis';
import { DEQUEUE_N } from './dequeue-n.js';
import { EMPTY_QUEUE_1 } from './empty-queue-1.js';

// Scripts are registered once per client with defineCommand, so ioredis calls them by
// SHA (EVALSHA) and falls back to EVAL after a server restart.

export type DequeueReply = null | Buffer | [number, Buffer, Buffer[]];

export interface ScriptCommands {
  rqtsEmptyQueue(queueKey: string, jobPrefix: string, dependentsSuffix: string): Promise<number>;
  /** numKeys first: the key count varies with the worker's queues. */
  rqtsDequeueBuffer(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<DequeueReply>;
}

const registered = new WeakSet<Redis>();

export function withScripts(client: Redis): Redis & ScriptCommands {
  if (!registered.has(client)) {
    client.defineCommand('rqtsEmptyQueue', { numberOfKeys: 1, lua: EMPTY_QUEUE_1 });
    client.defineCommand('rqtsDequeue', { lua: DEQUEUE_N });
    registered.add(client);
  }
  return client as Redis & ScriptCommands;
}
