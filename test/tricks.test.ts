import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseTricksOff, TRICKS } from '../src/tricks.js';

describe('RQTS_TRICKS_OFF', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
    vi.restoreAllMocks();
  });

  it('names tricks by comma, `all` for every one, and reports names that are no trick', () => {
    expect(parseTricksOff(undefined)).toEqual({ off: new Set(), unknown: [] });
    expect(parseTricksOff(' stored-zlib , parse-memo,,')).toEqual({
      off: new Set(['stored-zlib', 'parse-memo']),
      unknown: [],
    });
    expect(parseTricksOff('all').off).toEqual(new Set(TRICKS));
    expect(parseTricksOff('stored-zlib,storedzlib').unknown).toEqual(['storedzlib']);
  });

  it('switches the stored zlib block off in a process that loads rqts with it set', async () => {
    const on = await import('../src/model/serializer.js');
    const stored = on.compressData('["f", null, [], {}]');
    expect(stored[2]).toBe(0x01);
    vi.resetModules();
    vi.stubEnv('RQTS_TRICKS_OFF', 'stored-zlib,small-inflate-chunk');
    const off = await import('../src/model/serializer.js');
    const deflated = off.compressData('["f", null, [], {}]');
    expect(deflated.subarray(0, 2).toString('hex')).toBe('789c');
    expect(deflated[2]).not.toBe(0x01);
    // What was written with the trick on stays readable with it off (zlib reads it).
    expect(off.decompress(stored).toString()).toBe('["f", null, [], {}]');
    expect(on.decompress(deflated).toString()).toBe('["f", null, [], {}]');
  });

  it('says in one line on stderr which names are no trick', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.stubEnv('RQTS_TRICKS_OFF', 'parse-memo,bogus');
    const tricks = await import('../src/tricks.js');
    expect(write).toHaveBeenCalledTimes(1);
    expect(String(write.mock.calls[0]![0])).toMatch(
      /^rqts: RQTS_TRICKS_OFF names no trick bogus; known: stored-zlib, .*, all\n$/,
    );
    expect(tricks.trickOn('parse-memo')).toBe(false);
    expect(tricks.trickOn('stored-zlib')).toBe(true);
  });
});
