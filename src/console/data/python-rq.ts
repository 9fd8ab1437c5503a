import { execFile } from 'node:child_process';

// Whether this machine can run Python RQ workers, asked once per console: a backlog of
// Python jobs needs Python workers, and the launch dialog offers them only when an
// interpreter that imports rq is found (the first on PATH may lack it: a pyenv shim, a
// venv without rq), so the system interpreter is tried too.

export type PythonRq =
  | { status: 'unknown' | 'checking' }
  | { status: 'available'; executable: string; version: string }
  | { status: 'missing'; reason: string; details: string };

/** Interpreters tried in order: the one on PATH first (the user's venv), then Debian's. */
export const PYTHON_CANDIDATES: readonly string[] = ['python3', '/usr/bin/python3'];

const PROBE = 'import sys\nfrom rq.version import VERSION\nprint(VERSION)\nprint(sys.executable)';

function probe(
  candidate: string,
): Promise<{ ok: true; executable: string; version: string } | { ok: false; why: string }> {
  return new Promise((resolve) => {
    execFile(candidate, ['-c', PROBE], { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const last = stderr.trim().split('\n').pop() ?? '';
        return resolve({
          ok: false,
          why: code === 'ENOENT' ? `${candidate}: not found` : `${candidate}: ${last || error.message}`,
        });
      }
      const [version = '?', executable = candidate] = stdout.trim().split('\n');
      resolve({ ok: true, executable, version });
    });
  });
}

/** The first candidate that imports rq, or why none could be used. */
export async function detectPythonRq(candidates: readonly string[] = PYTHON_CANDIDATES): Promise<PythonRq> {
  const misses: string[] = [];
  for (const candidate of candidates) {
    const found = await probe(candidate);
    if (found.ok) return { status: 'available', executable: found.executable, version: found.version };
    misses.push(found.why);
  }
  return {
    status: 'missing',
    reason: `no rq in ${candidates.join(' or ') || 'any Python'}`,
    details: misses.join('; ') || 'no interpreter to try',
  };
}
