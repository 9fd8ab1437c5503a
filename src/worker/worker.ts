import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Job } from '../model/job.js';
import { validateQueueName } from '../model/queue.js';
import { JSONSerializer } from '../model/serializer.js';
import type { WorkerCommand } from '../model/commands.js';
import {
  countWorkers,
  findWorker,
  findWorkers,
  type WorkerRecord,
  type WorkerState,
} from '../model/worker-record.js';
import { CommandListener } from './command-listener.js';
import { settledWithin } from '../deadline.js';
import { loadDeathPenaltyClass, type DeathPenaltyClass } from './death-penalty.js';
import { loadExceptionHandlers, runExceptionHandlers, type ExceptionHandler } from './exception-handlers.js';
import type { Executor } from './executor.js';
import { HorseExecutor } from './horse.js';
import { horseSetup } from './horse-setup.js';
import { JobPerformer, reportStep, type PerformerHost } from './job-performer.js';
import { Maintenance } from './maintenance.js';
import { dequeueTimeout, withDefaults, type ResolvedWorkerOptions, type WorkerOptions } from './options.js';
import { Scheduler } from './scheduler.js';
import { ShutdownSignals } from './shutdown-signals.js';
import { processTitle } from './process-title.js';
import { PROTOCOL_VERSION_TEXT, resolveProtocol } from './rq-protocol.js';
import { WorkerStore, type DequeueRequest, type DroppedId } from './store.js';
import { QueueOrder } from './strategies.js';
import { retryRefused } from './refused-writes.js';
import { QueueWaiter } from './waiter.js';
import { watchReconnects } from './reconnect-log.js';
import type { WorkerEvents } from './worker-events.js';
import { consoleLogger, escapingLogger, type WorkerLogger } from './worker-logger.js';
import { VERSION } from '../version.js';

// The worker lifecycle (docs/protocol.md §3, §6): birth, listen, take a job atomically, hand it
// to the JobPerformer (job-performer.ts: run it, record the outcome in one fenced step), loop;
// pub/sub commands and stops; death on every exit path.

export type WorkerClassName = 'Worker' | 'SimpleWorker';
export type { WorkerEvents } from './worker-events.js';

export interface WorkerDeps {
  logger?: WorkerLogger;
  /** Install SIGINT/SIGTERM handlers for the duration of work(). @default true */
  handleSignals?: boolean;
  /**
   * Called right after a job was taken from its queue, before its horse has it: the seam the
   * fault tests die through (test/fixtures/faults/die-after-dequeue.mjs).
   */
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
  private readonly performer: JobPerformer;
  private state: WorkerState = 'started';
  private stopKind: 'warm' | 'cold' | undefined;
  private handlers: ExceptionHandler[] = [];
  private deathPenalty: DeathPenaltyClass | undefined;
  private jobsDone = 0;
  private readonly setTitle = processTitle();
  private unwatchConnection: (() => void) | undefined;

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
    this.performer = new JobPerformer(this.performerHost());
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
      setup: () => horseSetup(this.connection, this.store, this.options),
    });
  }

  /** What the JobPerformer uses of this worker (the options and store, and the loop's say). */
  private performerHost(): PerformerHost {
    return {
      name: this.name,
      options: this.options,
      store: this.store,
      executor: this.executor,
      executionMode: this.executionMode,
      log: this.log,
      idleTtl: this.idleTtl,
      handlers: () => this.handlers,
      deathPenalty: () => this.deathPenalty,
      emit: this.emit.bind(this),
      persist: (what, step) => this.persist(what, step),
      nextDequeue: () => (this.mayPrefetch() ? this.dequeueRequest() : undefined),
      setTitle: this.setTitle,
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

  private async bootstrap(): Promise<void> {
    this.unwatchConnection = watchReconnects(this.connection, this.log);
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
        this.performer.takePrefetched() ??
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
      await this.performer.perform(taken.job, taken.queue, taken.problem);
      // The finish or failure script has set the worker hash idle already.
      this.state = 'idle';
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

  private onCommand(command: WorkerCommand): void {
    this.log.info(
      `Received command: ${command.command}${command.command === 'stop-job' ? ` ${command.job_id}` : ''}`,
    );
    if (command.command === 'shutdown') this.requestStop();
    else if (command.command === 'kill-horse') this.performer.killHorse();
    else this.performer.stopJob(command.job_id, command.graceful);
  }

  /** First call: warm (finish the current job, then stop). Second: cold (kill it now). */
  requestStop(kind?: 'warm' | 'cold'): void {
    const next = kind ?? (this.stopKind ? 'cold' : 'warm');
    if (this.stopKind === 'cold' || (this.stopKind === 'warm' && next === 'warm')) return;
    this.stopKind = next;
    this.emit('worker:stopping', next);
    if (next === 'warm') {
      this.log.info(`Worker ${this.name} [PID ${process.pid}]: warm shut down requested`);
      if (this.performer.current) void this.store.setShutdownRequested().catch(() => undefined);
    } else {
      this.log.warn(`Worker ${this.name} [PID ${process.pid}]: cold shut down`);
      if (this.performer.current) this.executor.kill('shutdown');
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
    this.unwatchConnection?.();
    // A job fetched with the last finish but never started goes back where it was.
    const unstarted = this.performer.takePrefetched();
    if (unstarted?.kind === 'job')
      await this.store
        .returnToQueue(unstarted.job)
        .then((outcome) => reportStep(this.log, unstarted.job, 'return-to-queue', outcome))
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
}

const SCHEDULER_TICK_MS = 1000;
const DEATH_REGISTRATION_MS = 5000;
