import type { Redis } from 'ioredis';
import { keys } from '../../redis/keys.js';
import { sendKillHorseCommand, sendShutdownCommand, sendStopJobCommand } from '../../model/commands.js';
import { Queue } from '../../model/queue.js';
import { Registry } from '../../model/registry.js';
import { resume, suspend } from '../../model/suspension.js';
import { escapeControl } from '../text.js';
import { DEFAULT_FAILURE_TTL } from '../../model/job.js';
import { compress } from '../../model/serializer.js';
import { formatTimestamp, unixNow } from '../../model/time.js';
import { failedScore } from '../../model/transitions.js';
import { SCRIPTS } from '../../redis/scripts/index.js';
import { describeNoPermission } from '../../redis/acl.js';
import { cleanQueueNow, removeWorkerEntry } from './worker-removal.js';
import {
  adviseNoEffect,
  signalEffect,
  signalLabel,
  signalNoEffect,
  workerProcess,
  type EscalationSignal,
} from './escalation.js';
import { describeBulk, outcomeText, progressText, runBulk, type BulkCommand } from './bulk.js';
import { keyOf } from '../keymap.js';

// Actions and their receipts. RQ's commands are fire-and-forget: PUBLISH only says how
// many subscribers got the message. So every command reports that count first (0: nobody
// heard it, say so), then watches Redis for the effect until a deadline, and ends with
// what happened, or with "nothing happened" and the next step worth trying.

export type Command =
  | { kind: 'killHorse'; worker: string; jobId: string }
  | { kind: 'stopJob'; jobId: string; worker?: string; graceSeconds?: number }
  | { kind: 'shutdown'; worker: string }
  | { kind: 'removeGhost'; worker: string }
  | { kind: 'removeWorker'; worker: string; queues: string[] }
  | { kind: 'signalLaunched'; worker: string; signal: EscalationSignal }
  | { kind: 'requeue'; queue: string; jobId: string }
  | { kind: 'failOrphan'; queue: string; jobId: string; worker: string | undefined; reason: string }
  | { kind: 'requeueOrphan'; queue: string; jobId: string; worker: string | undefined }
  | { kind: 'requeueAll'; queue: string }
  | { kind: 'emptyQueue'; queue: string }
  | { kind: 'cleanRegistries'; queue: string }
  | { kind: 'suspend' }
  | { kind: 'resume' }
  | BulkCommand;

export type ReceiptPhase = 'running' | 'done' | 'no-effect' | 'unheard' | 'error';

export interface Receipt {
  seq: number;
  command: Command;
  phase: ReceiptPhase;
  /** Subscribers that received a pub/sub command. */
  listeners: number | undefined;
  message: string;
  startedAt: number;
  endedAt: number | undefined;
  /** What to try when nothing happened (the `n` key). */
  nextStep: { command: Command; label: string } | undefined;
}

export interface ActionOptions {
  /** How long to watch for a command's effect before calling it "no effect". */
  effectDeadlineMs?: number;
  pollMs?: number;
  /** Names of workers this console launched: they can be terminated as a last resort. */
  isLaunched?: (worker: string) => boolean;
  /** Signals a launched worker's process (SIGKILL: its whole group); false if unknown. */
  signalLaunched?: (worker: string, signal: EscalationSignal) => boolean;
  /** Jobs a bulk action moves per script call (tests make it small to catch it mid-way). */
  bulkChunk?: number;
  /** Called after an action changed something, to refresh the screen at once. */
  onChanged?: () => void;
}

export function describeCommand(command: Command): string {
  switch (command.kind) {
    case 'killHorse':
      return `kill-horse → ${escapeControl(command.worker)}`;
    case 'stopJob':
      return command.graceSeconds === undefined
        ? `stop-job ${escapeControl(command.jobId)}`
        : `graceful stop-job ${escapeControl(command.jobId)} (${command.graceSeconds} s)`;
    case 'shutdown':
      return `shutdown → ${escapeControl(command.worker)}`;
    case 'removeGhost':
      return `remove ghost ${escapeControl(command.worker)}`;
    case 'removeWorker':
      return `remove dead worker ${escapeControl(command.worker)}`;
    case 'signalLaunched':
      return `${command.signal} launched worker ${escapeControl(command.worker)}`;
    case 'requeue':
      return `requeue ${escapeControl(command.jobId)}`;
    case 'failOrphan':
      return `fail orphaned ${escapeControl(command.jobId)}`;
    case 'requeueOrphan':
      return `requeue orphaned ${escapeControl(command.jobId)} (front)`;
    case 'requeueAll':
      return `requeue all failed of ${escapeControl(command.queue)}`;
    case 'emptyQueue':
      return `empty ${escapeControl(command.queue)}`;
    case 'cleanRegistries':
      return `clean registries of ${escapeControl(command.queue)}`;
    case 'suspend':
      return 'suspend workers';
    case 'resume':
      return 'resume workers';
    case 'bulk':
      return escapeControl(describeBulk(command));
  }
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class ActionCenter {
  private receipts: Receipt[] = [];
  private seq = 0;
  private readonly listeners = new Set<() => void>();
  /** The running bulk actions, which Esc stops between two chunks. */
  private readonly bulks = new Set<AbortController>();

  constructor(
    private readonly redis: Redis,
    private readonly options: ActionOptions = {},
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): readonly Receipt[] => this.receipts;

  /** Stops every running bulk action (each ends after its current chunk); false if none ran. */
  cancelBulk(): boolean {
    for (const controller of this.bulks) controller.abort();
    const any = this.bulks.size > 0;
    this.bulks.clear();
    return any;
  }

  latest(): Receipt | undefined {
    return this.receipts[this.receipts.length - 1];
  }

  /** Runs a command; resolves with its final receipt (never rejects). */
  async run(command: Command): Promise<Receipt> {
    const receipt: Receipt = {
      seq: ++this.seq,
      command,
      phase: 'running',
      listeners: undefined,
      message: `${describeCommand(command)}: sending…`,
      startedAt: Date.now(),
      endedAt: undefined,
      nextStep: undefined,
    };
    this.receipts = [...this.receipts.slice(-49), receipt];
    this.emit();
    const update = (patch: Partial<Receipt>): void => {
      Object.assign(receipt, patch);
      this.receipts = this.receipts.map((r) => (r.seq === receipt.seq ? { ...receipt } : r));
      this.emit();
    };
    try {
      await this.execute(command, update);
    } catch (error) {
      update({
        phase: 'error',
        message: `${describeCommand(command)} failed: ${escapeControl(describeNoPermission(error) ?? (error as Error).message)}`,
      });
    }
    if (receipt.phase === 'running') update({ phase: 'done' });
    update({ endedAt: Date.now() });
    this.options.onChanged?.();
    return { ...receipt };
  }

  private get deadlineMs(): number {
    return this.options.effectDeadlineMs ?? 5000;
  }

  /** Polls `probe` until it returns a message or the deadline passes. */
  private async watch(
    probe: () => Promise<string | undefined>,
    tick: (elapsedMs: number) => void,
    deadlineMs = this.deadlineMs,
  ): Promise<string | undefined> {
    const started = Date.now();
    for (;;) {
      const found = await probe().catch(() => undefined);
      if (found) return found;
      const elapsed = Date.now() - started;
      if (elapsed >= deadlineMs) return undefined;
      tick(elapsed);
      await wait(this.options.pollMs ?? 150);
    }
  }

  private unheardStep(worker: string): Receipt['nextStep'] {
    if (this.options.isLaunched?.(worker))
      return {
        command: { kind: 'signalLaunched', worker, signal: 'SIGTERM' },
        label: `SIGTERM the process (launched here)`,
      };
    return undefined;
  }

  /**
   * Heard, yet nothing happened: says what this host's process table shows (a SIGSTOPped
   * listener still counts) and offers the step that can work; `fallback` when the process
   * runs and nothing better is known.
   */
  private async noEffect(
    worker: string,
    what: string,
    outcome: string,
    fallback: Receipt['nextStep'],
  ): Promise<Partial<Receipt>> {
    const proc = await workerProcess(this.redis, worker);
    const advice = adviseNoEffect(proc, this.options.isLaunched?.(worker) ?? false);
    const step = advice.step;
    const nextStep: Receipt['nextStep'] =
      // Only a process known to be stopped skips the milder fallback (e.g. shut it down).
      step && (advice.stopped || !fallback)
        ? step.kind === 'signal'
          ? { command: { kind: 'signalLaunched', worker, signal: step.signal }, label: step.label }
          : { command: { kind: 'removeWorker', worker, queues: step.queues }, label: step.label }
        : fallback;
    // What the process table shows leads: at 80 columns the status line keeps only the start.
    const message = advice.headline
      ? `${what}: ${advice.headline}; ${outcome}: ${advice.why}`
      : `${what}: ${outcome}: ${advice.why}`;
    return { phase: 'no-effect', message, nextStep };
  }

  private async signalLaunched(
    command: Extract<Command, { kind: 'signalLaunched' }>,
    update: (patch: Partial<Receipt>) => void,
  ): Promise<void> {
    const what = describeCommand(command);
    const proc = await workerProcess(this.redis, command.worker);
    if (!(this.options.signalLaunched?.(command.worker, command.signal) ?? false))
      return update({ phase: 'error', message: `${what}: not a running worker of this console` });
    const outcome = await this.watch(
      async () => (await signalEffect(this.redis, command.worker, proc, command.signal))?.message,
      (elapsed) => update({ message: `${what}: sent; checking its effect… ${(elapsed / 1000).toFixed(1)}s` }),
    );
    if (outcome) return update({ phase: 'done', message: `${what}: ${outcome}` });
    const failed = signalNoEffect(proc, command.signal, this.deadlineMs / 1000);
    update({
      phase: 'no-effect',
      message: `${what}: ${failed.message}`,
      nextStep: failed.next && {
        command: { kind: 'signalLaunched', worker: command.worker, signal: failed.next },
        label: signalLabel(failed.next),
      },
    });
  }

  private async execute(command: Command, update: (patch: Partial<Receipt>) => void): Promise<void> {
    const what = describeCommand(command);
    const progress = (verb: string) => (elapsed: number) =>
      update({
        message: `${what}: heard by ${plural(receiptListeners(), 'listener')}; ${verb}… ${(elapsed / 1000).toFixed(1)}s`,
      });
    let listeners = 0;
    const receiptListeners = (): number => listeners;
    switch (command.kind) {
      case 'killHorse': {
        listeners = await sendKillHorseCommand(this.redis, command.worker);
        update({ listeners });
        if (listeners === 0) return this.reportUnheard(command.worker, what, update);
        const effect = await this.watch(
          () => this.jobLeftWorker(command.worker, command.jobId),
          progress('waiting for the horse to die'),
        );
        if (effect)
          return update({
            phase: 'done',
            message: `${what}: heard by ${plural(listeners, 'listener')}; horse killed, ${effect}`,
          });
        return update(
          await this.noEffect(
            command.worker,
            what,
            `the job still runs after ${this.deadlineMs / 1000}s, though heard by ${plural(listeners, 'listener')}`,
            { command: { kind: 'shutdown', worker: command.worker }, label: 'shut the worker down' },
          ),
        );
      }
      case 'stopJob': {
        const grace = command.graceSeconds;
        const sent = await sendStopJobCommand(
          this.redis,
          command.jobId,
          undefined,
          grace === undefined ? {} : { graceful: grace },
        );
        listeners = sent.receivers;
        update({ listeners });
        if (listeners === 0) return this.reportUnheard(sent.workerName, what, update);
        // A graceful stop may take its whole grace period before the horse is killed.
        const deadlineMs = this.deadlineMs + (grace ?? 0) * 1000;
        const effect = await this.watch(
          () => this.jobLeftWorker(sent.workerName, command.jobId),
          progress(grace === undefined ? 'waiting for the job to stop' : 'waiting for the job to wind up'),
          deadlineMs,
        );
        if (effect)
          return update({
            phase: 'done',
            message: `${what}: heard by ${plural(listeners, 'listener')}; ${effect}`,
          });
        return update(
          await this.noEffect(
            sent.workerName,
            what,
            `the job still runs after ${deadlineMs / 1000}s, though heard by ${plural(listeners, 'listener')}`,
            {
              command: { kind: 'killHorse', worker: sent.workerName, jobId: command.jobId },
              label: 'kill the horse',
            },
          ),
        );
      }
      case 'shutdown': {
        listeners = await sendShutdownCommand(this.redis, command.worker);
        update({ listeners });
        if (listeners === 0) return this.reportUnheard(command.worker, what, update);
        const effect = await this.watch(
          () => this.workerStopping(command.worker),
          progress('waiting for the worker to exit'),
        );
        if (effect)
          return update({
            phase: 'done',
            message: `${what}: heard by ${plural(listeners, 'listener')}; ${effect}`,
          });
        return update(
          await this.noEffect(
            command.worker,
            what,
            `the worker is still up after ${this.deadlineMs / 1000}s, though heard by ${plural(listeners, 'listener')}`,
            undefined,
          ),
        );
      }
      case 'removeGhost': {
        const removed = await this.removeGhost(command.worker);
        return update({
          phase: 'done',
          message: removed
            ? `${what}: removed from the worker sets`
            : `${what}: the worker has a hash again; left it alone`,
        });
      }
      case 'cleanRegistries':
        return update({
          phase: 'done',
          message: `${what}: ${await cleanQueueNow(this.redis, command.queue)}`,
        });
      case 'removeWorker': {
        const { currentJob } = await removeWorkerEntry(this.redis, command.worker, command.queues);
        return update({
          phase: 'done',
          message: `${what}: entry removed${currentJob ? `; its job ${escapeControl(currentJob)} is ORPHANED (${keyOf('action.failOrphan')} fails it, ${keyOf('action.requeue')} requeues it)` : ''}`,
        });
      }
      case 'signalLaunched':
        return this.signalLaunched(command, update);
      case 'requeue': {
        await new Registry('failed', command.queue, this.redis).requeue(command.jobId);
        return update({ phase: 'done', message: `${what}: back in queue ${escapeControl(command.queue)}` });
      }
      case 'failOrphan':
      case 'requeueOrphan': {
        const done = await resolveOrphan(this.redis, command);
        return update({
          phase: done ? 'done' : 'no-effect',
          message: done
            ? command.kind === 'failOrphan'
              ? `${what}: moved to the failed registry of ${escapeControl(command.queue)}`
              : `${what}: back at the front of ${escapeControl(command.queue)}`
            : `${what}: it is no longer a started job in ${escapeControl(command.queue)}; left it alone`,
        });
      }
      case 'requeueAll': {
        const registry = new Registry('failed', command.queue, this.redis);
        let count = 0;
        // Page through Redis rather than loading a huge registry into memory at once.
        for (;;) {
          const ids = await registry.jobIds(0, 499);
          if (ids.length === 0) break;
          for (const id of ids) {
            try {
              await registry.requeue(id);
              count++;
            } catch {
              await registry.remove(id); // hash expired: nothing left to requeue
            }
          }
          update({ message: `${what}: ${count} requeued so far…` });
        }
        return update({ phase: 'done', message: `${what}: ${plural(count, 'job')} requeued` });
      }
      case 'emptyQueue': {
        const removed = await new Queue(command.queue, this.redis).empty();
        return update({ phase: 'done', message: `${what}: ${plural(removed, 'job')} deleted` });
      }
      case 'suspend':
        await suspend(this.redis);
        return update({
          phase: 'done',
          message: `Workers suspended: running jobs finish, no new job starts (${keyOf('action.suspendToggle')} resumes)`,
        });
      case 'resume':
        await resume(this.redis);
        return update({ phase: 'done', message: 'Workers resumed' });
      case 'bulk': {
        const controller = new AbortController();
        this.bulks.add(controller);
        try {
          const outcome = await runBulk(
            this.redis,
            command,
            controller.signal,
            (p) =>
              update({ message: `${what}: ${progressText(command.op, p)} (${keyOf('nav.back')} stops)` }),
            { chunk: this.options.bulkChunk },
          );
          return update({
            phase: outcome.cancelled ? 'no-effect' : 'done',
            message: `${what}: ${outcomeText(command.op, outcome)}`,
          });
        } finally {
          this.bulks.delete(controller);
        }
      }
    }
  }

  private async reportUnheard(
    worker: string,
    what: string,
    update: (patch: Partial<Receipt>) => void,
  ): Promise<void> {
    const exists = (await this.redis.exists(keys.worker(worker))) === 1;
    if (!exists) {
      return update({
        phase: 'unheard',
        message: `${what}: nobody heard it (0 listeners) — the worker's hash is gone: a ghost entry`,
        nextStep: { command: { kind: 'removeGhost', worker }, label: 'remove the ghost entry' },
      });
    }
    update({
      phase: 'unheard',
      message: `${what}: nobody heard it (0 listeners on ${escapeControl(keys.workerChannel(worker))}) — the worker is frozen or its listener died`,
      nextStep: this.unheardStep(worker),
    });
  }

  /** The effect of kill-horse / stop-job: the worker no longer runs the job; says how it ended. */
  private async jobLeftWorker(worker: string, jobId: string): Promise<string | undefined> {
    const [current, status] = await this.redis
      .pipeline()
      .hget(keys.worker(worker), 'current_job')
      .hget(keys.job(jobId), 'status')
      .exec()
      .then((r) => (r ?? []).map((x) => x[1] as string | null));
    if (current === jobId && status === 'started') return undefined;
    if (status === 'started') return undefined;
    if (status === null) return `job ${escapeControl(jobId)} is gone`;
    const where =
      status === 'failed' || status === 'stopped'
        ? ' (in the failed registry)'
        : status === 'queued' || status === 'scheduled'
          ? ' (retried: it had retries left)'
          : '';
    return `job ${escapeControl(jobId)} ended ${escapeControl(status ?? '?')}${where}`;
  }

  private async workerStopping(worker: string): Promise<string | undefined> {
    const [exists, death, requested, member] = await this.redis
      .pipeline()
      .exists(keys.worker(worker))
      .hget(keys.worker(worker), 'death')
      .hget(keys.worker(worker), 'shutdown_requested_date')
      .sismember(keys.allWorkers, keys.worker(worker))
      .exec()
      .then((r) => (r ?? []).map((x) => x[1]));
    if (Number(exists) === 0 || death || Number(member) === 0)
      return 'the worker has exited (death registered)';
    if (requested) return 'shutdown requested: the worker finishes its current job, then exits';
    return undefined;
  }

  private async removeGhost(worker: string): Promise<boolean> {
    const key = keys.worker(worker);
    if ((await this.redis.exists(key)) === 1) return false;
    // A ghost's hash is gone, so its queue list is too: drop it from every per-queue set.
    const queueKeys = await this.redis.smembers(keys.allQueues);
    const multi = this.redis.multi().srem(keys.allWorkers, key);
    for (const qk of queueKeys) multi.srem(keys.workersOfQueue(qk.slice(keys.queue('').length)), key);
    await multi.exec();
    return true;
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/**
 * Fails or requeues an orphaned started job in one script. The failure reads as RQ's own
 * clean-up would write it: status failed, the failed registry, a FAILED result naming why.
 */
async function resolveOrphan(
  redis: Redis,
  command: Extract<Command, { kind: 'failOrphan' | 'requeueOrphan' }>,
): Promise<boolean> {
  const now = new Date();
  const { jobId, queue } = command;
  const fail = command.kind === 'failOrphan';
  const failureTtl = Number((await redis.hget(keys.job(jobId), 'failure_ttl')) || DEFAULT_FAILURE_TTL);
  const text = fail
    ? `Moved to FailedJobRegistry by rqts console at ${formatTimestamp(now)}: ${command.reason}${command.worker ? ` (worker ${command.worker})` : ''}`
    : '';
  const replies = await SCRIPTS.resolveOrphan.call(
    redis,
    [
      keys.registry('started', queue),
      keys.job(jobId),
      fail ? keys.registry('failed', queue) : keys.queue(queue),
      fail ? keys.results(jobId) : keys.allQueues,
      keys.worker(command.worker ?? ''),
    ],
    [
      jobId,
      fail ? 'fail' : 'requeue',
      formatTimestamp(now),
      String(failedScore(failureTtl, unixNow(now.getTime()))),
      fail ? compress(text).toString('base64') : '',
      String(failureTtl),
      command.worker ?? '',
    ],
  );
  return Number(replies) === 1;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
