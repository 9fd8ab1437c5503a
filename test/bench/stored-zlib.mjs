// The stored zlib block against zlib, per call (src/model/stored-zlib.ts cites these figures):
// `node test/bench/stored-zlib.mjs` after `npm run build`. Writing and reading a job's payload
// (the bench's no-op call, 34 bytes, and one of 200 bytes) as a stored block, and with
// deflateSync / inflateSync as compressData and decompress do with the trick switched off.
// Each case runs 7 rounds; the minimum and median ns per call are printed (the minimum is the
// figure least disturbed by a shared machine).
import { deflateSync, inflateSync } from 'node:zlib';
import { readStoredZlib, writeStoredZlib } from '../../dist/model/stored-zlib.js';

const ROUNDS = 7;
const PAYLOADS = {
  '34 bytes': '["bench_tasks.noop", null, [], {}]',
  '200 bytes': `["tasks.mail", null, ["${'x'.repeat(170)}"], {}]`,
};

function nsPerCall(fn, calls) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fn();
  return Number(process.hrtime.bigint() - started) / calls;
}

for (const [size, text] of Object.entries(PAYLOADS)) {
  const bytes = Buffer.from(text);
  const stored = writeStoredZlib(bytes);
  const deflated = deflateSync(bytes);
  const cases = {
    'write: stored block': [() => writeStoredZlib(text), 200_000],
    'write: deflateSync': [() => deflateSync(bytes), 20_000],
    'read: stored block': [() => readStoredZlib(stored), 200_000],
    'read: inflateSync (1 KiB chunks)': [() => inflateSync(deflated, { chunkSize: 1024 }), 20_000],
  };
  const results = {};
  for (let round = 0; round < ROUNDS; round++)
    for (const [name, [fn, calls]] of Object.entries(cases))
      (results[name] ??= []).push(nsPerCall(fn, calls));
  for (const [name, values] of Object.entries(results)) {
    values.sort((a, b) => a - b);
    console.log(
      `${size}, ${name}: min ${Math.round(values[0])} ns, median ${Math.round(values[ROUNDS >> 1])} ns per call`,
    );
  }
}
