import path from 'node:path';
import { runProcess } from '../helpers/python.js';
import type { CommandIo } from '../../src/cli/command.js';

// CLI tests run the BUILT binary as a user would (npm test builds first) and keep stdout
// and stderr apart, so each can be compared in full.

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/rqts.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export async function rqts(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  const started = Date.now();
  // Blank values hide whatever the developer's shell exports, so results do not depend on it.
  const env = {
    NO_COLOR: '1',
    RQ_REDIS_URL: '',
    RQ_CONFIG: '',
    REDIS_URL: '',
    REDIS_HOST: '',
    REDIS_PORT: '',
    REDIS_DB: '',
    REDIS_PASSWORD: '',
    RQTS_DEBUG: '',
    ...options.env,
  };
  const result = await runProcess(
    process.execPath,
    [BIN, ...args],
    env,
    options.cwd ?? ROOT,
    options.timeoutMs ?? 30_000,
  );
  return { ...result, ms: Date.now() - started };
}

/** In-process io for unit tests of the dispatcher. */
export function captureIo(env: NodeJS.ProcessEnv = {}): CommandIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    print: (text = '') => void out.push(text),
    error: (text) => void err.push(text),
    stdout: process.stdout,
    color: false,
    env,
  };
}
