import path from 'node:path';
import { fileURLToPath } from 'node:url';

// What a launched worker runs, as a command line: the launch dialog's choices (kind, path,
// serializer, burst, pool) turned into `rqts worker` or Python RQ's `rq worker`.

/** The package root, from dist/console/data or src/console/data alike. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** What a launched worker runs: an rqts worker, or a Python RQ one (`python -m rq.cli worker`). */
export type WorkerKind = 'rqts' | 'python';

/** The serializer launched workers get unless told otherwise: the one both sides read. */
export const DEFAULT_SERIALIZER = 'rq.serializers.JSONSerializer';

/** rqts's own names for the JSON serializer (Python RQ knows only its dotted one). */
export const JSON_SHORT_NAMES: ReadonlySet<string> = new Set([
  'json',
  'JSONSerializer',
  'rqts.JSONSerializer',
]);

export interface LaunchSpec {
  queues: string[];
  count: number;
  burst: boolean;
  /** Launch one `rqts worker-pool` of `count` workers under this name, not `count` workers. */
  pool?: string;
  /** rqts unless told otherwise. */
  kind?: WorkerKind;
  /** Import roots (`--path`); the console's own `-P` when not given. */
  paths?: readonly string[];
  /** `--serializer` / `-S`; the console's own when not given. */
  serializer?: string;
}

export interface WorkerInvocation {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** `poolSize` set: start a pool of that many workers named after `name`, not one worker. */
export type WorkerCommandBuilder = (spec: {
  name: string;
  queues: string[];
  burst: boolean;
  url: string;
  poolSize?: number;
  kind: WorkerKind;
  paths: readonly string[];
  serializer: string;
  /** The interpreter that imports rq, for a Python worker. */
  python?: string;
}) => WorkerInvocation;

/**
 * `rqts worker QUEUES… --url URL --name NAME [--burst] [--path DIR…] --serializer S` with this
 * very Node, or `rqts worker-pool QUEUES… -n N …` when asked for a pool; for a Python worker
 * `PYTHON -m rq.cli worker QUEUES… --url URL --name NAME -S S [--path DIR…] [--burst]`.
 */
export const workerCommand: WorkerCommandBuilder = (spec) => {
  const { name, queues, burst, url, poolSize, paths, serializer } = spec;
  const common = [
    '--url',
    url,
    '--name',
    name,
    ...(burst ? ['--burst'] : []),
    ...paths.flatMap((p) => ['--path', p]),
  ];
  if (spec.kind === 'python')
    return {
      command: spec.python ?? 'python3',
      args: ['-m', 'rq.cli', 'worker', ...queues, ...common, '-S', serializer],
      // Its log lines reach the Logs screen as they are written, not in 8 KiB blocks.
      env: { PYTHONUNBUFFERED: '1' },
    };
  return {
    command: process.execPath,
    args: [
      path.join(PACKAGE_ROOT, 'bin', 'rqts.js'),
      ...(poolSize === undefined
        ? ['worker', ...queues]
        : ['worker-pool', ...queues, '-n', String(poolSize)]),
      ...common,
      '--serializer',
      serializer,
    ],
  };
};
