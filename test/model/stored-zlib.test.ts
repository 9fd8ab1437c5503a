import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32, readStoredZlib, STORED_LIMIT, writeStoredZlib } from '../../src/model/stored-zlib.js';

// zlib itself is the oracle: every zlib stream ends with the Adler-32 of its payload, and
// inflateSync must read what writeStoredZlib writes.
const zlibAdler = (bytes: Buffer): number => {
  const stream = deflateSync(bytes);
  return stream.readUInt32BE(stream.length - 4);
};

const PAYLOADS = [
  Buffer.alloc(0),
  Buffer.from('x'),
  Buffer.from('["bench_tasks.noop", null, [], {}]'),
  Buffer.from('ü'.repeat(128)),
  Buffer.alloc(STORED_LIMIT, 0xff),
  Buffer.from(Array.from({ length: STORED_LIMIT }, (_, i) => (i * 37) & 0xff)),
];

describe('stored zlib block', () => {
  it("computes zlib's Adler-32, also over a slice", () => {
    for (const payload of PAYLOADS)
      expect(adler32(payload), `${payload.length} bytes`).toBe(zlibAdler(payload));
    const framed = Buffer.concat([Buffer.from('head'), PAYLOADS[2]!, Buffer.from('tail')]);
    expect(adler32(framed, 4, 4 + PAYLOADS[2]!.length)).toBe(zlibAdler(PAYLOADS[2]!));
    expect(() => adler32(Buffer.alloc(STORED_LIMIT + 1))).toThrow(RangeError);
  });

  it('writes a zlib stream that zlib reads, and reads it back itself', () => {
    for (const payload of PAYLOADS) {
      const stream = writeStoredZlib(payload);
      expect(stream.subarray(0, 3).toString('hex')).toBe('789c01');
      expect(inflateSync(stream).equals(payload)).toBe(true);
      expect(readStoredZlib(stream)?.equals(payload)).toBe(true);
    }
    expect(writeStoredZlib('Zoë 😀').equals(writeStoredZlib(Buffer.from('Zoë 😀')))).toBe(true);
    expect(() => writeStoredZlib(Buffer.alloc(STORED_LIMIT + 1))).toThrow(RangeError);
  });

  it('leaves every other stream to zlib: deflated, level 0 from zlib, damaged, truncated, too long', () => {
    const stream = writeStoredZlib('hello');
    const damaged = Buffer.from(stream);
    damaged[8] = damaged[8]! ^ 1;
    const badLength = Buffer.from(stream);
    badLength[5] = badLength[5]! ^ 1;
    for (const other of [
      deflateSync('hello'),
      // zlib's own stored block (level 0) has header 78 01: still zlib's to read.
      deflateSync('hello', { level: 0 }),
      damaged,
      badLength,
      stream.subarray(0, stream.length - 1),
      Buffer.concat([stream, Buffer.from([0])]),
      Buffer.from('hello'),
    ])
      expect(readStoredZlib(other), other.toString('hex')).toBeUndefined();
  });
});
