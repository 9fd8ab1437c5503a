// A zlib stream holding one stored (uncompressed) deflate block, written and read without
// zlib. Why: deflateSync builds a zlib stream object and a ~256 KiB deflate state per call,
// and a small payload gains nothing from deflate (a 34-byte call compresses to 42 bytes).
// Measured with test/bench/stored-zlib.mjs (2026-12-02, the 2-core VM shared by 8 agents, load
// average ~25; minimum of 7 rounds): a 34-byte job payload is written in 2.8 µs instead of
// deflateSync's 187 µs and read in 1.4 µs instead of inflateSync's 37 µs; at 200 bytes 7.2 vs
// 206 µs and 5.1 vs 64 µs. In `npm run bench:tricks` the producer's and the worker's CPU per
// job show what that is worth per job (docs/performance.md).
// Switch off: RQTS_TRICKS_OFF=stored-zlib (then deflateSync/inflateSync do all the work).
// Remove: delete this module and its two calls in serializer.ts; the data stays readable,
// since what it writes is an ordinary zlib stream that zlib.decompress and inflateSync read.

/** The largest payload written as a stored block: LEN is 16 bits, and larger ones deflate well. */
export const STORED_LIMIT = 256;

/** zlib's header (CMF/FLG as deflateSync writes them), then BFINAL=1 BTYPE=00. */
const HEAD = [0x78, 0x9c, 0x01];
const FRAME = 11; // header 3, LEN and NLEN 4, Adler-32 4

/** The zlib stream of `data` (at most STORED_LIMIT bytes) as one stored block. */
export function writeStoredZlib(data: Buffer | string): Buffer {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (size > STORED_LIMIT) throw new RangeError(`stored zlib block of ${size} bytes (limit ${STORED_LIMIT})`);
  const out = Buffer.allocUnsafe(size + FRAME);
  out[0] = HEAD[0]!;
  out[1] = HEAD[1]!;
  out[2] = HEAD[2]!;
  out[3] = size & 0xff;
  out[4] = size >>> 8;
  out[5] = ~size & 0xff;
  out[6] = (~size >>> 8) & 0xff;
  if (typeof data === 'string') out.write(data, 7, 'utf8');
  else data.copy(out, 7);
  out.writeUInt32BE(adler32(out, 7, size + 7), size + 7);
  return out;
}

/**
 * The payload of a zlib stream that is one stored block of at most STORED_LIMIT bytes (what
 * writeStoredZlib makes), checksum verified; undefined for any other stream, for zlib to read.
 */
export function readStoredZlib(data: Buffer): Buffer | undefined {
  if (data.length < FRAME || data[0] !== HEAD[0] || data[1] !== HEAD[1] || data[2] !== HEAD[2])
    return undefined;
  const size = data[3]! | (data[4]! << 8);
  if (
    size > STORED_LIMIT ||
    data.length !== size + FRAME ||
    (data[5]! | (data[6]! << 8)) !== (~size & 0xffff)
  )
    return undefined;
  return data.readUInt32BE(size + 7) === adler32(data, 7, size + 7) ? data.subarray(7, size + 7) : undefined;
}

/** zlib's Adler-32 of bytes [from, to), for at most STORED_LIMIT of them. */
export function adler32(bytes: Buffer, from = 0, to = bytes.length): number {
  if (to - from > STORED_LIMIT) throw new RangeError(`adler32 here sums at most ${STORED_LIMIT} bytes`);
  let a = 1;
  let b = 0;
  // With at most 256 bytes the sums stay far below 2^53: one modulo at the end suffices.
  for (let i = from; i < to; i++) {
    a += bytes[i]!;
    b += a;
  }
  return (((b % 65521) << 16) | (a % 65521)) >>> 0;
}
