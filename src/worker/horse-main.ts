import { isToHorse, type FromHorse } from './horse-protocol.js';
import { runJobFunction } from './job-runner.js';

// Entry point of a horse process (child_process.fork). It waits for `run` messages and
// answers each with `done`. It exits when its worker goes away, so a SIGKILLed worker
// never leaves an orphan horse behind.

const pendingMeta = new Map<number, () => void>();
let seq = 0;

function send(message: FromHorse): void {
  process.send?.(message);
}

process.on('disconnect', () => process.exit(0));

process.on('message', (message: unknown) => {
  if (!isToHorse(message)) return;
  switch (message.type) {
    case 'meta-saved': {
      pendingMeta.get(message.seq)?.();
      pendingMeta.delete(message.seq);
      return;
    }
    case 'run': {
      const { job, roots } = message;
      process.title = `rqts: horse running ${job.funcName}`;
      const controller = new AbortController();
      void runJobFunction(job, roots, {
        signal: controller.signal,
        saveMeta: (meta) =>
          new Promise<void>((resolve) => {
            const id = ++seq;
            pendingMeta.set(id, resolve);
            send({ type: 'save-meta', jobId: job.id, meta, seq: id });
          }),
      }).then((outcome) => send({ type: 'done', jobId: job.id, outcome }));
      return;
    }
    default: {
      const unreachable: never = message;
      return unreachable;
    }
  }
});

process.title = 'rqts: horse';
send({ type: 'ready' });
