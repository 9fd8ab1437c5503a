import { randomBytes } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import { keys } from '../redis/keys.js';
import { defineScripts, SCRIPTS, type DequeueReply } from '../redis/scripts/index.js';
import type { PackedArg } from '../redis/packed-command.js';
import { Job } from '../model/job.js';
import { JSONSerializer, toBuffer, type Serializer } from '../model/serializer.js';
import { formatSeconds, formatTimestamp, unixNow } from '../model/time.js';
import { recordCommands } from '../redis/command-recorder.js';
import { failCommands, finishScriptParts } from '../model/transitions.js';
import type { ResultExecution } from '../model/results.js';
import { repeatCommands, repeatPlan } from '../model/repeat.js';
import {
  readDequeueReply,
  type DequeueRequest,
  type DequeueResult,
  type JobReader,
} from './dequeue-reply.js';
import { StoreTexts } from './store-texts.js';
import { WorkerHash, type WorkerIdentity } from './worker-hash.js';

export type { DequeueRequest, DequeueResult, DroppedId } from './dequeue-reply.js';
export type { WorkerIdentity } from './worker-hash.js';

// Every Redis write a worker makes about its jobs, as RQ 1.16 makes them (docs/protocol.md §2,
// §6), each state change in one MULTI or one script: one round trip per step of a job's life.
// The worker's own hash (birth, death, state, heartbeats) is WorkerHash's (worker-hash.ts);
// reading a dequeue's reply into a Job is dequeue-reply.ts's.

/** What a busy heartbeat publishes of the horse's memory (bytes), each when known. */
export interface HorseMemory {
  rssBytes?: number | undefined;
  limitBytes?: number | undefined;
  /** Its limiting cgroup's usage: worker, horse and page cache, what the OOM killer judges. */
  usedBytes?: number | undefined;
}

export class WorkerStore extends WorkerHash {
  private readonly knownFieldsOnly: boolean;
  private readonly reader: JobReader;
  private readonly texts: StoreTexts;
  /** The started-registry member each job was taken under, when it is not the job id. */
  private readonly members = new WeakMap<Job, string>();
  /** Speaking RQ 2.x: the execution each job runs as (its id and created_at). */
  private readonly executions = new WeakMap<Job, ResultExecution & { startedAt: Date }>();
  /**
   * False in a horse whose worker is gone: its finish and failure leave the worker hash alone
   * (no counters, no state, no TTL, no step token), so a dead worker never looks alive and a
   * later worker of the same name keeps its own step tokens. The job fence still applies.
   */
  keepsWorkerHash = true;
  /** Step tokens: unique per call of this worker, so a replayed call can tell it ran. */
  private readonly tokenPrefix = randomBytes(4).toString('hex');
  private steps = 0;

  constructor(
    connection: Redis,
    identity: WorkerIdentity,
    readonly serializer: Serializer = JSONSerializer,
    jobClass: typeof Job = Job,
  ) {
    super(connection, identity);
    // Its MULTIs (a finish with a repeat) then queue scripts by SHA.
    defineScripts(connection);
    // A custom job class may read fields of its own from the hash: it gets the whole hash.
    this.knownFieldsOnly = jobClass === Job;
    this.reader = { knownFieldsOnly: this.knownFieldsOnly, jobClass, serializer };
    this.texts = new StoreTexts(this.key, identity.name);
  }

  /** Pops the first available job and marks it started, atomically (scripts/dequeue-n.lua). */
  async dequeue(request: DequeueRequest): Promise<DequeueResult> {
    const now = new Date();
    const parts = this.dequeueParts(request, now);
    return this.parseDequeue(
      await SCRIPTS.dequeue.call(this.connection, parts.keys, parts.args, { buffers: true }),
      request.queues,
      parts.execution,
    );
  }

  private nextToken(): string {
    this.steps += 1;
    return `${this.tokenPrefix}.${this.steps}`;
  }

  /** The member the worker's dequeue wrote for `job` in its started registry. */
  memberOf(job: Job): string {
    return this.members.get(job) ?? job.id;
  }

  /** A job its worker took under `member` (and `execution`), recorded now by its horse. */
  adopt(job: Job, member: string, execution?: ResultExecution & { startedAt: Date }): void {
    if (member !== job.id) this.members.set(job, member);
    if (execution) this.executions.set(job, execution);
  }

  /** Speaking 2.x: the execution a job this worker takes will run as. */
  executionOf(job: Job): (ResultExecution & { startedAt: Date }) | undefined {
    return this.executions.get(job);
  }

  /** dequeue-n's key pairs and 13 arguments; texts that never change for this worker are Fixed. */
  private dequeueParts(
    request: DequeueRequest,
    at: Date,
    token: string = this.nextToken(),
  ): {
    keys: PackedArg[];
    args: PackedArg[];
    execution: (ResultExecution & { startedAt: Date }) | undefined;
  } {
    const now = formatTimestamp(at);
    const nowSeconds = String(unixNow(at.getTime()));
    // 32 hex digits, as a 2.x worker names its executions; one per call (a replay resends it).
    const execution =
      this.protocol === 2 ? { id: randomBytes(16).toString('hex'), startedAt: at } : undefined;
    const fixed = this.texts.fixed;
    const scriptKeys: PackedArg[] = [];
    for (const queue of request.queues) {
      const texts = this.texts.queue(queue);
      scriptKeys.push(texts.queue, texts.finish.started);
    }
    const mode = request.mode === 'simple' ? fixed.simple : fixed.horse;
    return {
      keys: scriptKeys,
      args: [
        fixed.workerKey,
        fixed.jobPrefix,
        fixed.workerName,
        now,
        nowSeconds,
        String(request.monitoringInterval),
        mode,
        fixed.suspended,
        this.knownFieldsOnly ? fixed.knownFields : fixed.wholeHash,
        fixed.allWorkers,
        token,
        execution?.id ?? '',
        execution ? String(at.getTime() / 1000) : '',
      ],
      execution,
    };
  }

  private parseDequeue(
    reply: DequeueReply,
    queues: readonly string[],
    execution?: ResultExecution & { startedAt: Date },
  ): DequeueResult {
    const result = readDequeueReply(reply, queues, this.reader);
    if (execution && result.kind === 'job') {
      this.members.set(result.job, `${result.job.id}:${execution.id}`);
      this.executions.set(result.job, execution);
    }
    return result;
  }

  /**
   * Puts a job this worker took but never started back at the front of its queue (a stop
   * arrived after it was fetched along with the previous job's finish).
   */
  async returnToQueue(job: Job): Promise<StepOutcome> {
    const { commander, args } = recordCommands();
    commander.zrem(keys.registry('started', job.origin), this.memberOf(job));
    const execution = this.executions.get(job);
    if (execution) {
      commander.del(keys.execution(job.id, execution.id));
      commander.zrem(keys.executions(job.id), execution.id);
    }
    commander.hset(job.key, 'status', 'queued', 'started_at', '', 'worker_name', '');
    commander.lpush(keys.queue(job.origin), job.id);
    commander.hdel(this.key, 'current_job');
    commander.hset(this.key, 'state', 'idle');
    return this.fencedBatch(job, args);
  }

  /**
   * Commands that end this worker's hold on a job, run only while it still holds it
   * (scripts/fenced-batch-3.lua): 'ok', 'replayed' (a lost reply's second send), or why not.
   */
  private async fencedBatch(job: Job, commands: (string | Buffer)[]): Promise<StepOutcome> {
    const reply = await SCRIPTS.fencedBatch.call(
      this.connection,
      [job.key, keys.registry('started', job.origin), this.key],
      [this.memberOf(job), this.identity.name, this.keepsWorkerHash ? this.nextToken() : '', ...commands],
    );
    return stepOutcome(reply);
  }

  /** Busy heartbeat (docs/protocol.md §2.3 maintain_heartbeats), one MULTI. */
  async jobHeartbeat(job: Job, ttl: number, workingSeconds: number, memory: HorseMemory = {}): Promise<void> {
    const now = new Date();
    const multi = this.connection.multi();
    // horse_rss, horse_mem_limit, horse_mem_used: rqts fields (Python RQ ignores fields it
    // does not know) for the console's MEM column and MEM-HIGH flag.
    const rss = [
      ...(memory.rssBytes === undefined ? [] : ['horse_rss', String(memory.rssBytes)]),
      ...(memory.limitBytes === undefined ? [] : ['horse_mem_limit', String(memory.limitBytes)]),
      ...(memory.usedBytes === undefined ? [] : ['horse_mem_used', String(memory.usedBytes)]),
    ];
    // Asked first, in the same MULTI: whether the worker hash still existed before this beat.
    multi.exists(this.key);
    multi.hset(this.key, 'current_job_working_time', formatSeconds(workingSeconds), ...rss);
    this.heartbeatCommands(multi, ttl);
    // HSETNX-free: only touch the job hash if it still exists (result_ttl 0 may have deleted it).
    multi.hset(job.key, 'last_heartbeat', formatTimestamp(now));
    multi.zadd(
      keys.registry('started', job.origin),
      'XX',
      String(unixNow(now.getTime()) + ttl),
      this.memberOf(job),
    );
    const execution = this.executions.get(job);
    if (execution) {
      // The execution lives as long as its heartbeats, as 2.10 refreshes it (rq-protocol §9).
      const executionKey = keys.execution(job.id, execution.id);
      multi.hset(executionKey, 'last_heartbeat', String(now.getTime() / 1000));
      multi.expire(executionKey, ttl);
      multi.zadd(keys.executions(job.id), 'XX', String(unixNow(now.getTime()) + ttl + 60), execution.id);
      multi.expire(keys.executions(job.id), ttl + 60);
    }
    const replies = await multi.exec();
    // A reply of 1 means the field was created: the hash had vanished, so remove the stub.
    // Our own hash gone (stopped past its TTL) leaves the worker unregistered, and its next
    // dequeue registers it again, rather than a stub outside rq:workers that no reader lists.
    const stubs: string[] = [];
    if (Number(replies?.[4]?.[1]) === 1) stubs.push(job.key);
    if (Number(replies?.[0]?.[1]) === 0) stubs.push(this.key);
    // The execution's HSET: 1 means it had ended (finished or cleaned up) meanwhile.
    if (execution && Number(replies?.[6]?.[1]) === 1) stubs.push(keys.execution(job.id, execution.id));
    if (stubs.length > 0) await this.connection.del(...stubs);
  }

  /**
   * The started entry's heartbeat alone, for a horse whose worker died: the job is running,
   * but nothing may make the dead worker look alive. XX: an entry already taken away stays gone.
   */
  async startedHeartbeat(job: Job, ttl: number): Promise<void> {
    const at = unixNow(Date.now()) + ttl;
    await this.connection.zadd(keys.registry('started', job.origin), 'XX', String(at), this.memberOf(job));
  }

  async saveMeta(jobId: string, meta: Record<string, unknown>): Promise<void> {
    await this.connection.hset(keys.job(jobId), 'meta', toBuffer(this.serializer.dumps(meta)));
  }

  private afterJobCommands(
    multi: ChainableCommander,
    workingSeconds: number,
    counter: 'successful_job_count' | 'failed_job_count',
    idleTtl: number,
    addWorkingTime: boolean,
  ): void {
    multi.hdel(this.key, 'current_job');
    multi.hincrby(this.key, counter, 1);
    if (addWorkingTime) multi.hincrbyfloat(this.key, 'total_working_time', formatSeconds(workingSeconds));
    multi.hset(
      this.key,
      'current_job_working_time',
      '0',
      'state',
      'idle',
      'last_heartbeat',
      formatTimestamp(new Date()),
    );
    multi.expire(this.key, idleTtl);
  }

  /**
   * Success in one script call. With `next`, the next dequeue happens in the same call
   * (scripts/finish-dequeue-n.lua): one command and one round trip per job while a queue has work.
   */
  async finishJob(
    job: Job,
    returnValue: unknown,
    resultTtl: number,
    workingSeconds: number,
    idleTtl: number,
    next?: DequeueRequest,
  ): Promise<{ outcome: StepOutcome; next: DequeueResult | undefined; repeated?: 'queued' | 'scheduled' }> {
    const ended = new Date();
    const token = this.keepsWorkerHash ? this.nextToken() : '';
    const finish = finishScriptParts(
      job,
      {
        returnValue,
        resultTtl,
        ended,
        worker: this.keepsWorkerHash ? { key: this.key, workingSeconds, idleTtl } : undefined,
        fence: { member: this.memberOf(job), worker: this.identity.name, token },
      },
      this.texts.queue(job.origin).finish,
      this.texts.fixed.workerKey,
    );
    const repeat = repeatPlan(job);
    if (repeat) {
      // The finish and the next run in one MULTI; no dequeue rides along, so a burst worker
      // does not find its queue empty just before the repeat lands in it.
      const multi = this.connection.multi();
      SCRIPTS.finishJob.queue(multi, finish.keys, finish.args);
      repeatCommands(multi, job, repeat, this.identity.name, ended);
      const replies = (await multi.exec()) ?? [];
      const [finishError, finishReply] = replies[0] ?? [new Error('MULTI aborted'), undefined];
      if (finishError) throw finishError;
      const repeated = replies[1]?.[1];
      return {
        outcome: stepOutcome(finishReply),
        next: undefined,
        repeated: repeated === 'queued' || repeated === 'scheduled' ? repeated : undefined,
      };
    }
    if (!next) {
      const reply = await SCRIPTS.finishJob.call(this.connection, finish.keys, finish.args);
      return { outcome: stepOutcome(reply), next: undefined };
    }
    // The next job starts at the instant this one ended; parts in finish-dequeue-n's order.
    // One token for both halves: a replay is told apart by the finish's check.
    const dequeue = this.dequeueParts(next, ended, token);
    const scriptKeys = finish.keys;
    for (const key of dequeue.keys) scriptKeys.push(key);
    const args = finish.args;
    for (const arg of dequeue.args) args.push(arg);
    const reply = await SCRIPTS.finishDequeue.call(this.connection, scriptKeys, args, { buffers: true });
    return {
      outcome: stepOutcome(reply[0]),
      next: this.parseDequeue(reply[1], next.queues, dequeue.execution),
    };
  }

  async failJob(
    job: Job,
    failure: { excString: string; status?: 'failed' | 'stopped'; defaultHandler?: boolean },
    workingSeconds: number,
    idleTtl: number,
  ): Promise<{ outcome: StepOutcome; result: 'failed' | 'retried' | 'scheduled' }> {
    const { commander, args } = recordCommands();
    const result = failCommands(commander, job, {
      ...failure,
      ended: new Date(),
      member: this.memberOf(job),
      execution: this.executions.get(job),
    });
    if (this.keepsWorkerHash)
      this.afterJobCommands(
        commander,
        workingSeconds,
        'failed_job_count',
        idleTtl,
        failure.status !== 'stopped',
      );
    return { outcome: await this.fencedBatch(job, args), result };
  }
}

/**
 * How a fenced step went: written; a lost reply's second send that found the first one had
 * written; or, as `dropped`, why the job was no longer this worker's to write.
 */
export type StepOutcome = { kind: 'written' } | { kind: 'replayed' } | { kind: 'dropped'; reason: string };

function stepOutcome(reply: unknown): StepOutcome {
  if (typeof reply === 'number' || reply === 'ok') return { kind: 'written' };
  const text = String(reply);
  return text === 'replayed' ? { kind: 'replayed' } : { kind: 'dropped', reason: text };
}
