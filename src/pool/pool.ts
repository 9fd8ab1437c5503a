import { fork, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { silentLogger, type WorkerLogger } from '../worker/worker-logger.js';
import { signalGroup } from '../process-group.js';
import { DEFAULT_BACKOFF, nextCrashStreak, restartDelayMs, type BackoffOptions } from './backoff.js';
import { MEMBER_ENV, parseMemberMessage, type MemberIdentity, type StopMessage } from './protocol.js';

// A supervised pool of worker processes (issue 5). Each member is its own process running
// an ordinary rqts worker with its own name and registration; the pool itself writes
// nothing to Redis (as RQ's pool). The pool replaces members that die, with backoff when
// they keep dying; stops them warm, then cold, then by SIGKILL; and in burst mode ends
// when every member has finished. Members notice a dead pool through their IPC channel,
// so even a SIGKILLed pool leaves no orphans (src/pool/member.ts).

// A member is the package's own `rqts worker` (bin/rqts.js, two levels up from both src/pool
// and dist/pool), told by MEMBER_ENV that it is one: the pool knows the command, not its code.
const RQTS_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/rqts.js');

export type StopLevel = 'warm' | 'cold' | 'kill';
/** starting → running (registered in Redis) → stopping → finished; waiting = a replacement is due. */
export type MemberState = 'starting' | 'running' | 'stopping' | 'waiting' | 'finished';
export type PoolLineHandler = (line: string, member: MemberInfo, stream: 'stdout' | 'stderr') => void;

export interface PoolOptions {
  /** `rqts worker` argv given to every member: queues and flags, without --name and --burst. */
  workerArgs: string[];
  /** @default 2 */
  numWorkers?: number;
  /** Members quit when the queues are empty; the pool ends when all have. @default false */
  burst?: boolean;
  /** Pool name: the `rqts_pool` field of each member's worker hash and the start of its name. @default pool-<random hex> */
  name?: string;
  /**
   * Where members' output goes: the pool's own stdout/stderr ('inherit', the default), a
   * file descriptor (a log file), or a function called with each line.
   */
  output?: 'inherit' | number | PoolLineHandler;
  /** Prefix members' human log lines with `[w1] `; JSON lines carry `workerId` anyway. @default true */
  prefixLines?: boolean;
  /** The pool's own lines (starts, deaths, replacements, shutdown). @default silent */
  logger?: WorkerLogger;
  backoff?: Partial<BackoffOptions>;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface MemberInfo {
  /** Short slot id: w1, w2 … (a replacement keeps its slot's id). */
  id: string;
  /** Worker name in Redis; new for every process, since a killed worker's key may linger. */
  name: string;
  pid: number | undefined;
  state: MemberState;
  startedAt: number;
  /** How many processes this slot has had before the current one. */
  restarts: number;
}

export interface MemberExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Not asked for: a non-zero exit or a signal the pool did not send. */
  unexpected: boolean;
}

export interface PoolExit {
  /** 0 on a clean end; 1 if a member crashed (burst, or while stopping) or had to be killed. */
  code: number;
  crashes: number;
}

export interface PoolEvents {
  'member:spawned': [member: MemberInfo];
  'member:registered': [member: MemberInfo];
  'member:exited': [member: MemberInfo, exit: MemberExit];
  'pool:stopping': [level: StopLevel];
  'pool:exited': [exit: PoolExit];
}

interface Slot {
  info: MemberInfo;
  child: ChildProcess | undefined;
  registered: boolean;
  crashStreak: number;
  restartTimer: NodeJS.Timeout | undefined;
  done: boolean;
}

const LEVEL_ORDER: Record<StopLevel, number> = { warm: 1, cold: 2, kill: 3 };

export class WorkerPool extends EventEmitter<PoolEvents> {
  readonly name: string;
  readonly numWorkers: number;
  readonly exited: Promise<PoolExit>;
  private readonly slots: Slot[] = [];
  private readonly backoff: BackoffOptions;
  private readonly log: WorkerLogger;
  private stopLevel: StopLevel | undefined;
  private crashes = 0;
  private failedEnd = false;
  private started = false;
  private finished = false;
  private resolveExited!: (exit: PoolExit) => void;

  constructor(private readonly options: PoolOptions) {
    super();
    this.numWorkers = options.numWorkers ?? 2;
    if (!Number.isInteger(this.numWorkers) || this.numWorkers < 1)
      throw new RangeError(`numWorkers must be a whole number, 1 or more (got ${this.numWorkers})`);
    this.name = options.name ?? defaultPoolName();
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.log = options.logger ?? silentLogger;
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  /** Spawns every member. */
  start(): this {
    if (this.started) return this;
    this.started = true;
    for (let index = 1; index <= this.numWorkers; index++) {
      const slot: Slot = {
        info: { id: `w${index}`, name: '', pid: undefined, state: 'starting', startedAt: 0, restarts: -1 },
        child: undefined,
        registered: false,
        crashStreak: 0,
        restartTimer: undefined,
        done: false,
      };
      this.slots.push(slot);
      this.spawn(slot);
    }
    return this;
  }

  /** A snapshot of every slot's current member. */
  members(): MemberInfo[] {
    return this.slots.map((slot) => ({ ...slot.info }));
  }

  get stopping(): StopLevel | undefined {
    return this.stopLevel;
  }

  /**
   * Without an argument, each call escalates: warm (members finish their current job),
   * then cold (members kill their horse and fail the job), then kill (SIGKILL).
   */
  stop(level?: StopLevel): void {
    const next: StopLevel =
      level ?? (this.stopLevel === undefined ? 'warm' : this.stopLevel === 'warm' ? 'cold' : 'kill');
    if (this.stopLevel !== undefined && LEVEL_ORDER[next] <= LEVEL_ORDER[this.stopLevel]) return;
    this.stopLevel = next;
    this.emit('pool:stopping', next);
    const live = this.slots.filter((slot) => slot.child);
    for (const slot of this.slots) {
      if (slot.restartTimer) {
        clearTimeout(slot.restartTimer);
        slot.restartTimer = undefined;
        this.markDone(slot);
      }
    }
    if (next === 'warm') {
      this.log.info(
        `Warm shut down: ${live.length} worker(s) finish their current job, then stop (signal again to stop cold)`,
      );
    } else if (next === 'cold') {
      this.log.warn(
        `Cold shut down: ${live.length} worker(s) kill their horse and fail its job (signal again to kill them outright)`,
      );
    } else {
      this.log.error(`Killing ${live.length} worker(s) and their horses with SIGKILL`);
      this.failedEnd = live.length > 0 || this.failedEnd;
    }
    for (const slot of live) this.sendStop(slot, next);
    this.checkFinished();
  }

  private sendStop(slot: Slot, level: StopLevel): void {
    const child = slot.child;
    if (!child) return;
    slot.info.state = 'stopping';
    if (level === 'kill') {
      // A member's children are its horses, each the leader of its own process group.
      for (const horse of childPids(child.pid)) signalGroup(horse, 'SIGKILL');
      child.kill('SIGKILL');
      return;
    }
    if (child.connected) {
      const message: StopMessage = { type: 'stop', kind: level };
      child.send(message);
    } else {
      // The channel is gone but the process is not: the worker's own signal handler obeys.
      child.kill('SIGTERM');
    }
  }

  private spawn(slot: Slot): void {
    const info = slot.info;
    info.name = `${this.name}-${info.id}-${randomBytes(3).toString('hex')}`;
    info.state = 'starting';
    info.startedAt = Date.now();
    info.restarts += 1;
    slot.registered = false;
    const identity: MemberIdentity = {
      pool: this.name,
      id: info.id,
      prefix: this.options.prefixLines !== false,
    };
    const output = this.options.output ?? 'inherit';
    const stdio: StdioOptions =
      typeof output === 'function' ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', output, output, 'ipc'];
    const args = [
      'worker',
      `--name=${info.name}`,
      ...(this.options.burst ? ['--burst'] : []),
      ...this.options.workerArgs,
    ];
    // detached: a member gets its own process group, so a terminal's Ctrl-C reaches only the
    // pool, which then decides what each member is told (and in what order).
    const child = fork(RQTS_BIN, args, {
      detached: true,
      stdio,
      cwd: this.options.cwd,
      env: { ...process.env, ...this.options.env, [MEMBER_ENV]: JSON.stringify(identity) },
      execArgv: process.execArgv.filter((arg) => !arg.startsWith('--inspect')),
    });
    slot.child = child;
    info.pid = child.pid;
    if (typeof output === 'function') {
      for (const stream of ['stdout', 'stderr'] as const) {
        const source = child[stream];
        if (source)
          createInterface({ input: source, crlfDelay: Infinity }).on('line', (line) =>
            output(line, { ...info }, stream),
          );
      }
    }
    child.on('message', (raw: unknown) => this.onMessage(slot, child, raw));
    child.once('exit', (code, signal) => this.onExit(slot, child, code, signal));
    // 'error' also reports a send on a channel that closed under us; that is harmless (the
    // member is exiting and 'exit' follows), so only a failed spawn is acted upon.
    child.on('error', (error) => {
      if (child.pid === undefined) {
        this.log.error(`${info.id}: could not start a worker process: ${error.message}`);
        this.onExit(slot, child, null, null);
      }
    });
    this.log.debug(`${info.id}: started worker ${info.name} (pid ${child.pid ?? '?'})`);
    this.emit('member:spawned', { ...info });
  }

  private onMessage(slot: Slot, child: ChildProcess, raw: unknown): void {
    if (slot.child !== child) return;
    const message = parseMemberMessage(raw);
    if (!message) return;
    const info = slot.info;
    slot.registered = true;
    info.name = message.name;
    if (info.state === 'starting') info.state = 'running';
    this.emit('member:registered', { ...info });
  }

  private onExit(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child !== child) return;
    slot.child = undefined;
    const info = slot.info;
    const killedByUs = this.stopLevel === 'kill';
    const unexpected = !killedByUs && (code !== 0 || signal !== null);
    const how = signal ? `killed by ${signal}` : code === null ? 'never started' : `exit code ${code}`;
    const who = `${info.id} (worker ${info.name}, pid ${info.pid ?? '?'})`;
    const exit: MemberExit = { code, signal, unexpected };
    info.pid = undefined;
    if (unexpected) this.crashes += 1;

    if (this.stopLevel !== undefined) {
      if (unexpected) {
        this.failedEnd = true;
        this.log.error(`${who} died while stopping: ${how}`);
      } else {
        this.log.info(`${who} stopped`);
      }
      this.markDone(slot);
    } else if (!unexpected) {
      if (this.options.burst) {
        this.log.info(`${who} finished`);
        this.markDone(slot);
      } else {
        // max-jobs, max-idle-time or a shutdown command: the pool keeps its size, as RQ's does.
        this.log.info(
          `${who} exited by itself (max jobs, max idle time or a shutdown command); starting a replacement`,
        );
        this.emit('member:exited', { ...info }, exit);
        this.spawn(slot);
        return;
      }
    } else if (this.options.burst && !slot.registered) {
      this.failedEnd = true;
      this.log.error(`${who} failed before it started working (${how}); not replaced in burst mode`);
      this.markDone(slot);
    } else {
      if (this.options.burst) this.failedEnd = true;
      slot.crashStreak = nextCrashStreak(slot.crashStreak, Date.now() - info.startedAt, this.backoff);
      const delay = restartDelayMs(slot.crashStreak, this.backoff);
      const streakNote = slot.crashStreak > 1 ? ` (${slot.crashStreak} quick deaths in a row)` : '';
      this.log.error(
        `${who} died unexpectedly: ${how}; ${delay === 0 ? 'starting a replacement now' : `starting a replacement in ${formatSeconds(delay)}`}${streakNote}`,
      );
      info.state = 'waiting';
      this.emit('member:exited', { ...info }, exit);
      if (delay === 0) {
        this.spawn(slot);
      } else {
        slot.restartTimer = setTimeout(() => {
          slot.restartTimer = undefined;
          if (this.stopLevel === undefined) this.spawn(slot);
        }, delay);
      }
      return;
    }
    this.emit('member:exited', { ...info }, exit);
    this.checkFinished();
  }

  private markDone(slot: Slot): void {
    slot.done = true;
    slot.info.state = 'finished';
  }

  private checkFinished(): void {
    if (this.finished || !this.slots.every((slot) => slot.done && !slot.child)) return;
    this.finished = true;
    const exit: PoolExit = { code: this.failedEnd ? 1 : 0, crashes: this.crashes };
    this.log.info(
      this.options.burst && this.stopLevel === undefined
        ? `Every worker finished; pool ${this.name} exits with code ${exit.code}`
        : `Pool ${this.name} stopped`,
    );
    this.emit('pool:exited', exit);
    this.resolveExited(exit);
  }
}

export function defaultPoolName(): string {
  return `pool-${randomBytes(3).toString('hex')}`;
}

/** Creates and starts a pool; `await pool.exited` for its end, `pool.stop()` to end it. */
export function startPool(options: PoolOptions): WorkerPool {
  return new WorkerPool(options).start();
}

/** Direct children of a live process, from /proc (every thread's list: a fork may come from any). */
function childPids(pid: number | undefined): number[] {
  if (pid === undefined) return [];
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

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
