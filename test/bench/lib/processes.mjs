import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Child processes the bench starts and always ends: each runner awaits its own exit, a
// timeout or an interrupted bench kills the whole tree (GNU time's child, the rqts horse in
// its own process group). Plus the /proc readings for the CPU figures (memory: memory.mjs).

const live = new Set();
const tempDirs = new Set();

/** A scratch directory that killAll() removes too; remove it yourself with removeTempDir(). */
export function makeTempDir(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

export async function waitFor(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts a process whose output is kept (for the error message if it fails). */
export function start(command, args, options = {}) {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, endedAt: performance.now() }));
  });
  const proc = { child, exited, output: () => output };
  live.add(proc);
  exited.finally(() => live.delete(proc)).catch(() => undefined);
  return proc;
}

/** SIGKILLs a process and all its descendants, found before any of them dies and is reparented. */
export function killTree(pid) {
  const pids = [];
  const visit = (p) => {
    pids.push(p);
    for (const c of childPids(p)) visit(c);
  };
  visit(pid);
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** For an interrupted bench: ends every process it started that is still running. */
export function killAll() {
  for (const proc of live) if (proc.child.pid !== undefined) killTree(proc.child.pid);
  for (const dir of tempDirs) removeTempDir(dir);
}

/** Runs to completion; fails loudly with the tail of the output on a non-zero exit. */
export async function run(command, args, options = {}) {
  const startedAt = performance.now();
  const proc = start(command, args, options);
  const timer = setTimeout(() => killTree(proc.child.pid), options.timeoutMs ?? 300_000);
  const { code, signal, endedAt } = await proc.exited;
  clearTimeout(timer);
  if (code !== 0)
    throw new Error(
      `${command} ${args.join(' ')} exited with ${code ?? signal}:\n${proc.output().slice(-2000)}`,
    );
  return { seconds: (endedAt - startedAt) / 1000, output: proc.output() };
}

export async function stop(proc, signal = 'SIGTERM') {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
  const timer = setTimeout(() => killTree(proc.child.pid), 15_000);
  await proc.exited;
  clearTimeout(timer);
}

// sysconf(_SC_CLK_TCK) is 100 on every Linux Node supports.
const CLOCK_TICKS = 100;
const GNU_TIME = '/usr/bin/time';

/** CPU seconds (user + system) a live process has used so far. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop().split(' ');
  // utime and stime are fields 14 and 15 of stat(5), counted here from field 3 (state).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * Runs to completion under GNU time when it is installed, adding the CPU seconds of the
 * process and of the children it waited for (the horses) to the result.
 */
export async function runTimed(command, args, options = {}) {
  if (!existsSync(GNU_TIME)) return { ...(await run(command, args, options)), cpuSeconds: NaN };
  const file = path.join(makeTempDir('rqts-bench-time-'), 'cpu');
  try {
    const result = await run(GNU_TIME, ['-f', '%U %S', '-o', file, command, ...args], options);
    const [user, system] = readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    return { ...result, cpuSeconds: user + system };
  } finally {
    removeTempDir(path.dirname(file));
  }
}

/** Direct children, from every thread's list (a fork may come from any thread). */
export function childPids(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}
