import { deflateSync } from 'node:zlib';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Job } from '../../src/model/job.js';
import { pythonJsonDumps } from '../../src/model/python-text.js';
import {
  compress,
  compressData,
  decompress,
  JSONSerializer,
  looksLikePickle,
  resolveSerializer,
} from '../../src/model/serializer.js';
import { pythonRqAvailable, runPython } from '../helpers/python.js';

// Values are handed to Python as JSON text, so "the same value" means what json.loads
// makes of it: integral numbers become ints, the rest floats, as our serializer assumes.
const SAMPLES: unknown[] = [
  'plain',
  'Zoë déjà vu – 中文 😀',
  'quotes " and \' and \\ backslash / slash',
  'controls \u0000 \u0001 \b \f \n \r \t \u001f del\u007f nbsp\u00a0 ls\u2028 ps\u2029 bom\ufeff',
  'lone \ud800 surrogate',
  0,
  -17,
  2 ** 53 - 1,
  0.1,
  -0.5,
  123456.789,
  1e-4,
  1e-5,
  1.5e-7,
  2.5e-300,
  true,
  false,
  null,
  [],
  {},
  [1, [2, [3, { deep: ['x', { deeper: null }] }]]],
  { b: 1, a: 2, ключ: 'значение', nested: { list: [1.25, 'é'], empty: {} } },
  ['tasks.greet', null, ['Frank', 3, 4.5], { punctuation: '!', times: 2, naïve: ['ü'] }],
];

describe('JSONSerializer', () => {
  it('round-trips what it writes', () => {
    for (const value of SAMPLES)
      expect(JSONSerializer.loads(Buffer.from(JSONSerializer.dumps(value)))).toEqual(value);
  });

  it("reads Python's NaN and Infinity literals, and refuses garbage", () => {
    const value = JSONSerializer.loads(
      Buffer.from('[NaN, Infinity, -Infinity, "NaN in a string", {"k": -Infinity}]'),
    ) as unknown[];
    expect(value[0]).toBeNaN();
    expect(value.slice(1)).toEqual([Infinity, -Infinity, 'NaN in a string', { k: -Infinity }]);
    expect(() => JSONSerializer.loads(Buffer.from('{not json'))).toThrow();
    expect(() => JSONSerializer.loads(Buffer.from('NaNx'))).toThrow();
  });

  it('writes big integral numbers as Python ints, not in exponent form', () => {
    expect(pythonJsonDumps(1e21)).toBe('1000000000000000000000');
    expect(
      pythonJsonDumps(
        new Map<string, unknown>([
          ['2', 'b'],
          ['1', 'a'],
        ]),
      ),
    ).toBe('{"2": "b", "1": "a"}');
  });

  it('detects pickle without decoding it, and reads uncompressed data', () => {
    expect(looksLikePickle(Buffer.from([0x80, 0x05, 0x95]))).toBe(true);
    expect(looksLikePickle(Buffer.from([0x80, 0x02]))).toBe(true);
    expect(looksLikePickle(Buffer.from('["f", null, [], {}]'))).toBe(false);
    expect(decompress(Buffer.from('["f", null, [], {}]')).toString()).toBe('["f", null, [], {}]');
    expect(decompress(compress('abc')).toString()).toBe('abc');
    expect(compress('x').subarray(0, 2).toString('hex')).toBe('789c');
  });

  it('writes job data as zlib: small payloads stored, larger ones deflated', () => {
    for (const text of ['', 'x', 'é'.repeat(128), 'a'.repeat(256), 'a'.repeat(257), '😀'.repeat(100)]) {
      const packed = compressData(text);
      expect(packed.subarray(0, 2).toString('hex')).toBe('789c');
      expect(decompress(packed).toString()).toBe(text);
      expect(compressData(Buffer.from(text)).equals(packed)).toBe(true);
      // BFINAL with BTYPE 00: one stored block, for payloads up to 256 bytes only.
      expect(packed[2] === 0x01, `${Buffer.byteLength(text)} bytes`).toBe(Buffer.byteLength(text) <= 256);
    }
  });

  it('reads a stored block itself only when its checksum holds; other streams go to zlib', () => {
    const packed = compressData('hello');
    const damaged = Buffer.from(packed);
    damaged[8] = damaged[8]! ^ 1;
    // Not trusted, and not valid zlib either: RQ's rule gives back the raw bytes.
    expect(decompress(damaged).equals(damaged)).toBe(true);
    expect(decompress(deflateSync('hello', { level: 0 })).toString()).toBe('hello');
    expect(decompress(deflateSync('hello'.repeat(100))).toString()).toBe('hello'.repeat(100));
  });
});

describe('serializers by name', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rqts-ser-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('maps RQ names for JSON to ours and refuses pickle with one line', async () => {
    expect(await resolveSerializer(undefined)).toBe(JSONSerializer);
    expect(await resolveSerializer('rq.serializers.JSONSerializer')).toBe(JSONSerializer);
    await expect(resolveSerializer('rq.serializers.DefaultSerializer')).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringMatching(/pickle/),
    });
  });

  it('loads a custom serializer by dotted path and uses it for data and meta', async () => {
    writeFileSync(
      path.join(dir, 'codecs.mjs'),
      `export const upper = { dumps: (v) => 'U' + JSON.stringify(v), loads: (b) => JSON.parse(b.toString().slice(1)) };
export const broken = { dumps: 1 };`,
    );
    const serializer = await resolveSerializer('codecs.upper', [dir]);
    const job = Job.create(
      { funcName: 'tasks.add', args: [1, 2], kwargs: {} },
      { origin: 'q', meta: { m: 1 } },
      serializer,
    );
    const hash = job.toHash();
    expect(decompress(hash.data as Buffer).toString()).toBe('U["tasks.add",null,[1,2],{}]');
    expect(hash.meta?.toString()).toBe('U{"m":1}');
    const back = Job.fromHash(
      job.id,
      Object.fromEntries(Object.entries(hash).map(([k, v]) => [k, Buffer.from(v)])),
      serializer,
    );
    expect(back.getCall()).toEqual({ funcName: 'tasks.add', args: [1, 2], kwargs: {} });
    expect(back.meta).toEqual({ m: 1 });
    await expect(resolveSerializer('codecs.broken', [dir])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(resolveSerializer('codecs.missing', [dir])).rejects.toMatchObject({
      code: 'UNKNOWN_FUNCTION',
    });
  });
});

describe.skipIf(!pythonRqAvailable())("JSONSerializer against Python's json.dumps", () => {
  it('writes the same bytes as json.dumps for every sample', async () => {
    const py = await runPython(
      `
import json, base64
values = json.loads(${JSON.stringify(JSON.stringify(SAMPLES))})
print(json.dumps([base64.b64encode(json.dumps(v).encode('utf-8')).decode() for v in values]))
`,
    );
    expect(py.code, py.stderr).toBe(0);
    const theirs = (JSON.parse(py.stdout) as string[]).map((b64) =>
      Buffer.from(b64, 'base64').toString('utf8'),
    );
    const ours = SAMPLES.map((value) => Buffer.from(JSONSerializer.dumps(value)).toString('utf8'));
    expect(ours).toEqual(theirs);
  });

  it("writes job data Python decompresses to json.dumps((func, None, args, kwargs)), and reads Python's", async () => {
    const args = ['Zoë', 3, 0.25, { k: ['v'] }];
    const kwargs = { z: 1e-7, a: 'ü', nested: { x: [null, true] } };
    const job = Job.create({ funcName: 'tasks.greet', args, kwargs }, { origin: 'q' });
    const data = (job.toHash().data as Buffer).toString('base64');
    const py = await runPython(
      `
import json, zlib, base64, pickle
from rq.serializers import JSONSerializer
ours = zlib.decompress(base64.b64decode(${JSON.stringify(data)}))
args = json.loads(${JSON.stringify(JSON.stringify(args))}); kwargs = json.loads(${JSON.stringify(JSON.stringify(kwargs))})
expected = JSONSerializer.dumps(('tasks.greet', None, args, kwargs))
print(json.dumps({'equal': ours == expected, 'ours': ours.decode(), 'theirs': base64.b64encode(zlib.compress(expected)).decode(),
  'loaded': JSONSerializer.loads(ours),
  'pickled': base64.b64encode(zlib.compress(pickle.dumps(('operator.add', None, (1, 2), {}), protocol=5))).decode(),
  'pickled2': base64.b64encode(zlib.compress(pickle.dumps(('operator.add', None, (1, 2), {}), protocol=2))).decode()}))
`,
    );
    expect(py.code, py.stderr).toBe(0);
    const out = JSON.parse(py.stdout) as {
      equal: boolean;
      ours: string;
      theirs: string;
      loaded: unknown;
      pickled: string;
      pickled2: string;
    };
    expect(out.ours).toBe(decompress(Buffer.from(data, 'base64')).toString());
    expect(out.equal).toBe(true);
    expect(out.loaded).toEqual(['tasks.greet', null, args, kwargs]);
    const theirs = Job.fromHash('py', { data: Buffer.from(out.theirs, 'base64'), origin: Buffer.from('q') });
    expect(theirs.getCall()).toEqual({ funcName: 'tasks.greet', args, kwargs });
    for (const pickled of [out.pickled, out.pickled2]) {
      const job = Job.fromHash('pk', {
        data: Buffer.from(pickled, 'base64'),
        origin: Buffer.from('q'),
        description: Buffer.from('operator.add(1, 2)'),
      });
      expect(job.isPickled).toBe(true);
      expect(job.description).toBe('operator.add(1, 2)');
      expect(job.funcName).toBeUndefined();
      expect(() => job.getCall()).toThrow(/pickle is not supported, use the JSON serializer/);
    }
  });

  it('writes job data zlib.decompress reads, stored or deflated', async () => {
    const texts = [
      '',
      '["tasks.f", null, [], {}]',
      'ü'.repeat(128),
      `["tasks.f", null, ["${'x'.repeat(300)}"], {}]`,
    ];
    const py = await runPython(
      `
import json, zlib, base64
print(json.dumps([zlib.decompress(base64.b64decode(b)).decode() for b in json.loads(${JSON.stringify(JSON.stringify(texts.map((t) => compressData(t).toString('base64'))))})]))
`,
    );
    expect(py.code, py.stderr).toBe(0);
    expect(JSON.parse(py.stdout)).toEqual(texts);
  });
});
