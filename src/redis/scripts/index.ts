import type { ChainableCommander, Pipeline, Redis } from 'ioredis';
import {
  canSendPacked,
  type Fixed,
  isNoScript,
  packEvalsha,
  queuePacked,
  sendPacked,
  type PackedArg,
} from '../packed-command.js';

/** What producers pass: texts and binary data (Fixed texts are the worker's). */
type ScriptArg = Exclude<PackedArg, Fixed>;
import { CLEAN_GROUP_2 } from './clean-group-2.js';
import { DEQUEUE_N } from './dequeue-n.js';
import { EMPTY_QUEUE_1 } from './empty-queue-1.js';
import { ENQUEUE_DEPENDENT_4 } from './enqueue-dependent-4.js';
import { ENQUEUE_JOB_3 } from './enqueue-job-3.js';
import { ENQUEUE_SCHEDULED_2 } from './enqueue-scheduled-2.js';
import { FENCED_BATCH_3 } from './fenced-batch-3.js';
import { FINISH_DEQUEUE_N } from './finish-dequeue-n.js';
import { FINISH_JOB_7 } from './finish-job-7.js';
import { RELEASE_DEPENDENTS_1 } from './release-dependents-1.js';
import { REPEAT_JOB_6 } from './repeat-job-6.js';
import { REQUEUE_FAILED_4 } from './requeue-failed-4.js';

// Scripts are registered once per client with defineCommand, so ioredis calls them by
// SHA (EVALSHA) and falls back to EVAL after a server restart. A script can also be queued
// inside a MULTI or pipeline (queueScript), costing no extra round trip.

/** dequeue-n's reply; the fourth element lists queue index, id … of ids dropped. */
export type DequeueReply = null | Buffer | [number, Buffer, (Buffer | null)[], (number | Buffer)[]?];

export interface ScriptCommands {
  rqtsEmptyQueue(queueKey: string, jobPrefix: string, dependentsSuffix: string): Promise<number>;
  /** numKeys first: the key count varies with the worker's queues. */
  rqtsDequeueBuffer(numKeys: number, ...keysAndArgs: (string | number | Buffer)[]): Promise<DequeueReply>;
  /** numKeys first, as rqtsDequeueBuffer: 7 finish keys and the dequeue's pairs. */
  rqtsFinishDequeueBuffer(
    numKeys: number,
    ...keysAndArgs: (string | number | Buffer)[]
  ): Promise<[number | Buffer, DequeueReply]>;
  rqtsRequeueFailed(...keysAndArgs: (string | Buffer | number)[]): Promise<number>;
  rqtsEnqueueScheduled(...keysAndArgs: (string | number)[]): Promise<string[]>;
  /** 1 for the job finished, 0 for its hash gone, else 'replayed' or why it was fenced off. */
  rqtsFinishJob(...keysAndArgs: (string | number | Buffer)[]): Promise<number | string>;
  rqtsFencedBatch(...keysAndArgs: (string | number | Buffer)[]): Promise<string>;
  rqtsEnqueueJob(...keysAndArgs: (string | Buffer | number)[]): Promise<number>;
  rqtsCleanGroup(groups: string, group: string, id: string, jobPrefix: string): Promise<number>;
}

const registered = new WeakSet<Redis>();

export function withScripts(client: Redis): Redis & ScriptCommands {
  if (!registered.has(client)) {
    client.defineCommand('rqtsEmptyQueue', { numberOfKeys: 1, lua: EMPTY_QUEUE_1 });
    client.defineCommand('rqtsDequeue', { lua: DEQUEUE_N });
    client.defineCommand('rqtsFinishDequeue', { lua: FINISH_DEQUEUE_N });
    client.defineCommand('rqtsRequeueFailed', { numberOfKeys: 4, lua: REQUEUE_FAILED_4 });
    client.defineCommand('rqtsEnqueueScheduled', { numberOfKeys: 2, lua: ENQUEUE_SCHEDULED_2 });
    client.defineCommand('rqtsFencedBatch', { numberOfKeys: 3, lua: FENCED_BATCH_3 });
    client.defineCommand('rqtsCleanGroup', { numberOfKeys: 2, lua: CLEAN_GROUP_2 });
    for (const script of QUEUEABLE)
      client.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
    registered.add(client);
  }
  return client as Redis & ScriptCommands;
}

export interface QueueableScript {
  name: string;
  numberOfKeys: number;
  lua: string;
}

/** Scripts that are queued into a caller's MULTI or pipeline, by transitions in model/. */
export const SCRIPTS = {
  releaseDependents: { name: 'rqtsReleaseDependents', numberOfKeys: 1, lua: RELEASE_DEPENDENTS_1 },
  finishJob: { name: 'rqtsFinishJob', numberOfKeys: 7, lua: FINISH_JOB_7 },
  enqueueJob: { name: 'rqtsEnqueueJob', numberOfKeys: 3, lua: ENQUEUE_JOB_3 },
  enqueueDependent: { name: 'rqtsEnqueueDependent', numberOfKeys: 4, lua: ENQUEUE_DEPENDENT_4 },
  repeatJob: { name: 'rqtsRepeatJob', numberOfKeys: 6, lua: REPEAT_JOB_6 },
} as const satisfies Record<string, QueueableScript>;

const QUEUEABLE: readonly QueueableScript[] = Object.values(SCRIPTS);

/**
 * Queues a script call into a MULTI or pipeline: by SHA when its client went through
 * withScripts, else as a plain EVAL (same script, a few more bytes on the wire).
 */
export function queueScript(
  commander: ChainableCommander,
  script: QueueableScript,
  args: (string | Buffer | number)[],
): void {
  const byName = (commander as unknown as Record<string, unknown>)[script.name];
  if (typeof byName === 'function') (byName as (...a: unknown[]) => unknown).apply(commander, args);
  else commander.eval(script.lua, script.numberOfKeys, ...args);
}

// Scripts this client has run the ordinary way at least once, so the server has them cached
// and a prebuilt EVALSHA will normally find them.
const loaded = new WeakMap<Redis, Set<string>>();

function isLoaded(client: Redis, script: QueueableScript): boolean {
  return canSendPacked(client) && (loaded.get(client)?.has(script.name) ?? false);
}

function markLoaded(client: Redis, script: QueueableScript): void {
  let names = loaded.get(client);
  if (!names) loaded.set(client, (names = new Set()));
  names.add(script.name);
}

/**
 * One script call, by prebuilt EVALSHA once the script is known to the server (the hot
 * path of Queue.enqueue), else through ioredis (EVAL on first use). NOSCRIPT means the call
 * did not run (server restart, SCRIPT FLUSH), so it is safely sent again the ordinary way.
 */
export function callScript(client: Redis, script: QueueableScript, args: ScriptArg[]): Promise<unknown> {
  if (!isLoaded(client, script)) return callOrdinary(client, script, args);
  return sendPacked(client, packEvalsha(script, args)).catch((error: unknown) => {
    if (!isNoScript(error)) throw error;
    return callOrdinary(client, script, args);
  });
}

async function callOrdinary(client: Redis, script: QueueableScript, args: ScriptArg[]): Promise<unknown> {
  const scripted = withScripts(client) as unknown as Record<string, (...a: ScriptArg[]) => Promise<unknown>>;
  const result = await scripted[script.name]!(...args);
  markLoaded(client, script);
  return result;
}

/**
 * `count` calls of one script in one round trip, each atomic on its own; `argsOf(i)` gives the
 * i-th call's arguments (built when queued, so a big batch does not hold them all at once).
 * Replies in order, as [error, result]; calls that met NOSCRIPT are sent again.
 */
export async function callScriptMany(
  client: Redis,
  script: QueueableScript,
  count: number,
  argsOf: (i: number) => ScriptArg[],
): Promise<[Error | null, unknown][]> {
  const packed = isLoaded(client, script);
  const pipeline = withScripts(client).pipeline();
  for (let i = 0; i < count; i++) {
    if (packed) queuePacked(pipeline as Pipeline, packEvalsha(script, argsOf(i)));
    else queueScript(pipeline, script, argsOf(i));
  }
  const replies = ((await pipeline.exec()) ?? []) as [Error | null, unknown][];
  const again = packed ? replies.flatMap(([error], i) => (isNoScript(error) ? [i] : [])) : [];
  if (again.length > 0) {
    const retry = withScripts(client).pipeline();
    for (const i of again) queueScript(retry, script, argsOf(i));
    const retried = ((await retry.exec()) ?? []) as [Error | null, unknown][];
    again.forEach((index, k) => {
      replies[index] = retried[k] ?? [new Error('no reply'), null];
    });
  }
  if (!packed && replies.every(([error]) => !error)) markLoaded(client, script);
  return replies;
}
