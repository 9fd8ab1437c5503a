// `npm run faults`: the fault matrix of issue 12. Every system (rqts worker, SimpleWorker and
// worker-pool, Python RQ 1.13 and each peer under ../shared/peers) runs every scenario on a
// private redis-server, with jobs that count their runs on a second redis-server no fault
// touches; then every job id is accounted for. Prints one grid (README) and one row per cell
// (docs/reliability.md). Not part of `npm test`: it takes minutes and its figures are
// statistics, not assertions. Run after `npm run build` (the script does it).
//
//   node test/faults/run.mjs [--jobs N] [--only ID,ID…] [--parallel N] [--log FILE] [--list]
//
// --only takes system ids and scenario ids (see --list), either or both; env FAULTS_JOBS,
// FAULTS_ONLY, FAULTS_PARALLEL give the defaults. Worker output goes to --log (default a file
// in the temp directory, named at the end).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { killAll } from '../bench/lib/processes.mjs';
import { runCell } from './lib/cell.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';
import { startRedis } from './lib/servers.mjs';
import { discoverSystems } from './lib/systems.mjs';
import { details, grid, LEGEND } from './lib/table.mjs';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: process.env.FAULTS_JOBS ?? '40' },
    only: { type: 'string', default: process.env.FAULTS_ONLY ?? '' },
    parallel: { type: 'string', default: process.env.FAULTS_PARALLEL ?? '4' },
    log: { type: 'string', default: path.join(os.tmpdir(), `rqts-faults-${Date.now()}.log`) },
    list: { type: 'boolean', default: false },
  },
});
const jobs = Number(values.jobs);
const parallel = Number(values.parallel);
if (!Number.isInteger(jobs) || jobs < 12 || !Number.isInteger(parallel) || parallel < 1) {
  console.error('--jobs must be a whole number of at least 12, --parallel at least 1');
  process.exit(1);
}

const { systems: allSystems, skipped } = discoverSystems();
if (values.list) {
  console.log(`systems:   ${allSystems.map((s) => s.id).join(', ')}`);
  console.log(`scenarios: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  process.exit(0);
}
const only = values.only.split(',').filter(Boolean);
const known = new Set([...allSystems.map((s) => s.id), ...SCENARIOS.map((s) => s.id)]);
const unknown = only.filter((id) => !known.has(id));
if (unknown.length > 0) {
  console.error(`--only: unknown id(s) ${unknown.join(', ')}; --list shows them`);
  process.exit(1);
}
const pick = (list) =>
  list.some((x) => only.includes(x.id)) ? list.filter((x) => only.includes(x.id)) : list;
const systems = pick(allSystems);
const scenarios = pick(SCENARIOS);

process.on('SIGINT', () => {
  killAll();
  process.exit(130);
});

const redisVersion = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\S+)/)?.[1];
const header = [
  `rqts fault matrix, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, git ${gitHead()}`,
  `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, load ${os.loadavg()[0].toFixed(2)}; Node ${process.version}, redis-server ${redisVersion}`,
  `${jobs} jobs per cell (1 in 5 takes 2 s, the rest 150 ms), 2 workers per cell, ${parallel} cells at a time`,
  ...(skipped.length > 0 ? [`skipped: ${skipped.join('; ')}`] : []),
];
console.log(header.join('\n'));

function gitHead() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

// Long cells (a minute of waiting for abandonment) first, so the short ones fill the gaps.
const LONG = new Set(['sigstop', 'kill-worker', 'kill-worker-r1', 'cold-term']);
const cells = scenarios
  .flatMap((scenario) => systems.map((system) => ({ system, scenario })))
  .sort((a, b) => Number(LONG.has(b.scenario.id)) - Number(LONG.has(a.scenario.id)));

const recorderServer = await startRedis();
const recorder = { url: recorderServer.url, client: recorderServer.observer };
const results = new Map();
const began = Date.now();
let next = 0;
async function lane() {
  while (next < cells.length) {
    const index = next++;
    const { system, scenario } = cells[index];
    const key = `${system.id}/${scenario.id}`;
    if (scenario.applies && !scenario.applies(system)) {
      results.set(key, { na: true });
      continue;
    }
    try {
      results.set(
        key,
        await runCell({ system, scenario, jobs, recorder, cell: `c${index}`, logFile: values.log }),
      );
    } catch (error) {
      results.set(key, { error: String(error?.message ?? error).split('\n')[0] });
    }
    const r = results.get(key);
    const elapsed = Math.round((Date.now() - began) / 1000);
    console.error(`[${elapsed}s] ${key}: ${r.error ? `ERROR ${r.error}` : `${r.seconds}s ${r.note}`}`);
  }
}
await Promise.all(Array.from({ length: Math.min(parallel, cells.length) }, lane));
await recorderServer.stop();

console.log(`\n${grid(systems, scenarios, results)}\n\n${LEGEND}\n`);
console.log(details(systems, scenarios, results));
const samples = [...results.entries()].filter(
  ([, r]) => r.exitSamples?.length || Object.keys(r.examples ?? {}).length,
);
console.log('\nfailure texts and unexpected exits, first of each kind per cell:');
for (const [key, r] of samples) {
  for (const [letter, text] of Object.entries(r.examples ?? {})) console.log(`  ${key} f${letter}: ${text}`);
  for (const text of r.exitSamples ?? []) console.log(`  ${key} exit ${text.slice(0, 200)}`);
}
console.log(`\n${Math.round((Date.now() - began) / 1000)} s in all; worker output in ${values.log}`);
