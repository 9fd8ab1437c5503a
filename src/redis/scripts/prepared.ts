import { createHash } from 'node:crypto';
import { Command, type Redis } from 'ioredis';

// A worker calls one script per job. Through ioredis's defineCommand each call builds a
// script command object, a closure, and the wire text as a chain of ~150 small string
// concatenations (about 5 KB of garbage and a fifth of the worker's own CPU per job).
// A prepared script writes its EVALSHA as one joined string, arguments whose wire form
// never changes (key names, the worker's name) encoded once, and falls back to ioredis's
// own EVAL path when Redis answers NOSCRIPT (a restarted or flushed server).

/** An argument whose RESP encoding is computed once and reused (a key or name that never changes). */
export class Fixed {
  readonly wire: string;
  constructor(readonly value: string) {
    this.wire = `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
  }
}

export type PreparedArg = string | number | Fixed;

export class PreparedScript {
  readonly sha: string;
  private readonly shaWire: string;

  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
    this.shaWire = `$7\r\nevalsha\r\n$40\r\n${this.sha}\r\n`;
  }

  /**
   * EVALSHA with `numKeys` keys; the reply comes back with Buffers for bulk strings.
   * `fallback` runs the same call through ioredis's script command (EVAL) after NOSCRIPT.
   */
  async callBuffer<T>(connection: Redis, numKeys: number, args: readonly PreparedArg[], fallback: () => Promise<T>): Promise<T> {
    const wire: string[] = [`*${args.length + 3}\r\n`, this.shaWire, encode(numKeys)];
    for (const arg of args) wire.push(arg instanceof Fixed ? arg.wire : encode(arg));
    const command = new WireCommand(wire.join(''));
    try {
      return (await connection.sendCommand(command)) as T;
    } catch (error) {
      if (error instanceof Error && error.message.includes('NOSCRIPT')) return fallback();
      throw error;
    }
  }
}

function encode(arg: string | number): string {
  const text = typeof arg === 'number' ? String(arg) : arg;
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

/** An ioredis command whose wire text is already built; its reply is read as Buffers. */
class WireCommand extends Command {
  constructor(private readonly wire: string) {
    super('evalsha', [], { replyEncoding: null });
  }

  override toWritable(): string {
    return this.wire;
  }
}

/** The fast path needs a plain connection with no key prefix (ioredis would prefix keys). */
export function canPrepare(connection: Redis): boolean {
  return !connection.options.keyPrefix;
}
