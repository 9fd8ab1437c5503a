import { RqtsError } from '../errors.js';
import type { Worker } from '../worker/worker.js';
import { signalGroup } from '../process-group.js';
import {
  isStopMessage,
  MEMBER_ENV,
  parseMemberIdentity,
  type MemberIdentity,
  type MemberMessage,
} from './protocol.js';

// The member's end of the pool protocol. A pool member is an ordinary `rqts worker` process
// (forked by the pool with an IPC channel and its identity in MEMBER_ENV); joinPool() gives
// runWorkerProcess() the three things that differ from a standalone worker:
//  - stop requests arrive over IPC, so warm-then-cold is exact (signals would be subject to
//    the worker's one-second debounce, racing the pool's own);
//  - when the pool dies, even by SIGKILL, the channel closes and the member stops cold at
//    once: no supervisor is left to send a second signal, and an orphan must not linger;
//  - the pool checks suspension and ghosts once, so a replacement started while rqts is
//    suspended waits in its loop instead of exiting and being replaced again and again.

/**
 * Once the pool is gone, how long the cold stop may take. It needs Redis to fail the job and
 * register the death; if Redis is down too, waiting would leave an orphan for as long as the
 * outage lasts. The job then stays started, for the abandoned-job clean-up, and the worker key
 * expires by its TTL: nothing is lost.
 */
const ORPHAN_DEADLINE_MS = 5000;

export interface PoolMembership {
  readonly identity: MemberIdentity;
  /** What begins each human log line: `[w1] `, or '' when the pool asked for no prefix. */
  readonly prefix: string;
  /** A stop came before the worker existed, or the pool is gone already: do not start one. */
  readonly stopped: boolean;
  /** Hands the worker over: stop requests reach it from now on, and its registration is reported. */
  attach(worker: Worker): void;
}

/**
 * This process's membership of a pool, or undefined when it was not started by one. Reads
 * MEMBER_ENV and removes it, so that a horse or anything a job starts does not inherit it.
 */
export function joinPool(env: NodeJS.ProcessEnv = process.env): PoolMembership | undefined {
  const text = env[MEMBER_ENV];
  if (text === undefined) return undefined;
  delete env[MEMBER_ENV];
  const identity = parseMemberIdentity(text);
  if (!identity || !process.send) {
    throw new RqtsError(
      'BAD_ARGUMENT',
      `${MEMBER_ENV} is set but this process is no pool member (${identity ? 'no IPC channel' : 'unreadable identity'})`,
      `Start pools with rqts worker-pool; unset ${MEMBER_ENV} to run a single worker`,
    );
  }
  return new Membership(identity);
}

class Membership implements PoolMembership {
  readonly prefix: string;
  private worker: Worker | undefined;
  /** A stop that arrived while the worker was still being built. */
  private pendingStop: 'warm' | 'cold' | undefined;

  constructor(readonly identity: MemberIdentity) {
    this.prefix = identity.prefix ? `[${identity.id}] ` : '';
    process.on('disconnect', () => this.poolGone());
    process.on('message', (message: unknown) => {
      if (!isStopMessage(message)) return;
      if (this.worker) this.worker.requestStop(message.kind);
      else this.pendingStop = message.kind;
    });
    // When the pool is killed its pipes may close under us: losing a log line must not kill a
    // worker that is about to record its job and death.
    process.stdout.on('error', () => undefined);
    process.stderr.on('error', () => undefined);
  }

  get stopped(): boolean {
    return this.pendingStop !== undefined || !process.connected;
  }

  attach(worker: Worker): void {
    this.worker = worker;
    worker.on('worker:registered', (name) => this.send({ type: 'registered', name }));
  }

  private send(message: MemberMessage): void {
    if (process.connected) process.send?.(message);
  }

  private poolGone(): void {
    const current = this.worker;
    if (!current) process.exit(0);
    current.requestStop('cold');
    setTimeout(() => {
      const horse = current.horsePid;
      if (horse !== undefined) signalGroup(horse);
      process.stderr.write(
        `${this.prefix}The pool is gone and the cold stop did not finish within ${ORPHAN_DEADLINE_MS / 1000} s ` +
          '(is Redis reachable?); exiting. A job left started is failed by the abandoned-job clean-up.\n',
      );
      process.exit(1);
    }, ORPHAN_DEADLINE_MS).unref();
  }
}
