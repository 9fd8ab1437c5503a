import { Socket } from 'node:net';
import {
  encodeMessage,
  HORSE_CHANNEL_FD,
  isToHorse,
  lineReader,
  type FromHorse,
  type HorseSetup,
} from './horse-protocol.js';
import type { Attempt, OrphanHooks } from './horse-orphan.js';
import { describeError, runJobFunction, type JobPayload, type RunOutcome } from './job-runner.js';

// Entry point of a horse process (child_process.fork). It waits for `run` messages and
// answers each with `done`. When its worker goes away (SIGKILL, the OOM killer), a horse
// that holds a job finishes it and records the outcome itself, as RQ's forked horse does
// (horse-orphan.ts); an idle one just exits, so a dead worker never leaves a horse behind.

let seq = 0;
const pendingMeta = new Map<number, { jobId: string; meta: Record<string, unknown>; resolve: () => void }>();

const channel = new Socket({ fd: HORSE_CHANNEL_FD, readable: true, writable: true });
channel.setEncoding('utf8');

function send(message: FromHorse, then?: () => void): void {
  if (orphan) return;
  channel.write(encodeMessage(message), then);
}

// A job that throws outside its own call chain (a timer, an event handler, an unhandled
// rejection) takes the horse down; report the real error first, so the job's failure says
// more than "work-horse terminated".
let runningJobId: string | undefined;
let titleFuncName: string | undefined;
// The running job's signal: aborted only by a graceful stop (a plain stop, a timeout or a
// kill ends the whole process instead). Made on first use, as most jobs never ask for it.
let jobAbort: AbortController | undefined;
let roots: string[] = [];
/** Sent once at spawn: how to reach Redis should the worker die. */
let setup: HorseSetup | undefined;
/** The job this horse ran last (and its callbacks), kept until the next one starts. */
let attempt: Attempt | undefined;
/** Set once the worker is gone: the recorder's hooks into this process. */
let orphan: OrphanHooks | undefined;

function sameRoots(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((root, i) => root === b[i]);
}

function workerGone(): void {
  if (orphan) return;
  const last = attempt;
  const hooks: OrphanHooks = { crash: undefined, saveMeta: undefined };
  orphan = hooks;
  if (!last || !setup) process.exit(0);
  const given = setup;
  // Loaded only now: a horse whose worker lives never needs a Redis client.
  void import('./horse-orphan.js')
    .then(({ recordOrphaned }) => recordOrphaned(given, last, hooks, [...pendingMeta.values()]))
    .catch((error: unknown) =>
      process.stderr.write(
        `rqts horse ${process.pid}: could not record job ${last.payload.id}: ${describeError(error)}\n`,
      ),
    )
    .finally(() => process.exit(0));
}

process.on('disconnect', workerGone);
channel.on('error', workerGone);
channel.on('end', workerGone);

process.on('uncaughtException', (error) => {
  const excString = describeError(error);
  if (orphan?.crash) {
    orphan.crash(excString);
    return;
  }
  if (runningJobId && !orphan)
    send({ type: 'done', jobId: runningJobId, outcome: { ok: false, excString }, exiting: true }, () =>
      process.exit(1),
    );
  else process.exit(1);
});

function run(job: JobPayload): Promise<RunOutcome> {
  return runJobFunction(job, roots, {
    signal: () => (jobAbort ??= new AbortController()).signal,
    saveMeta: (meta) => {
      if (orphan?.saveMeta) return orphan.saveMeta(job.id, meta);
      return new Promise<void>((resolve) => {
        const id = ++seq;
        pendingMeta.set(id, { jobId: job.id, meta, resolve });
        send({ type: 'save-meta', jobId: job.id, meta, seq: id });
      });
    },
  });
}

channel.on(
  'data',
  lineReader((message: unknown) => {
    if (!isToHorse(message)) return;
    switch (message.type) {
      case 'setup': {
        setup = message.setup;
        return;
      }
      case 'meta-saved': {
        pendingMeta.get(message.seq)?.resolve();
        pendingMeta.delete(message.seq);
        return;
      }
      case 'run': {
        const { job } = message;
        // The same roots arrive with every job; keep one array so resolved exports are found by identity.
        if (!sameRoots(message.roots, roots)) roots = message.roots;
        // A title costs a prctl and a copy over argv: set it when the function changes only.
        if (job.funcName !== titleFuncName) {
          titleFuncName = job.funcName;
          process.title = `rqts: horse running ${job.funcName}`;
        }
        runningJobId = job.id;
        jobAbort = undefined;
        const outcome = run(job);
        const startedAt = Date.now();
        if (!job.callback)
          attempt = {
            payload: job,
            roots,
            taken: message.taken,
            startedAt,
            main: outcome,
            callbacks: new Map(),
          };
        else if (attempt?.payload.id === job.id)
          attempt.callbacks.set(job.callback.kind, { promise: outcome, startedAt });
        void outcome.then((settled) => {
          runningJobId = undefined;
          send({ type: 'done', jobId: job.id, outcome: settled });
        });
        return;
      }
      case 'abort': {
        if (message.jobId === runningJobId)
          (jobAbort ??= new AbortController()).abort(new Error(message.reason));
        return;
      }
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }),
);

process.title = 'rqts: horse';
send({ type: 'ready' });
