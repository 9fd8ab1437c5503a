import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConsoleApp, type ExitOutcome } from '../../src/console/app.js';
import { ActionCenter } from '../../src/console/data/actions.js';
import {
  LocalWorkers,
  PACKAGE_ROOT,
  type WorkerCommandBuilder,
} from '../../src/console/data/local-workers.js';
import { createConsoleClient, Poller } from '../../src/console/data/poller.js';
import type { SlowThresholds } from '../../src/console/data/runtimes.js';
import { JobSearch } from '../../src/console/data/job-search.js';
import { checkQueuedFunctions } from '../../src/console/data/function-check.js';
import { maskPassword } from '../../src/redis/connection.js';
import { PYTHON, spawnPython } from '../helpers/python.js';
import { JSON_SERIALIZER, pythonWorkerArgs as workerArgs } from '../helpers/python-worker.js';
import { renderConsole, type Rendered } from './render.js';

export interface ConsoleUnderTest {
  r: Rendered;
  poller: Poller;
  actions: ActionCenter;
  local: LocalWorkers | undefined;
  exits: ExitOutcome[];
  close(): Promise<void>;
}

export function startConsole(
  url: string,
  options: {
    readOnly?: boolean;
    builder?: WorkerCommandBuilder;
    /** The console's own -P: the launch dialog's default --path. */
    paths?: string[];
    pythonCandidates?: string[];
    effectDeadlineMs?: number;
    columns?: number;
    rows?: number;
    intervalMs?: number;
    slow?: SlowThresholds;
    /** Jobs a bulk action moves per script call. */
    bulkChunk?: number;
  } = {},
): ConsoleUnderTest {
  const client = createConsoleClient(url);
  const poller = new Poller(client, { intervalMs: options.intervalMs ?? 250 });
  const local = options.readOnly
    ? undefined
    : new LocalWorkers({
        url,
        builder: options.builder,
        paths: options.paths,
        pythonCandidates: options.pythonCandidates,
      });
  const actions = new ActionCenter(client, {
    effectDeadlineMs: options.effectDeadlineMs ?? 10_000,
    isLaunched: (name) => local?.names().has(name) ?? false,
    signalLaunched: (name, signal) => local?.signal(name, signal) ?? false,
    onChanged: () => poller.refreshNow(),
    bulkChunk: options.bulkChunk,
  });
  const exits: ExitOutcome[] = [];
  poller.start();
  const r = renderConsole(
    <ConsoleApp
      poller={poller}
      actions={actions}
      search={new JobSearch(client)}
      local={local}
      display={maskPassword(url)}
      readOnly={options.readOnly ?? false}
      onExit={(o) => exits.push(o)}
      stopOptions={{ warmMs: 5000, coldMs: 3000 }}
      slow={options.slow}
      checkFunctions={(spec) => checkQueuedFunctions(client, spec)}
    />,
    { columns: options.columns ?? 180, rows: options.rows ?? 40 },
  );
  return {
    r,
    poller,
    actions,
    local,
    exits,
    async close() {
      r.unmount();
      poller.stop();
      await local?.stopAll({ warmMs: 3000, coldMs: 2000 });
      client.disconnect();
    },
  };
}

/** A temp dir holding tasks.py for Python RQ workers (and tasks.js for rqts ones). */
export function writeTaskModules(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rqts-console-tasks-'));
  writeFileSync(
    path.join(dir, 'tasks.py'),
    [
      'import time',
      'def hang():',
      '    while True:',
      '        time.sleep(60)',
      'def quick(n=1):',
      '    return n * 2',
      'def fail():',
      '    raise RuntimeError("boom")',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'tasks.js'),
    [
      `import { writeFileSync } from 'node:fs';`,
      `import { getCurrentJob } from '${pathToFileURL(path.join(PACKAGE_ROOT, 'dist', 'index.js')).href}';`,
      'export async function hang() { await new Promise(() => { setInterval(() => undefined, 60000); }); }',
      // Waits for its abort signal (a graceful stop), writes its marker and returns.
      'export function windUp(marker) {',
      '  const { signal } = getCurrentJob();',
      '  return new Promise((resolve) => {',
      '    const keepAlive = setInterval(() => undefined, 1000);',
      "    signal.addEventListener('abort', () => { writeFileSync(marker, 'wound up'); clearInterval(keepAlive); resolve('done'); });",
      '  });',
      '}',
      'export async function quick(n = 1) { return n * 2; }',
      'export async function fail() { throw new Error("boom"); }',
      '',
    ].join('\n'),
  );
  return dir;
}

export { JSON_SERIALIZER };

/** RQ's worker command line as the console tests give it: positional, with extra flags before the queues. */
export function pythonWorkerArgs(
  url: string,
  dir: string,
  name: string,
  queues: string[],
  extra: string[] = [],
): string[] {
  return [...workerArgs(url, { queues: [], path: dir, name }), ...extra, ...queues];
}

export function startPythonWorker(
  url: string,
  dir: string,
  name: string,
  queues: string[],
): ReturnType<typeof spawnPython> {
  return spawnPython(pythonWorkerArgs(url, dir, name, queues), {}, dir);
}

/** Launch builder for the console: Python RQ workers instead of rqts ones. */
export function pythonBuilder(dir: string): WorkerCommandBuilder {
  return ({ name, queues, burst, url }) => ({
    command: PYTHON,
    args: pythonWorkerArgs(url, dir, name, queues, burst ? ['--burst'] : []),
    cwd: dir,
  });
}
