import { isRqtsError, RqtsError } from '../errors.js';
import { closeAllConnections, openConnection, type ConnectionFlagValues } from '../cli/connection-options.js';
import { parseCommandLine } from '../cli/parse-flags.js';
import { workerCommand } from '../cli/worker.js';
import { buildWorkerWithSentry, createWorkerLogger, type WorkerFlagValues } from '../cli/worker-flags.js';
import type { Worker } from '../worker/worker.js';
import { isStopMessage, MEMBER_ENV, parseMemberIdentity, type MemberMessage } from './protocol.js';

// Entry point of one pooled worker: a process forked by the pool with an IPC channel, whose
// argv is `rqts worker`'s (queues and flags). It runs what `rqts worker` runs, with three
// differences that need a handle on the Worker object:
//  - stop requests arrive over IPC, so warm-then-cold is exact (signals would be subject to
//    the worker's one-second debounce, racing the pool's own);
//  - when the pool dies, even by SIGKILL, the channel closes and the member stops cold at
//    once: no supervisor is left to send a second signal, and an orphan must not linger;
//  - the pool checks suspension and ghosts once, so a replacement started while rqts is
//    suspended waits in its loop instead of exiting and being replaced again and again.
// Keep it in step with src/cli/worker.ts.

const identity = parseMemberIdentity(process.env[MEMBER_ENV]);
let worker: Worker | undefined;
/** A stop that arrived while the worker was still being built. */
let pendingStop: 'warm' | 'cold' | undefined;

function send(message: MemberMessage): void {
  if (process.connected) process.send?.(message);
}

/**
 * Once the pool is gone, how long the cold stop may take. It needs Redis to fail the job and
 * register the death; if Redis is down too, waiting would leave an orphan for as long as the
 * outage lasts. The job then stays started, for the abandoned-job clean-up, and the worker key
 * expires by its TTL: nothing is lost.
 */
const ORPHAN_DEADLINE_MS = 5000;

process.on('disconnect', () => {
  const current = worker;
  if (!current) process.exit(0);
  current.requestStop('cold');
  setTimeout(() => {
    const horse = current.horsePid;
    if (horse !== undefined) killGroup(horse);
    process.stderr.write(
      `${identity?.prefix ? `[${identity.id}] ` : ''}The pool is gone and the cold stop did not finish within ${ORPHAN_DEADLINE_MS / 1000} s ` +
        '(is Redis reachable?); exiting. A job left started is failed by the abandoned-job clean-up.\n',
    );
    process.exit(1);
  }, ORPHAN_DEADLINE_MS).unref();
});
process.on('message', (message: unknown) => {
  if (!isStopMessage(message)) return;
  if (worker) worker.requestStop(message.kind);
  else pendingStop = message.kind;
});
// When the pool is killed its pipes may close under us: losing a log line must not kill a
// worker that is about to record its job and death.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

async function main(): Promise<number> {
  if (!identity || !process.send) {
    process.stderr.write(
      `rqts: this entry point runs under rqts worker-pool only (${MEMBER_ENV} and an IPC channel are missing)\n`,
    );
    return 1;
  }
  const prefix = identity.prefix ? `[${identity.id}] ` : '';
  let flags: ConnectionFlagValues & WorkerFlagValues;
  let args: string[];
  try {
    const parsed = parseCommandLine(workerCommand, process.argv.slice(2), process.env);
    // parseCommandLine builds exactly the keys of workerCommand's flag table.
    flags = parsed.flags as ConnectionFlagValues & WorkerFlagValues;
    args = parsed.args;
  } catch (error) {
    process.stderr.write(`${prefix}${isRqtsError(error) ? error.toLine() : String(error)}\n`);
    return 1;
  }
  const connection = await openConnection(flags, { persistent: true });
  const base = createWorkerLogger(flags, connection.settings, { prefix });
  const logger = flags.logJson ? base.child({ pool: identity.pool, workerId: identity.id }) : base;
  try {
    const built = await buildWorkerWithSentry(args, flags, connection, (m) => logger.warn(m));
    built.options.poolName = identity.pool;
    // Stopped before it ever registered: nothing to record, nothing to wait for.
    if (pendingStop || !process.connected) return 0;
    const created = new built.cls(connection.client, built.options, { logger });
    worker = created;
    created.on('worker:registered', (name) => send({ type: 'registered', name }));
    await created.work();
    return 0;
  } catch (error) {
    if (error instanceof RqtsError) {
      logger.error(error.toLine());
      return 1;
    }
    logger.error(`Worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    logger.flush();
    await connection.close();
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

let code = 1;
try {
  code = await main();
} catch (error) {
  process.stderr.write(
    `${identity ? `[${identity.id}] ` : ''}${isRqtsError(error) ? error.toLine() : `rqts worker failed: ${String(error)}`}\n`,
  );
}
closeAllConnections();
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
