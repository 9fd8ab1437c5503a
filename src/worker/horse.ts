import { fork, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'node:net';
import { signalGroup } from '../process-group.js';
import { settledWithin } from '../deadline.js';
import {
  encodeMessage,
  HORSE_CHANNEL_FD,
  isFromHorse,
  lineReader,
  type HorseSetup,
  type ToHorse,
} from './horse-protocol.js';
import type { ExecOutcome, ExecuteContext, Executor, KillReason } from './executor.js';
import type { JobPayload } from './job-runner.js';
import { VitalsSampler } from './horse-vitals.js';

// One horse process reused across jobs (design.md "The horse"): modules stay loaded, and a
// crash, a kill or a timeout costs only the horse. A fresh one is started right after a
// death so the next job does not wait. maxJobsPerHorse recycles it (1 = RQ's model).

// From the built package the horse entry sits beside this file. When this module runs from
// TypeScript sources (tests), plain Node cannot load a .ts horse, so use the built one.
const HERE = fileURLToPath(import.meta.url);
const HORSE_MAIN = HERE.endsWith('.ts')
  ? path.resolve(path.dirname(HERE), '../../dist/worker/horse-main.js')
  : path.join(path.dirname(HERE), 'horse-main.js');

interface Running {
  jobId: string;
  resolve: (outcome: ExecOutcome) => void;
  killReason: KillReason | undefined;
  saveMeta: ExecuteContext['saveMeta'];
  vitals: VitalsSampler | undefined;
}

export class HorseExecutor implements Executor {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private running: Running | undefined;
  private starting: { killReason: KillReason | undefined } | undefined;
  private jobsRun = 0;
  private readonly readyPids = new Set<number>();
  private closed = false;
  private readonly channels = new WeakMap<ChildProcess, Socket>();

  constructor(
    private readonly options: {
      maxJobsPerHorse?: number;
      env?: NodeJS.ProcessEnv;
      onSpawn?: (pid: number) => void;
      /** Asked at each spawn: what the horse needs to record its job if the worker dies. */
      setup?: () => HorseSetup | undefined;
    } = {},
  ) {}

  get horsePid(): number | undefined {
    return this.child?.pid;
  }

  get horseRssBytes(): number | undefined {
    return this.running?.vitals?.rssBytes;
  }

  get horseMemoryLimitBytes(): number | undefined {
    return this.running?.vitals?.limitBytes;
  }

  get horseMemoryUsedBytes(): number | undefined {
    return this.running?.vitals?.cgroupUsageBytes;
  }

  async prepare(): Promise<void> {
    if (!this.child) this.spawn();
    await this.ready;
  }

  private spawn(): void {
    // detached: the horse gets its own process group, as RQ's setsid, so Ctrl-C on the
    // worker's terminal reaches only the worker (warm shutdown lets the job finish) and
    // kill(-pid) reaches anything the job spawned.
    const child = fork(HORSE_MAIN, [], {
      detached: true,
      // fd 3: Node's IPC channel, kept for its 'disconnect'; fd 4: the job messages.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'],
      env: { ...process.env, ...this.options.env },
      execArgv: process.execArgv.filter((arg) => !arg.startsWith('--inspect')),
    });
    this.child = child;
    this.jobsRun = 0;
    const channel = child.stdio[HORSE_CHANNEL_FD] as Socket;
    this.channels.set(child, channel);
    channel.setEncoding('utf8');
    // A horse killed mid-write leaves the pipe broken; its 'exit' is what settles the job.
    channel.on('error', () => undefined);
    let markReady: (() => void) | undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      child.once('exit', (code, signal) =>
        reject(new Error(`horse exited before it was ready (code ${code}, signal ${signal})`)),
      );
    });
    this.ready.catch(() => undefined);
    const setup = this.options.setup?.();
    if (setup) this.send(child, { type: 'setup', setup });
    // One reader for the horse's life, not one per job: it routes by the running job.
    channel.on(
      'data',
      lineReader((message) => {
        if (!isFromHorse(message)) return;
        if (message.type === 'ready') {
          this.readyPids.add(child.pid ?? -1);
          markReady?.();
          return;
        }
        const running = this.running;
        if (!running || message.jobId !== running.jobId) return;
        if (message.type === 'save-meta') {
          void running
            .saveMeta(message.meta)
            .finally(() => this.send(child, { type: 'meta-saved', seq: message.seq }));
          return;
        }
        this.running = undefined;
        running.vitals?.finish();
        if (message.exiting && this.child === child) {
          // Never hand the next job to a horse on its way out; prepare() starts a new one.
          this.child = undefined;
          this.ready = undefined;
          this.readyPids.delete(child.pid ?? -1);
        }
        this.jobsRun += 1;
        const outcome = message.outcome;
        running.resolve(
          outcome.ok
            ? { kind: 'succeeded', value: outcome.value }
            : { kind: 'failed', excString: outcome.excString },
        );
      }),
    );
    // A horse's last message (the real error of a job that crashed it) can still be in the
    // pipe when 'exit' arrives: read to the pipe's end first, or give up after a moment
    // (something the job spawned may hold the pipe open).
    const drained = new Promise<void>((resolve) => {
      channel.once('end', resolve);
      channel.once('close', resolve);
    });
    child.once(
      'exit',
      (code, signal) =>
        void settledWithin(drained, EXIT_DRAIN_MS).then(() => this.onExit(child, code, signal)),
    );
    if (child.pid !== undefined) this.options.onSpawn?.(child.pid);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) {
      this.child = undefined;
      this.ready = undefined;
    }
    const running = this.running;
    if (running) {
      this.running = undefined;
      const signalNumber = signal ? (constants.signals[signal] ?? 0) : 0;
      // waitpid's raw status: the signal number when killed, the exit code shifted left by 8 otherwise.
      const rawStatus = signal ? signalNumber : (code ?? 0) << 8;
      running.resolve({
        kind: 'died',
        reason: running.killReason ?? 'crashed',
        rawStatus,
        signal: signal ?? undefined,
        vitals: running.vitals?.finish(),
      });
    }
    // Keep a warm horse ready for the next job, unless we are closing. A horse that died
    // before it was ever ready is not replaced here (the next job's prepare() retries and
    // reports the error): respawning it at once would loop hot on a broken install.
    const wasReady = this.readyPids.delete(child.pid ?? -1);
    if (!this.closed && !this.child && wasReady) this.spawn();
  }

  async execute(job: JobPayload, context: ExecuteContext): Promise<ExecOutcome> {
    // A kill that arrives while a horse is still being readied (say a stop-job right after
    // the previous job's horse was killed) must not be lost: it ends this job before it runs.
    const starting: { killReason: KillReason | undefined } = { killReason: undefined };
    this.starting = starting;
    try {
      if (this.options.maxJobsPerHorse !== undefined && this.jobsRun >= this.options.maxJobsPerHorse)
        await this.recycle();
      await this.prepare();
    } finally {
      this.starting = undefined;
    }
    if (starting.killReason)
      return { kind: 'died', reason: starting.killReason, rawStatus: SIGKILL, signal: 'SIGKILL' };
    const child = this.child;
    if (!child) throw new Error('no horse available');
    return new Promise<ExecOutcome>((resolve) => {
      const vitals = child.pid === undefined ? undefined : new VitalsSampler(child.pid);
      this.running = { jobId: job.id, resolve, killReason: undefined, saveMeta: context.saveMeta, vitals };
      this.send(child, { type: 'run', job, roots: context.roots, taken: context.taken });
      context.onStarted?.();
    });
  }

  private send(child: ChildProcess, message: ToHorse): void {
    const channel = this.channels.get(child);
    if (channel?.writable) channel.write(encodeMessage(message));
  }

  kill(reason: KillReason): boolean {
    if (!this.running && this.starting) {
      this.starting.killReason ??= reason;
      return true;
    }
    if (!this.running || !this.child?.pid) return false;
    this.running.killReason ??= reason;
    signalGroup(this.child.pid);
    return true;
  }

  abort(reason: string): boolean {
    const running = this.running;
    if (!running || !this.child) return false;
    this.send(this.child, { type: 'abort', jobId: running.jobId, reason });
    return true;
  }

  private async recycle(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.child = undefined;
    this.ready = undefined;
    child.kill('SIGTERM');
    await exited;
    if (!this.child) this.spawn();
  }

  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.pid) signalGroup(child.pid);
    await exited;
  }
}

const EXIT_DRAIN_MS = 100;
const SIGKILL = constants.signals.SIGKILL;
