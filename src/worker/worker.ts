import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { escapeControl } from '../model/control-text.js';
import { RqtsError } from '../model/errors.js';
import { realError } from '../redis/refusal.js';
import type { Job, JobCall } from '../model/job.js';
import { validateQueueName } from '../model/queue.js';
import { JSONSerializer } from '../model/serializer.js';
import { formatTimestamp } from '../model/time.js';
import type { WorkerCommand } from '../model/commands.js';
import {
  countWorkers,
  findWorker,
  findWorkers,
  type WorkerRecord,
  type WorkerState,
} from '../model/worker-record.js';
import type { JobCallback } from '../model/callbacks.js';
import { settleCallbacks } from './callbacks.js';
import { sendWebhooks } from './webhooks.js';
import { CommandListener } from './command-listener.js';
import type { CallbackRun } from './current-job.js';
import { settledWithin } from './deadline.js';
import { loadDeathPenaltyClass, TimerDeathPenalty, type DeathPenaltyClass } from './death-penalty.js';
import { loadExceptionHandlers, runExceptionHandlers, type ExceptionHandler } from './exception-handlers.js';
import type { ExecOutcome, Executor } from './executor.js';
import { HorseExecutor } from './horse.js';
import type { HorseSetup, TakenAs } from './horse-protocol.js';
import { exportName } from '../model/load-export.js';
import { portableOptions } from '../redis/connection.js';
import type { JobPayload } from './job-runner.js';
import { Maintenance } from './maintenance.js';
import { dequeueTimeout, withDefaults, type ResolvedWorkerOptions, type WorkerOptions } from './options.js';
import { Scheduler } from './scheduler.js';
import { ShutdownSignals } from './shutdown-signals.js';
import { outcomeWrite } from './outcome-write.js';
import { PROTOCOL_VERSION_TEXT, resolveProtocol } from './rq-protocol.js';
import {
  WorkerStore,
  type DequeueRequest,
  type DequeueResult,
  type DroppedId,
  type StepOutcome,
} from './store.js';
import { QueueOrder } from './strategies.js';
import { retryRefused } from './refused-writes.js';
import { QueueWaiter } from './waiter.js';
import { consoleLogger, escapingLogger, type WorkerLogger } from './worker-logger.js';
import { VERSION } from '../version.js';

// The worker lifecycle (docs/protocol.md §3, §6): birth, listen, take a job atomically, run it
// in the executor, record the outcome in one MULTI, loop; death on every exit path.

export type WorkerClassName = 'Worker' | 'SimpleWorker';

export interface WorkerEvents {
  'worker:registered': [name: string];
  'job:started': [job: Job, queue: string];
  'job:finished': [job: Job, value: unknown];
  'job:failed': [job: Job, excString: string, result: 'failed' | 'retried' | 'scheduled'];
  'horse:died': [job: Job, outcome: ExecOutcome];
  'worker:stopping': [kind: 'warm' | 'cold'];
  'worker:stopped': [name: string];
}

interface CurrentRun {
  job: Job;
  startedAt: number;
  /** A graceful stop in progress: when the signal was aborted, and the kill it arms. */
  gracefulStop?: { abortedAt: number; graceSeconds: number; kill: NodeJS.Timeout };
}

export interface WorkerDeps {
  logger?: WorkerLogger;
  /** Install SIGINT/SIGTERM handlers for the duration of work(). @default true */
  handleSignals?: boolean;
  /** Test-only fault injection: called right after a job was taken from its queue. */
  afterDequeue?: (job: Job) => void;
}

export class Worker extends EventEmitter<WorkerEvents> {
  static readonly className: WorkerClassName = 'Worker';
  readonly options: ResolvedWorkerOptions;
  readonly name: string;
  protected readonly store: WorkerStore;
  protected readonly executor: Executor;
  private readonly listener: CommandListener;
  private readonly waiter: QueueWaiter;
  private readonly order: QueueOrder;
  private readonly maintenance: Maintenance;
  private readonly scheduler: Scheduler | undefined;
  private lastSchedulerTick = 0;
  private readonly log: WorkerLogger;
  private state: WorkerState = 'started';
  private current: CurrentRun | undefined;
  private stopKind: 'warm' | 'cold' | undefined;
  private handlers: ExceptionHandler[] = [];
  private deathPenalty: DeathPenaltyClass | undefined;
  private jobsDone = 0;
  private titleDoing: string | undefined;
  /** The next dequeue's answer, fetched in the same round trip as the last finish. */
  private prefetched: DequeueResult | undefined;

  constructor(
    readonly connection: Redis,
    options: WorkerOptions,
    private readonly deps: WorkerDeps = {},
  ) {
    super();
    this.options = withDefaults(options, randomUUID().replace(/-/g, ''));
    this.options.queues.forEach(validateQueueName);
    this.name = this.options.name;
    this.log = escapingLogger(deps.logger ?? consoleLogger());
    this.store = new WorkerStore(
      connection,
      { name: this.name, queues: this.options.queues, rqtsVersion: VERSION, poolName: this.options.poolName },
      this.options.serializer ?? JSONSerializer,
      this.options.jobClass,
    );
    this.executor = this.createExecutor();
    this.listener = new CommandListener(connection, this.name, {
      onCommand: (command) => this.onCommand(command),
      onMalformed: (payload) =>
        this.log.warn(`Ignoring malformed command payload: ${JSON.stringify(payload).slice(0, 200)}`),
    });
    this.waiter = new QueueWaiter(connection);
    this.order = new QueueOrder(this.options.queues, this.options.dequeueStrategy);
    this.scheduler = this.options.withScheduler
      ? new Scheduler(connection, this.options.queues, (m) => this.log.info(m))
      : undefined;
    this.maintenance = new Maintenance(
      connection,
      this.options.queues,
      this.options.maintenanceInterval,
      this.options.serializer,
      (m) => this.log.info(m),
      (job, excString) =>
        runExceptionHandlers(this.handlers, job, excString, (error) =>
          this.log.error(`Exception handler failed: ${String(error)}`),
        ),
    );
  }

  /** Live workers (rqts and Python alike), as Python's Worker.all(connection, queue=…). */
  static all(connection: Redis, options: { queue?: string } = {}): Promise<WorkerRecord[]> {
    return findWorkers(connection, options);
  }

  /** Worker.count: the registration set's size, stale members included, as Python counts. */
  static count(connection: Redis, options: { queue?: string } = {}): Promise<number> {
    return countWorkers(connection, options);
  }

  static find(connection: Redis, name: string): Promise<WorkerRecord | undefined> {
    return findWorker(connection, name);
  }

  protected createExecutor(): Executor {
    return new HorseExecutor({
      maxJobsPerHorse: this.options.maxJobsPerHorse,
      env: { RQ_WORKER_ID: this.name },
      setup: () => this.horseSetup(),
    });
  }

  /** What a horse needs to record its job itself if this process dies (horse-orphan.ts). */
  private horseSetup(): HorseSetup {
    const { serializer, jobClass } = this.options;
    const serializerName = serializer && serializer !== JSONSerializer ? exportName(serializer) : undefined;
    const jobClassName = jobClass ? exportName(jobClass) : undefined;
    // A handler given as a function lives in this process only; one loaded by name goes along.
    const handlers = this.options.exceptionHandlers.map((h) => (typeof h === 'string' ? h : exportName(h)));
    const unnamed =
      serializer && serializer !== JSONSerializer && !serializerName
        ? 'its serializer was given as an object, not by dotted name'
        : jobClass && !jobClassName
          ? 'its job class was given as a class, not by dotted name'
          : undefined;
    return {
      redis: portableOptions(this.connection),
      worker: this.store.identity,
      protocol: this.store.protocol,
      resultTtl: this.options.resultTtl,
      defaultHandler: !this.options.disableDefaultExceptionHandler,
      serializer: serializerName,
      jobClass: jobClassName,
      exceptionHandlers: handlers.filter((h) => h !== undefined),
      cannotRecord: unnamed,
    };
  }

  /** How this worker took `job`: the fence its horse writes under if this process dies. */
  private takenAs(job: Job): TakenAs | undefined {
    if (this.executionMode !== 'horse') return undefined;
    const execution = this.store.executionOf(job);
    return {
      queue: job.origin,
      member: this.store.memberOf(job),
      startedAt: job.startedAt?.getTime(),
      execution: execution && { id: execution.id, startedAt: execution.startedAt.getTime() },
    };
  }

  protected get executionMode(): 'horse' | 'simple' {
    return 'horse';
  }

  get horsePid(): number | undefined {
    return this.executor.horsePid;
  }

  private get idleTtl(): number {
    return this.options.workerTtl + 60;
  }

  /** Runs until burst ends, max-jobs/max-idle-time is reached or a shutdown. True if any job ran. */
  async work(): Promise<boolean> {
    this.handlers = await loadExceptionHandlers(this.options.exceptionHandlers, this.options.paths);
    this.deathPenalty = await loadDeathPenaltyClass(this.options.deathPenaltyClass, this.options.paths);
    await this.store.assertNameFree();
    const signals =
      this.deps.handleSignals === false ? undefined : new ShutdownSignals(() => this.requestStop());
    // Handlers first: a signal during start-up must still end in a registered death.
    signals?.install();
    try {
      await this.bootstrap();
      if (!this.stopKind) await this.loop();
    } finally {
      signals?.remove();
      await this.teardown();
    }
    return this.jobsDone > 0;
  }

  private readonly onReconnecting = (): void =>
    this.log.warn(
      'Lost the connection to Redis; reconnecting (unanswered commands are sent again, and every worker step is safe to send twice)',
    );

  /** Listened to from bootstrap on, when the first connection is long made: a ready is a reconnect. */
  private readonly onReconnected = (): void => this.log.info('Reconnected to Redis');

  /** Webhook failures are logged, never the job's. */
  private readonly warn = (message: string): void => this.log.warn(message);

  private watchConnection(on: boolean): void {
    if (on) {
      this.connection.on('reconnecting', this.onReconnecting);
      this.connection.on('ready', this.onReconnected);
    } else {
      this.connection.off('reconnecting', this.onReconnecting);
      this.connection.off('ready', this.onReconnected);
    }
  }

  private async bootstrap(): Promise<void> {
    this.watchConnection(true);
    const choice = this.options.rqProtocol;
    this.store.protocol = await this.persist('detect the RQ protocol', () =>
      resolveProtocol(this.connection, choice, this.store.key),
    );
    if (this.scheduler) this.scheduler.protocol = this.store.protocol;
    this.maintenance.protocol = this.store.protocol;
    await this.persist('register the worker', () => this.store.registerBirth(this.options.workerTtl));
    await this.listener.start();
    await this.setState('started');
    await this.executor.prepare();
    this.emit('worker:registered', this.name);
    this.log.info(
      `Worker ${this.name} started with PID ${process.pid}, version rqts ${VERSION} ` +
        `(RQ protocol ${this.store.protocol}: ${PROTOCOL_VERSION_TEXT[this.store.protocol]}, ${choice === 'auto' ? 'auto-detected' : '--rq-protocol'})`,
    );
    this.log.info(`*** Listening for work on ${this.options.queues.join(', ')}`);
    this.setTitle(`Listening on ${this.options.queues.join(',')}`);
  }

  private async loop(): Promise<void> {
    let idleSince = Date.now();
    let suspendedLogged = false;
    if (this.options.burst && this.scheduler) {
      // As RQ: a burst worker enqueues what is due once, then lets go of the locks.
      await this.scheduler.tick();
      await this.scheduler.stop();
    }
    while (!this.stopKind) {
      if (this.maintenance.due())
        await this.persist('clean the registries', () => this.maintenance.run(), true);
      if (this.scheduler && !this.options.burst && Date.now() - this.lastSchedulerTick >= SCHEDULER_TICK_MS) {
        this.lastSchedulerTick = Date.now();
        const scheduler = this.scheduler;
        await this.persist('enqueue scheduled jobs', () => scheduler.tick(), true);
      }
      const taken =
        this.takePrefetched() ??
        (await this.persist('take a job', () => this.store.dequeue(this.dequeueRequest()), true));
      if ((taken.kind === 'job' || taken.kind === 'empty') && taken.dropped) this.logDropped(taken.dropped);
      if (taken.kind === 'unregistered') {
        await this.registerAgain();
        continue;
      }
      if (taken.kind === 'suspended') {
        if (this.options.burst) {
          this.log.info('Suspended in burst mode, exiting');
          return;
        }
        if (!suspendedLogged) this.log.info('Worker suspended, run "rqts resume" to resume');
        suspendedLogged = true;
        await this.setState('suspended', this.idleTtl);
        await this.waiter.wait([], 1);
        continue;
      }
      suspendedLogged = false;
      if (taken.kind === 'empty') {
        if (this.options.burst) {
          this.log.info('No more work, burst finished.');
          return;
        }
        const idleLeft =
          this.options.maxIdleTime === undefined
            ? Infinity
            : this.options.maxIdleTime - (Date.now() - idleSince) / 1000;
        if (idleLeft <= 0) {
          this.log.info(`Worker idle for more than ${this.options.maxIdleTime} seconds, quitting`);
          return;
        }
        await this.setState('idle', this.idleTtl);
        // Set here, not after each job: back-to-back jobs would pay two prctl calls each.
        this.setTitle(`Listening on ${this.options.queues.join(',')}`);
        const waitSeconds = Math.max(
          1,
          Math.min(
            dequeueTimeout(this.options.workerTtl),
            Math.ceil(idleLeft),
            this.scheduler ? SCHEDULER_TICK_MS / 1000 : Infinity,
          ),
        );
        await this.waiter.wait(this.order.current(), waitSeconds);
        continue;
      }
      this.state = 'busy';
      this.deps.afterDequeue?.(taken.job);
      this.order.served(taken.queue);
      await this.perform(taken.job, taken.queue, taken.problem);
      this.jobsDone += 1;
      idleSince = Date.now();
      if (this.options.maxJobs !== undefined && this.jobsDone >= this.options.maxJobs) {
        this.log.info(`Worker ${this.name}: finished executing ${this.options.maxJobs} jobs, quitting`);
        return;
      }
    }
  }

  private dequeueRequest(): DequeueRequest {
    return {
      queues: this.order.current(),
      mode: this.executionMode,
      monitoringInterval: this.options.jobMonitoringInterval,
    };
  }

  private takePrefetched(): DequeueResult | undefined {
    const prefetched = this.prefetched;
    this.prefetched = undefined;
    return prefetched;
  }

  /** Whether the loop's next step will be a plain dequeue, so it may ride with a finish. */
  private mayPrefetch(): boolean {
    if (this.stopKind || this.maintenance.due()) return false;
    if (this.options.maxJobs !== undefined && this.jobsDone + 1 >= this.options.maxJobs) return false;
    return !(
      this.scheduler &&
      !this.options.burst &&
      Date.now() - this.lastSchedulerTick >= SCHEDULER_TICK_MS
    );
  }

  private logDropped(dropped: readonly DroppedId[]): void {
    for (const { id, queue } of dropped)
      this.log.warn(`${queue}: dropped job ${id}: its hash is gone or has no data field`);
  }

  private async perform(job: Job, queue: string, problem: string | undefined): Promise<void> {
    const startedAt = Date.now();
    this.current = { job, startedAt };
    const payload = this.begin(job, queue, problem);
    if (typeof payload === 'string') {
      await this.recordFailure(job, payload, 'failed', 0);
    } else {
      const outcome = await settleCallbacks(job, await this.execute(job, payload), payload.timeout, {
        run: (callback, run) => this.runCallback(job, payload, callback, run),
        warn: (message) => this.log.warn(message),
      });
      await this.record(job, outcome, (Date.now() - startedAt) / 1000, payload.timeout);
    }
    this.current = undefined;
  }

  /** The job's payload for the executor, or the one-line reason it cannot run. */
  private begin(job: Job, queue: string, problem: string | undefined): JobPayload | string {
    this.emit('job:started', job, queue);
    // One-line fields: a line feed in a description must not start a forged log line.
    this.log.info(
      this.options.disableJobDescLogging
        ? `${queue}: ${escapeControl(job.id)}`
        : `${queue}: ${escapeControl(job.description ?? job.funcName ?? '?')} (${escapeControl(job.id)})`,
    );
    if (problem !== undefined) return problem;
    let call: JobCall;
    try {
      call = job.getCall();
    } catch (error) {
      return error instanceof RqtsError ? error.toLine() : String(error);
    }
    this.setTitle(`Running ${call.funcName}`);
    return {
      id: job.id,
      funcName: call.funcName,
      args: call.args,
      kwargs: call.kwargs,
      origin: job.origin,
      description: job.description,
      timeout: effectiveTimeout(job),
      meta: job.meta,
    };
  }

  /** One callback of the job, in the horse like the job, under the callback's own timeout. */
  private async runCallback(
    job: Job,
    payload: JobPayload,
    callback: JobCallback,
    run: CallbackRun,
  ): Promise<ExecOutcome> {
    this.log.debug(`Running ${callback.kind} callback ${callback.name} for ${job.id}`);
    // As RQ's job.heartbeat(now, callback timeout): the started entry outlives the callback.
    await this.store.jobHeartbeat(
      job,
      callback.timeout + 60,
      (Date.now() - (this.current?.startedAt ?? Date.now())) / 1000,
    );
    return this.execute(job, { ...payload, callback: run }, callback.timeout);
  }

  /** Runs the payload under the death penalty, with the busy heartbeat going. */
  private async execute(job: Job, payload: JobPayload, timeout = payload.timeout): Promise<ExecOutcome> {
    const penalty = new (this.deathPenalty ?? TimerDeathPenalty)(timeout, () =>
      this.executor.kill('timeout'),
    );
    const heartbeat = setInterval(
      () =>
        void this.busyHeartbeat(job, timeout).catch((e: unknown) =>
          this.log.warn(`Heartbeat failed: ${realError(e).message}`),
        ),
      this.options.jobMonitoringInterval * 1000,
    );
    try {
      return await this.executor.execute(payload, {
        roots: this.options.paths,
        onStarted: () => penalty.arm(),
        saveMeta: (meta) => this.store.saveMeta(job.id, meta),
        taken: this.takenAs(job),
      });
    } finally {
      penalty.disarm();
      clearInterval(heartbeat);
    }
  }

  private async record(job: Job, outcome: ExecOutcome, working: number, timeout: number): Promise<void> {
    const graceful = this.current?.gracefulStop;
    if (graceful) {
      clearTimeout(graceful.kill);
      await this.recordFailure(job, gracefulStopReason(outcome, graceful), 'stopped', working);
      return;
    }
    if (outcome.kind === 'died') this.emit('horse:died', job, outcome);
    const write = outcomeWrite(outcome, timeout, this.options.serializer);
    if (write.kind === 'fail') {
      await this.recordFailure(job, write.excString, write.status, working);
      return;
    }
    const resultTtl = job.resultTtl ?? this.options.resultTtl;
    const finished = await this.persist(`record job ${job.id} as finished`, () =>
      this.store.finishJob(
        job,
        write.value,
        resultTtl,
        working,
        this.idleTtl,
        // A job with webhooks sends them before the next job starts, as 2.10 does.
        this.mayPrefetch() && !job.rq2?.webhooks ? this.dequeueRequest() : undefined,
      ),
    );
    this.prefetched = finished.next;
    this.state = 'idle';
    if (this.dropped(job, 'finished', finished.outcome)) return;
    this.emit('job:finished', job, write.value);
    if (finished.repeated)
      this.log.info(
        // 2.10's line, with the count the run read, whether queued at once or later.
        `Worker ${this.name}: job ${escapeControl(job.id)} scheduled to repeat (${job.rq2?.repeatsLeft ?? 0} left)`,
      );
    this.log.info(`${job.origin}: Job OK (${escapeControl(job.id)})`);
    this.log.info(
      resultTtl > 0
        ? `Result is kept for ${resultTtl} seconds`
        : resultTtl === 0
          ? 'Result discarded immediately'
          : 'Result will never expire, clean up result key manually',
    );
    await sendWebhooks(job, 'finished', this.warn);
  }

  private async recordFailure(
    job: Job,
    excString: string,
    status: 'failed' | 'stopped',
    working: number,
  ): Promise<void> {
    const { outcome, result } = await this.persist(`record job ${job.id} as ${status}`, () =>
      this.store.failJob(
        job,
        { excString, status, defaultHandler: !this.options.disableDefaultExceptionHandler },
        working,
        this.idleTtl,
      ),
    );
    this.state = 'idle';
    if (this.dropped(job, status, outcome, `: ${excString.split('\n').at(-1) ?? ''}`)) return;
    this.emit('job:failed', job, excString, result);
    const what =
      status === 'stopped'
        ? 'stopped'
        : result === 'failed'
          ? 'failed'
          : `failed, ${result} (${job.retriesLeft ?? 0} retries left)`;
    this.log.error(
      `[Job ${escapeControl(job.id)}]: ${what} while executing (${escapeControl(job.funcName ?? '?')})\n${excString}`,
    );
    await runExceptionHandlers(this.handlers, job, excString, (error) =>
      this.log.error(`Exception handler failed: ${String(error)}`),
    );
    // Not for a retried attempt, nor a stopped job: 2.10 sends `failed` hooks once, at the end.
    if (status === 'failed' && result === 'failed') await sendWebhooks(job, 'failed', this.warn, excString);
  }

  /**
   * True when the write was fenced off: the job stopped being ours while it ran (this worker
   * was stopped or cut off past its TTL, maintenance failed the job, another worker took it),
   * so its outcome is not ours to record. Logged, and the worker carries on.
   */
  private dropped(job: Job, what: string, outcome: StepOutcome, detail = ''): boolean {
    if (outcome.kind === 'replayed')
      this.log.warn(
        `Job ${escapeControl(job.id)}: the ${what} write was sent twice over a lost connection; it counted once`,
      );
    if (outcome.kind !== 'dropped') return false;
    this.log.warn(
      `Job ${escapeControl(job.id)}: dropping its ${what} outcome, because ${outcome.reason} (this worker lost it, probably stopped or cut off past its TTL)${detail}`,
    );
    return true;
  }

  private async busyHeartbeat(job: Job, timeout: number): Promise<void> {
    const elapsed = (Date.now() - (this.current?.startedAt ?? Date.now())) / 1000;
    const interval = this.options.jobMonitoringInterval;
    const ttl =
      this.executionMode === 'simple'
        ? timeout > 0
          ? timeout + 60
          : 420
        : (timeout > 0 ? Math.max(1, Math.min(timeout - elapsed, interval)) : interval) + 60;
    await this.store.jobHeartbeat(job, Math.ceil(ttl), elapsed, {
      rssBytes: this.executor.horseRssBytes,
      limitBytes: this.executor.horseMemoryLimitBytes,
      usedBytes: this.executor.horseMemoryUsedBytes,
    });
  }

  private onCommand(command: WorkerCommand): void {
    this.log.info(
      `Received command: ${command.command}${command.command === 'stop-job' ? ` ${command.job_id}` : ''}`,
    );
    switch (command.command) {
      case 'shutdown':
        this.requestStop();
        return;
      case 'kill-horse':
        if (!this.current || !this.executor.kill('kill-horse'))
          this.log.info('Kill horse command received, but no horse is running');
        return;
      case 'stop-job':
        if (this.current?.job.id !== command.job_id) {
          this.log.info(`Not working on job ${command.job_id}, ignoring stop-job`);
          return;
        }
        if (command.graceful !== undefined) this.stopGracefully(this.current, command.graceful);
        else this.executor.kill('stop-job');
        return;
      default: {
        const unreachable: never = command;
        return unreachable;
      }
    }
  }

  /** A stop that lets the job clean up: its AbortSignal fires now, the kill after the grace. */
  private stopGracefully(current: CurrentRun, graceSeconds: number): void {
    if (current.gracefulStop) return;
    if (!this.executor.abort(`stop-job: ${graceSeconds} s to clean up`)) {
      this.executor.kill('stop-job');
      return;
    }
    this.log.info(`Stopping job ${current.job.id} gracefully: ${graceSeconds} s before its horse is killed`);
    const kill = setTimeout(() => this.executor.kill('stop-job'), graceSeconds * 1000);
    kill.unref();
    current.gracefulStop = { abortedAt: Date.now(), graceSeconds, kill };
  }

  /** First call: warm (finish the current job, then stop). Second: cold (kill it now). */
  requestStop(kind?: 'warm' | 'cold'): void {
    const next = kind ?? (this.stopKind ? 'cold' : 'warm');
    if (this.stopKind === 'cold' || (this.stopKind === 'warm' && next === 'warm')) return;
    this.stopKind = next;
    this.emit('worker:stopping', next);
    if (next === 'warm') {
      this.log.info(`Worker ${this.name} [PID ${process.pid}]: warm shut down requested`);
      if (this.current) void this.store.setShutdownRequested().catch(() => undefined);
    } else {
      this.log.warn(`Worker ${this.name} [PID ${process.pid}]: cold shut down`);
      if (this.current) this.executor.kill('shutdown');
    }
    this.waiter.interrupt();
  }

  private async setState(state: WorkerState, ttl?: number): Promise<void> {
    if (this.state === state && ttl === undefined) return;
    if (this.state !== state) this.log.debug(`State ${this.state} -> ${state}`);
    this.state = state;
    if (await this.persist(`set the worker ${state}`, () => this.store.setState(state, ttl), true)) return;
    await this.registerAgain();
  }

  /**
   * Our key is gone (a Redis restart without persistence, a FLUSHALL, a long stall): register
   * again, or Python's Worker.all and the console would lose sight of a live worker.
   */
  private async registerAgain(): Promise<void> {
    this.log.warn(`Worker key ${this.store.key} was gone from Redis; registering again`);
    await this.persist('register the worker', async () => {
      await this.store.registerBirth(this.options.workerTtl);
      await this.store.setState(this.state, this.idleTtl);
    });
  }

  /**
   * One step, sent again while Redis refuses writes (OOM, LOADING, READONLY, MASTERDOWN).
   * `idle`: a step with no outcome at stake, abandoned once a stop was asked for.
   */
  private persist<T>(what: string, step: () => Promise<T>, idle = false): Promise<T> {
    return retryRefused(what, step, {
      warn: (line) => this.log.warn(line),
      info: (line) => this.log.info(line),
      giveUp: () => (idle ? this.stopKind !== undefined : this.stopKind === 'cold'),
    });
  }

  private async teardown(): Promise<void> {
    this.watchConnection(false);
    // A job fetched with the last finish but never started goes back where it was.
    const unstarted = this.takePrefetched();
    if (unstarted?.kind === 'job')
      await this.store
        .returnToQueue(unstarted.job)
        .then((outcome) => this.dropped(unstarted.job, 'return-to-queue', outcome))
        .catch((error: unknown) =>
          this.log.error(`Could not return job ${unstarted.job.id} to its queue: ${String(error)}`),
        );
    await this.scheduler?.stop().catch(() => undefined);
    await this.listener.stop().catch(() => undefined);
    await this.waiter.close();
    await this.executor.close();
    this.log.info('Registering death');
    // Bounded: a worker told to stop while Redis is down must still exit; its key then
    // expires by itself, as a killed worker's does.
    const registered = this.store
      .registerDeath()
      .catch((error: unknown) => this.log.error(`Could not register death: ${String(error)}`));
    if (!(await settledWithin(registered, DEATH_REGISTRATION_MS)))
      this.log.error(
        `Could not register death within ${DEATH_REGISTRATION_MS / 1000} s (is Redis reachable?); its key will expire by itself`,
      );
    this.emit('worker:stopped', this.name);
  }

  private setTitle(doing: string): void {
    // Back-to-back jobs of one function keep the title they set first ("Running f since" the
    // run of f began): setting a process title costs a prctl and a copy over argv per call.
    if (doing === this.titleDoing) return;
    this.titleDoing = doing;
    process.title = `rqts: ${doing} since ${formatTimestamp(new Date())}`;
  }
}

const SCHEDULER_TICK_MS = 1000;
const DEATH_REGISTRATION_MS = 5000;

function effectiveTimeout(job: Job): number {
  // RQ treats an empty or 0 timeout as the default 180 s.
  return job.timeout === undefined || job.timeout === 0 ? 180 : job.timeout;
}

/** A graceful stop ends the job stopped whatever it did after the signal; say what that was. */
function gracefulStopReason(outcome: ExecOutcome, stop: { abortedAt: number; graceSeconds: number }): string {
  const after = ((Date.now() - stop.abortedAt) / 1000).toFixed(1);
  if (outcome.kind === 'died' && outcome.reason === 'stop-job')
    return `Job stopped by user: it did not end within its ${stop.graceSeconds} s grace period after the abort signal; work-horse terminated.`;
  const how =
    outcome.kind === 'succeeded' ? 'returned' : outcome.kind === 'failed' ? 'raised' : 'its horse died';
  return `Job stopped gracefully by user: after the abort signal it ${how} within ${after} s (grace period ${stop.graceSeconds} s).`;
}
