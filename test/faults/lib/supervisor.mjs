import { readFileSync } from 'node:fs';
import { childPids, killTree, start } from '../../bench/lib/processes.mjs';

// Restarts a unit that exits, as systemd's Restart=always would, and tells the exits the matrix
// caused (it named the pid first) from the ones the worker chose or crashed into. A pool is one
// unit: it replaces its own members, and its log says when one died unexpectedly.

const RESTART_MS = 500;
const MEMBER_CRASH = /died unexpectedly: exit code/g;

export class Supervisor {
  constructor(specs, env) {
    this.specs = specs;
    this.env = env;
    this.units = [];
    this.stopping = false;
    this.expectedExits = 0;
    this.unexpected = [];
    this.seen = new Set();
    this.logs = [];
  }

  start() {
    this.specs.forEach((spec, index) => this.spawn(index, spec));
    // Every descendant ever seen, so a horse that outlives its worker is still ended at the close.
    this.watch = setInterval(() => this.collect(), 250);
  }

  spawn(index, spec) {
    const proc = start(spec.command, spec.args, { env: this.env });
    const unit = { index, spec, proc, pid: proc.child.pid, expected: false, memberCrashes: 0 };
    const count = (chunk) => (unit.memberCrashes += (chunk.toString().match(MEMBER_CRASH) ?? []).length);
    proc.child.stdout.on('data', count);
    proc.child.stderr.on('data', count);
    this.units[index] = unit;
    this.seen.add(unit.pid);
    void proc.exited.then(({ code, signal }) => {
      this.logs.push(`--- unit ${index} pid ${unit.pid} exit ${code ?? signal}\n${proc.output()}`);
      if (unit.expected || this.stopping) this.expectedExits += 1;
      else
        this.unexpected.push({ code, signal, tail: proc.output().trim().split('\n').slice(-3).join(' | ') });
      if (!this.stopping) setTimeout(() => this.stopping || this.spawn(index, spec), RESTART_MS);
    });
  }

  collect() {
    const visit = (pid) => {
      for (const child of childPids(pid)) {
        this.seen.add(child);
        visit(child);
      }
    };
    for (const unit of this.units) if (unit && alive(unit.pid)) visit(unit.pid);
  }

  /** The unit whose process is `pid` or an ancestor of it (a pool member's pool). */
  unitOf(pid) {
    return this.units.find((unit) => unit.pid === pid || descends(pid, unit.pid));
  }

  /** Marks the exit the matrix is about to cause, so it is not counted as the worker's own. */
  expect(pid) {
    const unit = this.units.find((u) => u.pid === pid);
    if (unit) unit.expected = true;
  }

  memberCrashes() {
    return this.units.reduce((sum, unit) => sum + (unit?.memberCrashes ?? 0), 0);
  }

  async stop() {
    this.stopping = true;
    this.collect();
    for (const unit of this.units) {
      if (!unit || !alive(unit.pid)) continue;
      signal(unit.pid, 'SIGCONT');
      signal(unit.pid, 'SIGTERM');
    }
    await Promise.race([
      Promise.all(this.units.map((unit) => unit?.proc.exited)),
      new Promise((resolve) => setTimeout(resolve, 10_000)),
    ]);
    for (const unit of this.units) if (unit && alive(unit.pid)) killTree(unit.pid);
    clearInterval(this.watch);
  }

  /** Ends every process this supervisor's units ever had, by pid, if it is still ours and alive. */
  reap() {
    for (const pid of this.seen) {
      if (!alive(pid) || !isOurs(pid)) continue;
      signal(pid, 'SIGCONT');
      signal(pid, 'SIGKILL');
    }
  }
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

export function signal(pid, name) {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

function parentOf(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  } catch {
    return 0;
  }
}

function descends(pid, ancestor) {
  for (let p = parentOf(pid); p > 1; p = parentOf(p)) if (p === ancestor) return true;
  return false;
}

// A pid seen earlier could in principle be reused: only a worker or horse of ours is ended.
function isOurs(pid) {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /rqts|rq\.cli|python|node/.test(cmdline);
  } catch {
    return false;
  }
}
