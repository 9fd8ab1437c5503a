import type { ChildProcess } from 'node:child_process';
import type { Redis } from 'ioredis';
import { keys } from '../../src/redis/keys.js';
import { PYTHON, runProcess, spawnPython, type PythonResult } from './python.js';
import { adopt, OWNER_MARK } from './rqts-process.js';
import { waitFor } from './wait.js';

// A Python RQ worker (`python3 -m rq.cli worker`) as the interop tests run one: of the peer
// release the describe block chose (test/helpers/peers.ts), or of the one whose environment
// (PYTHONPATH) a test passes in `env`. Started ones are killSpawned's to end, so a failed
// assertion never leaves a Python worker behind.

export const JSON_SERIALIZER = 'rq.serializers.JSONSerializer';

export interface PythonWorkerOptions {
  queues: string[];
  /** `--path`: where the worker imports job functions from. */
  path?: string;
  /** `--name`; a named worker is ready once its hash says idle. */
  name?: string;
  burst?: boolean;
  withScheduler?: boolean;
  /** `-S`: JSON unless given. */
  serializer?: string;
}

export function pythonWorkerArgs(url: string, options: PythonWorkerOptions): string[] {
  return [
    '-m',
    'rq.cli',
    'worker',
    '--url',
    url,
    '-S',
    options.serializer ?? JSON_SERIALIZER,
    ...(options.path ? ['--path', options.path] : []),
    ...(options.name ? ['--name', options.name] : []),
    ...(options.burst ? ['--burst'] : []),
    ...(options.withScheduler ? ['--with-scheduler'] : []),
    ...options.queues,
  ];
}

/** Runs a burst Python worker until it has emptied its queues. */
export function runPythonWorker(
  url: string,
  options: PythonWorkerOptions,
  env: Record<string, string> = {},
): Promise<PythonResult> {
  return runProcess(PYTHON, pythonWorkerArgs(url, { ...options, burst: true }), env);
}

export interface PythonWorker {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the worker ends. */
  exited: Promise<number | string>;
  /**
   * Waits until the worker is registered: its hash idle when it is named, else a member of
   * its first queue's worker set.
   */
  ready(client: Redis, timeoutMs?: number): Promise<void>;
  /** Warm shutdown (SIGTERM) and its exit; nothing when it has ended already. */
  stop(): Promise<void>;
}

/** Starts a long-running Python worker. */
export function startPythonWorker(
  url: string,
  options: PythonWorkerOptions,
  env: Record<string, string> = {},
  cwd?: string,
): PythonWorker {
  const child = spawnPython(pythonWorkerArgs(url, options), { ...env, ...OWNER_MARK }, cwd);
  adopt(child);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    child,
    output: child.output,
    exited,
    async ready(client, timeoutMs = 30_000) {
      const { name, queues } = options;
      await waitFor(
        async () =>
          name
            ? (await client.hget(keys.worker(name), 'state')) === 'idle'
            : (await client.scard(keys.workersOfQueue(queues[0]!))) > 0,
        timeoutMs,
        `python worker ${name ?? `on ${queues[0]}`} ready; output:\n${child.output()}`,
      );
    },
    async stop() {
      if (!running()) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
