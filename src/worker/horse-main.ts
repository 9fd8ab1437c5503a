import { Socket } from 'node:net';
import { encodeMessage, HORSE_CHANNEL_FD, isToHorse, lineReader, type FromHorse } from './horse-protocol.js';
import { describeError, runJobFunction } from './job-runner.js';

// Entry point of a horse process (child_process.fork). It waits for `run` messages and
// answers each with `done`. It exits when its worker goes away, so a SIGKILLed worker
// never leaves an orphan horse behind.

const pendingMeta = new Map<number, () => void>();
let seq = 0;

const channel = new Socket({ fd: HORSE_CHANNEL_FD, readable: true, writable: true });
channel.setEncoding('utf8');

function send(message: FromHorse, then?: () => void): void {
  channel.write(encodeMessage(message), then);
}

process.on('disconnect', () => process.exit(0));
channel.on('error', () => process.exit(0));

// A job that throws outside its own call chain (a timer, an event handler, an unhandled
// rejection) takes the horse down; report the real error first, so the job's failure says
// more than "work-horse terminated".
let runningJobId: string | undefined;
let titleFuncName: string | undefined;
// The running job's signal: aborted only by a graceful stop (a plain stop, a timeout or a
// kill ends the whole process instead). Made on first use, as most jobs never ask for it.
let jobAbort: AbortController | undefined;
let roots: string[] = [];

function sameRoots(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((root, i) => root === b[i]);
}
process.on('uncaughtException', (error) => {
  const outcome = { ok: false as const, excString: describeError(error) };
  if (runningJobId)
    send({ type: 'done', jobId: runningJobId, outcome, exiting: true }, () => process.exit(1));
  else process.exit(1);
});

channel.on(
  'data',
  lineReader((message: unknown) => {
    if (!isToHorse(message)) return;
    switch (message.type) {
      case 'meta-saved': {
        pendingMeta.get(message.seq)?.();
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
        void runJobFunction(job, roots, {
          signal: () => (jobAbort ??= new AbortController()).signal,
          saveMeta: (meta) =>
            new Promise<void>((resolve) => {
              const id = ++seq;
              pendingMeta.set(id, resolve);
              send({ type: 'save-meta', jobId: job.id, meta, seq: id });
            }),
        }).then((outcome) => {
          runningJobId = undefined;
          send({ type: 'done', jobId: job.id, outcome });
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
