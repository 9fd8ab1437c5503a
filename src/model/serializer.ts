import { deflateSync, inflateSync } from 'node:zlib';
import { pythonJsonDumps, pythonJsonLoads } from './python-text.js';
import { RqtsError } from '../errors.js';
import { loadExport } from './load-export.js';
import { readStoredZlib, STORED_LIMIT, writeStoredZlib } from './stored-zlib.js';
import { trickOn } from '../tricks.js';

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

const STORED_ZLIB = trickOn('stored-zlib');
// zlib's default 16 KiB output chunk per call was most of what a worker allocated per job; a
// job's payload is usually far smaller, and a larger one just takes more chunks.
const INFLATE_OPTIONS = trickOn('small-inflate-chunk') ? { chunkSize: 1024 } : {};

/**
 * The job's `data` field: zlib, a stored block for small payloads (stored-zlib.ts), deflated
 * for larger ones. Node's deflate already differs byte-wise from Python's zlib.compress on
 * most payloads (its zlib is Chromium's), so only the stream format and the `78 9c` header
 * are shared, as before.
 */
export function compressData(data: Buffer | string): Buffer {
  if (!STORED_ZLIB) return deflateSync(toBuffer(data));
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  return size > STORED_LIMIT ? deflateSync(toBuffer(data)) : writeStoredZlib(data);
}

/** RQ reads zlib first and falls back to the raw bytes, so uncompressed producers work. */
export function decompress(data: Buffer): Buffer {
  const stored = STORED_ZLIB ? readStoredZlib(data) : undefined;
  if (stored) return stored;
  try {
    return inflateSync(data, INFLATE_OPTIONS);
  } catch {
    return data;
  }
}

/** Pickle protocol 2+ streams start with the PROTO opcode 0x80. */
export function looksLikePickle(data: Buffer): boolean {
  return data.length > 1 && data[0] === 0x80 && data[1] !== undefined && data[1] >= 2 && data[1] <= 5;
}
