import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

// The real peer: Debian's python3-rq (RQ 1.13) run with the system interpreter.
export const PYTHON = '/usr/bin/python3';

export function pythonRqAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import rq'], { stdio: 'ignore' }).status === 0;
}

// The RQ release every Python process of this file speaks as (test/helpers/peers.ts sets it
// per describe block); empty means Debian's RQ 1.13.
let peerEnv: Record<string, string> = {};

/** Makes later Python processes load another RQ release (its PYTHONPATH). */
export function usePeerEnv(env: Record<string, string>): void {
  peerEnv = env;
}

export interface PythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Python snippet to completion; REDIS_URL is passed in the environment. */
export async function runPython(
  code: string,
  env: Record<string, string> = {},
  cwd?: string,
): Promise<PythonResult> {
  return runProcess(PYTHON, ['-c', code], env, cwd);
}

export async function runProcess(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
  timeoutMs = 60_000,
): Promise<PythonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...(command === PYTHON ? peerEnv : {}), ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `python3 -m rq.cli …` in the background (for long-running peers). */
export function spawnPython(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): ChildProcess & { output: () => string } {
  const child = spawn(PYTHON, args, {
    env: { ...process.env, ...peerEnv, ...env },
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}
