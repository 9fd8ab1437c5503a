import { Command, type Pipeline, type Redis } from 'ioredis';
import { trickOn } from '../tricks.js';

// The producer's hot path: one EVALSHA per job whose RESP bytes we build ourselves. Through
// defineCommand, ioredis spends ~20 µs of CPU per call on argument copies, a Buffer/string
// mix written piece by piece and an extra promise for its NOSCRIPT retry: more than building
// the job. The script's server-side effect is the same either way.

/** An argument whose RESP encoding is computed once and reused (a key or name that never changes). */
export class Fixed {
  readonly wire: string;
  constructor(readonly value: string) {
    this.wire = `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
  }
}

export type PackedArg = string | Buffer | Fixed;

/** The same arguments as ioredis takes them (a Fixed text as its plain value). */
export function plainArgs(args: readonly PackedArg[]): (string | Buffer)[] {
  return args.map((arg) => (arg instanceof Fixed ? arg.value : arg));
}

/** A command's leading arguments, encoded once. */
export interface PackedPrefix {
  count: number;
  text: string;
}

export function packPrefix(args: readonly string[]): PackedPrefix {
  return { count: args.length, text: args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('') };
}

const NO_PREFIX: PackedPrefix = { count: 0, text: '' };

/** RESP array of bulk strings: text args joined into one string, Buffers copied in between. */
export function packCommand(
  args: readonly PackedArg[],
  prefix: PackedPrefix = NO_PREFIX,
  more: readonly PackedArg[] = [],
): Buffer {
  const parts: (string | Buffer)[] = [];
  let text = `*${prefix.count + args.length + more.length}\r\n${prefix.text}`;
  // Two lists (a script's keys, then its arguments) written in turn, so no caller joins them.
  for (const list of [args, more])
    for (const arg of list) {
      if (typeof arg === 'string') {
        text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
      } else if (arg instanceof Fixed) {
        text += arg.wire;
      } else {
        parts.push(`${text}$${arg.length}\r\n`, arg);
        text = '\r\n';
      }
    }
  parts.push(text);
  let size = 0;
  for (const part of parts) size += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const part of parts)
    offset += typeof part === 'string' ? out.write(part, offset) : part.copy(out, offset);
  return out;
}

/** A command sent as prebuilt bytes; ioredis still queues it and matches its reply. */
class PackedCommand extends Command {
  constructor(
    private readonly packed: Buffer,
    buffers = false,
  ) {
    // Bulk strings come back as text, as through ioredis's own script path, or as Buffers
    // when asked for (a job's binary data field).
    super('evalsha', [], { replyEncoding: buffers ? null : 'utf8' });
  }

  override toWritable(): Buffer {
    return this.packed;
  }
}

export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.includes('NOSCRIPT');
}

/**
 * Sends a prebuilt EVALSHA. A NOSCRIPT reply means the script did not run, so the caller may
 * send the same call again the ordinary way (which loads the script).
 */
export function sendPacked(
  client: Redis,
  packed: Buffer,
  options: { buffers?: boolean } = {},
): Promise<unknown> {
  const command = new PackedCommand(packed, options.buffers);
  void client.sendCommand(command);
  return command.promise;
}

export function queuePacked(pipeline: Pipeline, packed: Buffer): void {
  pipeline.sendCommand(new PackedCommand(packed));
}

const PREBUILT = trickOn('prebuilt-command');

/**
 * Whether calls on this client may go as prebuilt bytes: not with the trick switched off, nor
 * on a client whose key prefix ioredis would add to script keys. Callers then take ioredis's
 * ordinary script path, which does the same on the server.
 */
export function canSendPacked(client: Redis): boolean {
  return PREBUILT && !client.options.keyPrefix;
}
