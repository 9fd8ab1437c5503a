import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, fstatSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { signalGroup } from '../../process-group.js';
import { detectPythonRq, type PythonRq } from './python-rq.js';
import {
  DEFAULT_SERIALIZER,
  JSON_SHORT_NAMES,
  workerCommand,
  type LaunchSpec,
  type WorkerCommandBuilder,
  type WorkerKind,
} from './worker-command.js';

// Workers launched by the console are its child processes, and it owns their end: each
// is stopped warm on quit, or deliberately left running detached (design.md §4). Their
// output goes to a log file per worker (never to the terminal the console draws on), and
// the console tails those files for the Logs screen; a detached worker keeps logging
// there after the console has gone.

export {
  DEFAULT_SERIALIZER,
  JSON_SHORT_NAMES,
  PACKAGE_ROOT,
  workerCommand,
  type LaunchSpec,
  type WorkerCommandBuilder,
  type WorkerInvocation,
  type WorkerKind,
} from './worker-command.js';

export interface LocalWorker {
  /** The worker's name, or for a pool the pool's name (its workers carry it as rqts_pool). */
  name: string;
  kind: WorkerKind;
  /** Set for a `rqts worker-pool` process: how many workers it keeps running. */
  poolSize: number | undefined;
  pid: number | undefined;
  queues: string[];
  burst: boolean;
  startedAt: number;
  logFile: string;
  exit: { code: number | null; signal: string | null; at: number } | undefined;
  stopRequested: boolean;
}

export interface LogLine {
  seq: number;
  worker: string;
  text: string;
  at: number;
}

export interface LocalWorkersState {
  workers: LocalWorker[];
  lines: LogLine[];
  logDir: string | undefined;
  /** Whether Python RQ workers can be launched here (asked once, when first needed). */
  python: PythonRq;
}

interface Entry {
  info: LocalWorker;
  child: ChildProcess;
  fd: number;
  offset: number;
  partial: string;
}

export interface LocalWorkersOptions {
  url: string;
  builder?: WorkerCommandBuilder;
  maxLines?: number;
  /** Where log files go; a fresh temp dir by default. */
  logDir?: string;
  tailMs?: number;
  /** The console's own import roots (`-P`): what launched workers get by default. */
  paths?: readonly string[];
  /** The console's own serializer name (`-S`); RQ's JSONSerializer by default. */
  serializer?: string;
  /** Interpreters to look for Python RQ in (PYTHON_CANDIDATES by default). */
  pythonCandidates?: readonly string[];
}

export class LocalWorkers {
  private entries: Entry[] = [];
  private state: LocalWorkersState = {
    workers: [],
    lines: [],
    logDir: undefined,
    python: { status: 'unknown' },
  };
  private readonly listeners = new Set<() => void>();
  private seq = 0;
  private serial = 0;
  private tailTimer: NodeJS.Timeout | undefined;
  private readonly builder: WorkerCommandBuilder;

  constructor(private readonly options: LocalWorkersOptions) {
    this.builder = options.builder ?? workerCommand;
  }

  /** What the launch dialog starts from: the console's own path and serializer. */
  defaults(): { paths: readonly string[]; serializer: string } {
    const named = this.options.serializer;
    // rqts's short names for the JSON serializer mean nothing to Python RQ: spell it as RQ does.
    const serializer = !named || JSON_SHORT_NAMES.has(named) ? DEFAULT_SERIALIZER : named;
    // No -P: the current directory, as both workers assume; shown so nobody has to guess.
    const paths = this.options.paths?.length ? this.options.paths : ['.'];
    return { paths, serializer };
  }

  /** Looks for Python RQ once; the state (and a re-render) follows when it is known. */
  detectPython(): void {
    if (this.state.python.status !== 'unknown') return;
    this.state = { ...this.state, python: { status: 'checking' } };
    this.publish();
    void detectPythonRq(this.options.pythonCandidates).then((python) => {
      this.state = { ...this.state, python };
      this.publish();
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): LocalWorkersState => this.state;

  /** Names of the single workers launched here (pools excluded: they are not workers). */
  names(): Set<string> {
    return new Set(this.entries.filter((e) => e.info.poolSize === undefined).map((e) => e.info.name));
  }

  /** Names of the pools launched here: their workers' rqts_pool. */
  poolNames(): Set<string> {
    return new Set(this.entries.filter((e) => e.info.poolSize !== undefined).map((e) => e.info.name));
  }

  running(): LocalWorker[] {
    return this.entries.filter((e) => !e.info.exit).map((e) => e.info);
  }

  private logDir(): string {
    if (!this.state.logDir)
      this.state = {
        ...this.state,
        logDir: this.options.logDir ?? mkdtempSync(path.join(tmpdir(), 'rqts-console-')),
      };
    return this.state.logDir ?? tmpdir();
  }

  launch(spec: LaunchSpec): LocalWorker[] {
    const launched: LocalWorker[] = [];
    // A pool is one child process however many workers it runs; it stops them on SIGTERM.
    const processes = spec.pool === undefined ? spec.count : 1;
    const kind = spec.kind ?? 'rqts';
    for (let i = 0; i < processes; i++) {
      const name = spec.pool ?? `${hostname()}.console${process.pid}.${++this.serial}`;
      const poolSize = spec.pool === undefined ? undefined : spec.count;
      const logFile = path.join(this.logDir(), `${name}.log`);
      const fd = openSync(logFile, 'a+');
      const python = this.state.python.status === 'available' ? this.state.python.executable : undefined;
      const invocation = this.builder({
        name,
        queues: spec.queues,
        burst: spec.burst,
        url: this.options.url,
        poolSize,
        kind,
        paths: spec.paths ?? this.defaults().paths,
        serializer: spec.serializer ?? this.defaults().serializer,
        python,
      });
      // detached: its own process group, so a terminal hang-up or Ctrl-C aimed at the
      // console does not hit it; the console decides its end on quit.
      const child = spawn(invocation.command, invocation.args, {
        cwd: invocation.cwd,
        env: { ...process.env, ...invocation.env },
        stdio: ['ignore', fd, fd],
        detached: true,
      });
      const info: LocalWorker = {
        name,
        kind,
        poolSize,
        pid: child.pid,
        queues: spec.queues,
        burst: spec.burst,
        startedAt: Date.now(),
        logFile,
        exit: undefined,
        stopRequested: false,
      };
      const entry: Entry = { info, child, fd, offset: 0, partial: '' };
      child.on('error', (error) => this.appendLine(name, `[console] could not start: ${error.message}`));
      child.on('exit', (code, signal) => {
        this.drain(entry);
        entry.info = { ...entry.info, exit: { code, signal, at: Date.now() } };
        this.appendLine(name, `[console] exited ${signal ? `on ${signal}` : `with code ${code}`}`);
        this.publish();
      });
      this.entries.push(entry);
      this.appendLine(
        name,
        `[console] launched pid ${child.pid ?? '?'}: ${[path.basename(invocation.command), ...invocation.args].join(' ')}`,
      );
      launched.push(info);
    }
    this.startTailing();
    this.publish();
    return launched;
  }

  /** SIGTERM one launched worker (a warm shutdown for rqts and RQ workers). */
  terminate(name: string, signal: NodeJS.Signals = 'SIGTERM'): boolean {
    const entry = this.entries.find((e) => e.info.name === name && !e.info.exit);
    if (!entry) return false;
    entry.info = { ...entry.info, stopRequested: true };
    entry.child.kill(signal);
    this.publish();
    return true;
  }

  /**
   * A signal from the escalation steps. SIGCONT and SIGKILL go to the whole process group:
   * a frozen worker's horse may be frozen too, and a killed worker must not leave it behind.
   */
  signal(name: string, signal: 'SIGCONT' | 'SIGTERM' | 'SIGKILL'): boolean {
    if (signal === 'SIGTERM') return this.terminate(name, signal);
    const entry = this.entries.find((e) => e.info.name === name && !e.info.exit);
    if (!entry) return false;
    if (signal === 'SIGKILL') {
      entry.info = { ...entry.info, stopRequested: true };
      killGroup(entry.child);
    } else {
      if (entry.child.pid) signalGroup(entry.child.pid, signal);
    }
    this.publish();
    return true;
  }

  /**
   * Warm shutdown of everything still running; a second SIGTERM (cold, as RQ treats it)
   * after `warmMs`, SIGKILL after `coldMs` more. Resolves when all have exited.
   */
  async stopAll(
    options: {
      warmMs?: number;
      coldMs?: number;
      onProgress?: (left: number, phase: 'warm' | 'cold' | 'kill') => void;
    } = {},
  ): Promise<void> {
    const alive = (): Entry[] => this.entries.filter((e) => !e.info.exit);
    const exited = (entries: Entry[], ms: number): Promise<boolean> =>
      new Promise((resolve) => {
        if (entries.every((e) => e.info.exit)) return resolve(true);
        const timer = setTimeout(() => {
          off();
          resolve(false);
        }, ms);
        const off = this.subscribe(() => {
          if (entries.every((e) => e.info.exit)) {
            clearTimeout(timer);
            off();
            resolve(true);
          }
        });
      });
    let left = alive();
    if (left.length === 0) return;
    options.onProgress?.(left.length, 'warm');
    for (const e of left) this.terminate(e.info.name);
    if (await exited(left, options.warmMs ?? 10_000)) return this.closeAll();
    left = alive();
    options.onProgress?.(left.length, 'cold');
    for (const e of left) e.child.kill('SIGTERM');
    if (await exited(left, options.coldMs ?? 5_000)) return this.closeAll();
    left = alive();
    options.onProgress?.(left.length, 'kill');
    for (const e of left) killGroup(e.child);
    await exited(left, 5_000);
    this.closeAll();
  }

  /** SIGKILL to every launched process group at once (their Redis is going away). */
  async killAll(): Promise<void> {
    const left = this.entries.filter((e) => !e.info.exit);
    const exited = left.map(
      (e) =>
        new Promise<void>((resolve) => (e.info.exit ? resolve() : e.child.once('exit', () => resolve()))),
    );
    for (const e of left) killGroup(e.child);
    await Promise.all(exited);
    this.closeAll();
  }

  /** Leaves running workers alone: they keep running after the console exits. */
  detachAll(): LocalWorker[] {
    const left = this.running();
    for (const e of this.entries) {
      e.child.unref();
      e.child.removeAllListeners('exit');
    }
    this.closeAll();
    // No longer ours: a later stopAll() must not touch them.
    this.entries = [];
    return left;
  }

  private closeAll(): void {
    if (this.tailTimer) clearInterval(this.tailTimer);
    this.tailTimer = undefined;
    for (const e of this.entries) {
      this.drain(e);
      try {
        closeSync(e.fd);
      } catch {
        // already closed
      }
      e.fd = -1;
    }
  }

  private startTailing(): void {
    if (this.tailTimer) return;
    this.tailTimer = setInterval(() => {
      let changed = false;
      for (const e of this.entries) changed = this.drain(e) || changed;
      if (changed) this.publish();
    }, this.options.tailMs ?? 250);
    this.tailTimer.unref();
  }

  /** Reads what the child appended to its log since last time. */
  private drain(entry: Entry): boolean {
    if (entry.fd < 0) return false;
    let size: number;
    try {
      size = fstatSync(entry.fd).size;
    } catch {
      return false;
    }
    if (size <= entry.offset) return false;
    const buffer = Buffer.alloc(Math.min(size - entry.offset, 1 << 20));
    const read = readSync(entry.fd, buffer, 0, buffer.length, entry.offset);
    entry.offset += read;
    const text = entry.partial + buffer.subarray(0, read).toString('utf8');
    const parts = text.split('\n');
    entry.partial = parts.pop() ?? '';
    for (const line of parts) this.appendLine(entry.info.name, line.replace(/\r$/, ''), false);
    return parts.length > 0;
  }

  private appendLine(worker: string, text: string, publish = true): void {
    const max = this.options.maxLines ?? 5000;
    const lines =
      this.state.lines.length >= max ? this.state.lines.slice(-(max - 1)) : this.state.lines.slice();
    lines.push({ seq: ++this.seq, worker, text, at: Date.now() });
    this.state = { ...this.state, lines };
    if (publish) this.publish();
  }

  private publish(): void {
    this.state = { ...this.state, workers: this.entries.map((e) => e.info) };
    for (const listener of this.listeners) listener();
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid) signalGroup(child.pid, 'SIGKILL');
}
