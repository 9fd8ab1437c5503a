import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

// The systems of the matrix: how to start one supervised unit of each (a worker process, or a
// pool that supervises its own members) and a burst worker that runs maintenance at the end.
// Every worker gets the same short liveness settings so a dead one is noticed within a cell.

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'bin/rqts.js');
const TASKS = path.join(ROOT, 'test/faults');
const PYTHON = '/usr/bin/python3';

// worker-ttl 20 (a busy worker's key lives 62 s, Python's BLPOP waits 5 s), heartbeats every
// 2 s, and maintenance every 10 s where the system has the flag (RQ 1.13 does not: 600 s).
const LIVENESS = ['--worker-ttl', '20', '--job-monitoring-interval', '2'];
const MAINTENANCE = ['--maintenance-interval', '10'];

function rqts(id, label, { workerClass, pool = false } = {}) {
  const classArgs = workerClass ? ['-w', workerClass] : [];
  const common = (url) => ['-u', url, '-P', TASKS, ...LIVENESS, ...MAINTENANCE, ...classArgs];
  return {
    id,
    label,
    kind: 'rqts',
    horse: workerClass !== 'SimpleWorker',
    pool,
    /** Two workers per cell: one takes the fault, the other keeps working and cleaning up. */
    units: (url, queues) =>
      pool
        ? [{ command: process.execPath, args: [BIN, 'worker-pool', '-n', '2', ...common(url), ...queues] }]
        : [0, 1].map(() => ({ command: process.execPath, args: [BIN, 'worker', ...common(url), ...queues] })),
    burst: (url, queues) => ({
      command: process.execPath,
      args: [BIN, 'worker', '--burst', ...common(url), ...queues],
    }),
    env: { NO_COLOR: '1' },
  };
}

function python(version, pythonPath) {
  const major = Number(version.split('.')[0]);
  const hasMaintenanceFlag = major >= 2 || version.startsWith('1.16');
  const common = (url) => [
    ...['-m', 'rq.cli', 'worker', '-u', url, '-P', TASKS, '-S', 'rq.serializers.JSONSerializer'],
    ...LIVENESS,
    ...(hasMaintenanceFlag ? MAINTENANCE : []),
  ];
  return {
    id: `rq-${version.split('.').slice(0, 2).join('.')}`,
    label: `RQ ${version}`,
    kind: 'python',
    horse: true,
    pool: false,
    units: (url, queues) => [0, 1].map(() => ({ command: PYTHON, args: [...common(url), ...queues] })),
    burst: (url, queues) => ({ command: PYTHON, args: [...common(url), '--burst', ...queues] }),
    env: { PYTHONPATH: pythonPath },
  };
}

function importedVersion(pythonPath) {
  const run = spawnSync(PYTHON, ['-c', 'import rq; print(rq.__version__)'], {
    env: { ...process.env, PYTHONPATH: pythonPath },
    encoding: 'utf8',
  });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** RQTS_PEERS_DIR, else the first shared/peers beside the project or a parent (as test/helpers/peers.ts). */
function peersDir() {
  if (process.env.RQTS_PEERS_DIR) return process.env.RQTS_PEERS_DIR;
  for (let dir = path.dirname(ROOT); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'peers');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** rqts's three systems, then every Python RQ that imports: Debian's, then each peer folder. */
export function discoverSystems() {
  const systems = [
    rqts('rqts-worker', 'rqts worker'),
    rqts('rqts-simple', 'rqts SimpleWorker', { workerClass: 'SimpleWorker' }),
    rqts('rqts-pool', 'rqts worker-pool', { pool: true }),
  ];
  const skipped = [];
  const debian = importedVersion('');
  if (debian) systems.push(python(debian, ''));
  else skipped.push('Debian python3-rq (not installed)');
  const dir = peersDir();
  for (const folder of dir
    ? readdirSync(dir)
        .filter((name) => /^rq-\d/.test(name))
        .sort()
    : []) {
    const pythonPath = path.join(dir, folder);
    const version = importedVersion(pythonPath);
    if (version) systems.push(python(version, pythonPath));
    else skipped.push(`${folder} (does not import; see ${dir}/README.md)`);
  }
  return { systems, skipped };
}
