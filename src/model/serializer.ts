import { deflateSync, inflateSync } from 'node:zlib';
import { pythonJsonDumps, pythonJsonLoads } from './python-text.js';
import { RqtsError } from './errors.js';
import { loadExport } from './load-export.js';

/** What RQ calls a serializer: anything with dumps/loads over bytes. */
export interface Serializer {
  dumps(value: unknown): Buffer | string;
  loads(data: Buffer): unknown;
}

/** Byte-compatible with rq.serializers.JSONSerializer (json.dumps defaults, UTF-8). */
export const JSONSerializer: Serializer = {
  dumps: (value) => Buffer.from(pythonJsonDumps(value), 'utf8'),
  loads: (data) => pythonJsonLoads(data.toString('utf8')),
};

const JSON_ALIASES = new Set([
  'json',
  'JSONSerializer',
  'rq.serializers.JSONSerializer',
  'rqts.JSONSerializer',
]);
const PICKLE_ALIASES = new Set([
  'pickle',
  'rq.serializers.DefaultSerializer',
  'DefaultSerializer',
  'rq.serializers.Serializer',
]);

/**
 * Resolves `--serializer`: RQ's JSON serializer names map to ours; anything else is a
 * dotted path to a module export with dumps/loads, found under the import roots.
 */
export async function resolveSerializer(
  name: string | undefined,
  roots: readonly string[] = ['.'],
): Promise<Serializer> {
  if (!name || JSON_ALIASES.has(name)) return JSONSerializer;
  if (PICKLE_ALIASES.has(name)) {
    throw new RqtsError(
      'BAD_ARGUMENT',
      `Serializer ${name} is pickle, which rqts cannot read or write`,
      'Use the JSON serializer (the default)',
    );
  }
  const candidate = (await loadExport(name, roots)) as Partial<Serializer> | undefined;
  if (!candidate || typeof candidate.dumps !== 'function' || typeof candidate.loads !== 'function') {
    throw new RqtsError(
      'BAD_ARGUMENT',
      `Serializer ${name} has no dumps/loads functions`,
      'Export an object with dumps(value) and loads(bytes)',
    );
  }
  return candidate as Serializer;
}

export function toBuffer(data: Buffer | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

export function compress(data: Buffer | string): Buffer {
  return deflateSync(toBuffer(data));
}

// deflateSync builds a zlib stream object and a ~256 KiB deflate state on every call: about
// 40 µs, more than the rest of building a job. A small payload gains little from deflate
// (a 34-byte call compresses to 42 bytes), so up to this size the job's data is written as one
// stored (uncompressed) deflate block instead: still a zlib stream that zlib.decompress reads.
const STORED_LIMIT = 256;

/**
 * The job's `data` field: zlib, stored for small payloads, deflated for larger ones. Node's
 * deflate already differs byte-wise from Python's zlib.compress on most payloads (its zlib is
 * Chromium's), so only the stream format and the `78 9c` header are shared, as before.
 */
export function compressData(data: Buffer | string): Buffer {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (size > STORED_LIMIT) return deflateSync(toBuffer(data));
  const out = Buffer.allocUnsafe(size + 11);
  // CMF/FLG 78 9c as deflateSync writes them; then BFINAL=1 BTYPE=00, LEN and its complement.
  out[0] = 0x78;
  out[1] = 0x9c;
  out[2] = 0x01;
  out[3] = size & 0xff;
  out[4] = size >>> 8;
  out[5] = ~size & 0xff;
  out[6] = (~size >>> 8) & 0xff;
  if (typeof data === 'string') out.write(data, 7, 'utf8');
  else data.copy(out, 7);
  out.writeUInt32BE(adler32(out, 7, size + 7), size + 7);
  return out;
}

/** zlib's checksum of bytes [from, to); at most STORED_LIMIT of them, so no overflow. */
function adler32(bytes: Buffer, from: number, to: number): number {
  let a = 1;
  let b = 0;
  // At most 256 bytes: the sums stay far below 2^53, one modulo at the end suffices.
  for (let i = from; i < to; i++) {
    a += bytes[i]!;
    b += a;
  }
  return (((b % 65521) << 16) | (a % 65521)) >>> 0;
}

/**
 * The bytes of a zlib stream that is one stored block of at most STORED_LIMIT bytes (what
 * compressData writes), checksum verified; undefined for anything else. A worker reads
 * every job's data: this spares it a zlib stream object per rqts-made job.
 */
function storedBlock(data: Buffer): Buffer | undefined {
  if (data.length < 11 || data[0] !== 0x78 || data[1] !== 0x9c || data[2] !== 0x01) return undefined;
  const size = data[3]! | (data[4]! << 8);
  if (size > STORED_LIMIT || data.length !== size + 11 || (data[5]! | (data[6]! << 8)) !== (~size & 0xffff))
    return undefined;
  return data.readUInt32BE(size + 7) === adler32(data, 7, size + 7) ? data.subarray(7, size + 7) : undefined;
}

const INFLATE_CHUNK = 1024;

/** RQ reads zlib first and falls back to the raw bytes, so uncompressed producers work. */
export function decompress(data: Buffer): Buffer {
  const stored = storedBlock(data);
  if (stored) return stored;
  try {
    // zlib's default 16 KiB output chunk per call was most of what a worker allocated per
    // job; a job's payload is usually far smaller, and a larger one just takes more chunks.
    return inflateSync(data, { chunkSize: INFLATE_CHUNK });
  } catch {
    return data;
  }
}

/** Pickle protocol 2+ streams start with the PROTO opcode 0x80. */
export function looksLikePickle(data: Buffer): boolean {
  return data.length > 1 && data[0] === 0x80 && data[1] !== undefined && data[1] >= 2 && data[1] <= 5;
}
