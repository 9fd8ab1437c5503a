import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from './wait.js';

// Runs the BUILT CLI (bin/rqts.js -> dist/) as a real child process, as a user would.

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/rqts.js');
export const FIXTURES = path.join(ROOT, 'test/fixtures');

export interface RqtsProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process ends. */
  exited: Promise<number | string>;
  waitForOutput(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
}

const spawned = new Set<ChildProcess>();

/**
 * Marks every process this test file starts, and what they start (horses inherit it): a horse
 * that holds a job outlives its SIGKILLed worker to record that job (src/worker/horse-orphan.ts).
 */
const OWNER = randomUUID();
const OWNER_ENV = 'RQTS_TEST_OWNER';

/**
 * SIGKILLs every process spawnRqts started (or adopt was given) that is still running, and
 * every horse they started, orphaned ones included. Test files call it in afterAll, so a failed assertion
 * never leaves a worker or a horse behind.
 */
export function killSpawned(): void {
  for (const child of spawned) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  spawned.clear();
  for (const pid of markedPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Processes whose environment carries this file's mark. */
function markedPids(): number[] {
  const mark = `${OWNER_ENV}=${OWNER}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(mark)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** The direct children of a process (a worker's horses), from /proc. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** The environment entry that marks a process (and what it starts) as this file's. */
export const OWNER_MARK: Readonly<Record<string, string>> = { [OWNER_ENV]: OWNER };

/**
 * Makes killSpawned SIGKILL `child` if it is still running; a process started by another
 * helper (a Python worker) joins this way, started with OWNER_MARK in its environment.
 */
export function adopt(child: ChildProcess): void {
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
}

export function spawnRqts(args: string[], env: Record<string, string> = {}, cwd = ROOT): RqtsProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...OWNER_MARK, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  adopt(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    output: () => output,
    exited,
    async waitForOutput(pattern, timeoutMs = 15_000) {
      await waitFor(
        () => (typeof pattern === 'string' ? output.includes(pattern) : pattern.test(output)),
        timeoutMs,
        `output ${String(pattern)}; got:\n${output}`,
      );
    },
    kill(signal = 'SIGTERM') {
      child.kill(signal);
    },
  };
}

/**
 * Starts the built CLI inside the cgroup at `cgroupDir` (a worker's horses are forked into it
 * too), its output ignored; killSpawned ends it.
 */
export function spawnRqtsInCgroup(cgroupDir: string, args: string[]): ChildProcess {
  const child = spawn(
    'sh',
    [
      '-c',
      'echo $$ > "$0/cgroup.procs" && shift && exec "$@"',
      cgroupDir,
      'placeholder',
      process.execPath,
      BIN,
      ...args,
    ],
    { env: { ...process.env, ...OWNER_MARK }, stdio: 'ignore' },
  );
  adopt(child);
  return child;
}

/** Runs the CLI to completion. */
export async function runRqts(
  args: string[],
  env: Record<string, string> = {},
  cwd = ROOT,
): Promise<{ code: number | string; output: string }> {
  const proc = spawnRqts(args, env, cwd);
  const code = await proc.exited;
  return { code, output: proc.output() };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
