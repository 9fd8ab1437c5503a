import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe } from 'vitest';
import { PYTHON, usePeerEnv } from './python.js';
import { ROOT } from './rqts-process.js';

// The Python RQ releases the interop tests run against: Debian's python3-rq (RQ 1.13, PYTHONPATH
// unset) and every `rq-<version>/` folder of the shared peers directory (an unmodified `rq/`
// package, loaded through PYTHONPATH). A new RQ release is one folder more, no test edit.

export interface Peer {
  /** `1.13.0`, `1.16.2`, `2.10.0`: what `rq.__version__` says. */
  version: string;
  /** Major version: 2 writes `job_id:execution_id` started-registry members. */
  major: number;
  /** Environment for every Python process speaking as this peer. */
  env: Record<string, string>;
}

/**
 * `RQTS_PEERS_DIR`, else the first `shared/peers` beside the project or one of its parents
 * (the main checkout has it at `../shared/peers`, a worktree one level further up).
 */
export function peersDir(): string | undefined {
  const fromEnv = process.env.RQTS_PEERS_DIR;
  if (fromEnv) return fromEnv;
  for (let dir = path.dirname(ROOT); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'peers');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function importedVersion(env: Record<string, string>): string | undefined {
  const run = spawnSync(PYTHON, ['-c', 'import rq; print(rq.__version__)'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

function peer(env: Record<string, string>): Peer | undefined {
  const version = importedVersion(env);
  if (!version) return undefined;
  return { version, major: Number(version.split('.')[0]), env };
}

function discover(): Peer[] {
  const found: Peer[] = [];
  const debian = peer({ PYTHONPATH: '' });
  if (debian) found.push(debian);
  const dir = peersDir();
  const folders = dir ? readdirSync(dir).filter((name) => /^rq-\d/.test(name)) : [];
  for (const folder of folders.sort()) {
    const loaded = peer({ PYTHONPATH: path.join(dir!, folder) });
    // A folder that does not import (2.x without python3-croniter) must show, not vanish.
    if (!loaded) throw new Error(`Python RQ peer ${folder} does not import; see ${dir}/README.md`);
    found.push(loaded);
  }
  return found;
}

/** Every peer, in version order; empty when no Python RQ is installed at all. */
export const PEERS: readonly Peer[] = discover();

/**
 * One describe block per peer, titled with its version; inside it every Python process
 * (runPython, runProcess of python3, spawnPython) loads that peer. Blocks run one after
 * the other, so the peer set by a block's first hook holds for its tests.
 */
export function describeEachPeer(title: string, body: (peer: Peer) => void): void {
  describe.each(PEERS.map((peer) => [peer.version, peer] as const))(
    `${title} (RQ %s)`,
    // A test here starts many Python processes (each loads RQ): on a busy machine that alone
    // passed the default 60 s, so the peers' blocks get more, not their tests fewer checks.
    { timeout: 150_000 },
    (_version, peer) => {
      beforeAll(() => usePeerEnv(peer.env));
      body(peer);
    },
  );
}
