import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { ChainableCommander, Pipeline, Redis } from 'ioredis';
import {
  canSendPacked,
  isNoScript,
  packCommand,
  packPrefix,
  plainArgs,
  queuePacked,
  sendPacked,
  type PackedArg,
  type PackedPrefix,
} from '../packed-command.js';

// The one place that knows how a Lua script reaches Redis. Callers name a script and give
// its keys and arguments; whether that goes as EVALSHA through ioredis (defineCommand, which
// falls back to EVAL on NOSCRIPT), as prebuilt RESP bytes (packed-command.ts, the hot path),
// as a plain EVAL, or queued into the caller's MULTI, is decided here and nowhere else.
//
// Script text lives in `.lua` files beside this module (copied into dist/ by the build,
// scripts/copy-lua.mjs). A script is the concatenation of its files: shared fragments
// (`lib/*.lua`, each defining one local function) first, its own body last. The text is never
// interpolated; the few values that come from TypeScript (key prefixes from keys.ts, field
// positions) are given as `constants`, each written as one `local NAME = value` line ahead of
// the files, so a `.lua` file reads as complete Lua with its constants named in its header.

/** What producers pass: texts and binary data; the worker also passes pre-encoded Fixed texts. */
export type ScriptArg = PackedArg;

export interface ScriptSpec {
  /** The ioredis command name it is defined under (also its name inside fenced-batch-3). */
  name: string;
  /** Its key count, or 'varying' when the caller's key list sets it (dequeue over n queues). */
  keys: number | 'varying';
  /** Files under src/redis/scripts/, fragments first. */
  files: readonly string[];
  constants?: Readonly<Record<string, string | number>>;
}

const LUA_DIR = new URL('./', import.meta.url);

function luaConstant(name: string, value: string | number): string {
  if (typeof value === 'number') return `local ${name} = ${value}\n`;
  // Key prefixes only: nothing that would need escaping inside a Lua string.
  if (!/^[\w:.-]*$/.test(value)) throw new Error(`script constant ${name} has unsafe text: ${value}`);
  return `local ${name} = '${value}'\n`;
}

/** Scripts run the ordinary way at least once on a client: the server has them cached. */
const loaded = new WeakMap<Redis, Set<string>>();
/** Clients the scripts have been defined on (defineCommand), by script name. */
const defined = new WeakMap<Redis, Set<string>>();

type Ordinary = (...args: unknown[]) => Promise<unknown>;

export class Script<Reply = unknown> {
  readonly name: string;
  readonly keys: number | 'varying';
  readonly source: string;
  readonly sha: string;
  /** EVALSHA sha numKeys, encoded once per key count. */
  private readonly prefixes = new Map<number, PackedPrefix>();

  constructor(spec: ScriptSpec) {
    this.name = spec.name;
    this.keys = spec.keys;
    const constants = Object.entries(spec.constants ?? {})
      .map(([name, value]) => luaConstant(name, value))
      .join('');
    this.source =
      constants + spec.files.map((file) => readFileSync(new URL(file, LUA_DIR), 'utf8')).join('\n');
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  /**
   * One call. By prebuilt EVALSHA once this client has run the script (so the server has it),
   * else through ioredis. NOSCRIPT means the call did not run (server restart, SCRIPT FLUSH),
   * so it is safely sent again the ordinary way. `buffers`: bulk replies come back as Buffers.
   */
  call(
    client: Redis,
    keys: readonly ScriptArg[],
    args: readonly ScriptArg[],
    options: { buffers?: boolean } = {},
  ): Promise<Reply> {
    this.checkKeys(keys);
    if (!this.isLoaded(client)) return this.callOrdinary(client, keys, args, options.buffers);
    return sendPacked(client, this.pack(keys, args), options).catch((error: unknown) => {
      if (!isNoScript(error)) throw error;
      return this.callOrdinary(client, keys, args, options.buffers);
    }) as Promise<Reply>;
  }

  /**
   * `count` calls in one round trip, each atomic on its own; `partsOf(i)` gives the i-th call's
   * keys and arguments (built when queued, so a big batch does not hold them all at once).
   * Replies in order, as [error, result]; calls that met NOSCRIPT are sent again.
   */
  async callMany(
    client: Redis,
    count: number,
    partsOf: (i: number) => { keys: readonly ScriptArg[]; args: readonly ScriptArg[] },
  ): Promise<[Error | null, Reply][]> {
    const packed = this.isLoaded(client);
    this.define(client);
    const pipeline = client.pipeline();
    for (let i = 0; i < count; i++) {
      const parts = partsOf(i);
      if (packed) queuePacked(pipeline as Pipeline, this.pack(parts.keys, parts.args));
      else this.queue(pipeline, parts.keys, parts.args);
    }
    const replies = ((await pipeline.exec()) ?? []) as [Error | null, Reply][];
    const again = packed ? replies.flatMap(([error], i) => (isNoScript(error) ? [i] : [])) : [];
    if (again.length > 0) {
      const retry = client.pipeline();
      for (const i of again) this.queue(retry, partsOf(i).keys, partsOf(i).args);
      const retried = ((await retry.exec()) ?? []) as [Error | null, Reply][];
      again.forEach((index, k) => {
        replies[index] = retried[k] ?? [new Error('no reply'), null as Reply];
      });
    }
    if (!packed && replies.every(([error]) => !error)) this.markLoaded(client);
    return replies;
  }

  /**
   * Queues the call into a MULTI or pipeline (no extra round trip): by SHA when the commander
   * knows the script by name (its client's scripts are defined, or it records commands for
   * fenced-batch-3, which runs some scripts by name), else as a plain EVAL (same script, a few
   * more bytes on the wire).
   */
  queue(commander: ChainableCommander, keys: readonly ScriptArg[], args: readonly ScriptArg[]): void {
    this.checkKeys(keys);
    const plain = plainArgs([...keys, ...args]);
    const byName = (commander as unknown as Record<string, unknown>)[this.name];
    if (typeof byName === 'function') {
      const withCount = this.keys === 'varying' ? [keys.length, ...plain] : plain;
      (byName as (...a: unknown[]) => unknown).apply(commander, withCount);
    } else commander.eval(this.source, keys.length, ...plain);
  }

  /** Defines the script on a client, so its MULTIs and pipelines queue it by SHA. */
  define(client: Redis): void {
    let names = defined.get(client);
    if (!names) defined.set(client, (names = new Set()));
    if (names.has(this.name)) return;
    client.defineCommand(
      this.name,
      this.keys === 'varying' ? { lua: this.source } : { numberOfKeys: this.keys, lua: this.source },
    );
    names.add(this.name);
  }

  private async callOrdinary(
    client: Redis,
    keys: readonly ScriptArg[],
    args: readonly ScriptArg[],
    buffers = false,
  ): Promise<Reply> {
    this.define(client);
    const command = (client as unknown as Record<string, Ordinary>)[
      buffers ? `${this.name}Buffer` : this.name
    ]!;
    const plain = plainArgs([...keys, ...args]);
    const result = await command.apply(client, this.keys === 'varying' ? [keys.length, ...plain] : plain);
    this.markLoaded(client);
    return result as Reply;
  }

  private pack(keys: readonly ScriptArg[], args: readonly ScriptArg[]): Buffer {
    let prefix = this.prefixes.get(keys.length);
    if (prefix === undefined) {
      prefix = packPrefix(['evalsha', this.sha, String(keys.length)]);
      // Bounded: a worker's dequeue varies by its number of queues, a handful.
      if (this.prefixes.size >= 64) this.prefixes.clear();
      this.prefixes.set(keys.length, prefix);
    }
    return packCommand(keys, prefix, args);
  }

  private checkKeys(keys: readonly ScriptArg[]): void {
    if (this.keys !== 'varying' && keys.length !== this.keys)
      throw new Error(`${this.name} takes ${this.keys} keys, not ${keys.length}`);
  }

  private isLoaded(client: Redis): boolean {
    return canSendPacked(client) && (loaded.get(client)?.has(this.name) ?? false);
  }

  private markLoaded(client: Redis): void {
    let names = loaded.get(client);
    if (!names) loaded.set(client, (names = new Set()));
    names.add(this.name);
  }
}
