import type { Redis } from 'ioredis';
import { duplicateClient } from '../redis/connection.js';
import { keys } from '../redis/keys.js';
import { settledWithin } from '../deadline.js';

// Waits until any of the worker's queues has a job, WITHOUT taking it: the job is taken
// only by the atomic dequeue script, so a worker that dies while waiting holds nothing.
// Redis has no multi-key non-consuming blocking wait, so each queue gets its own blocking
// connection running `BLMOVE q q RIGHT RIGHT`, which moves the tail to the tail: a no-op
// that returns as soon as the list is non-empty. A wait still pending from an earlier round
// is reused, never duplicated (a blocked connection would queue a second command).

export class QueueWaiter {
  private readonly clients = new Map<string, Redis>();
  private readonly pending = new Map<string, Promise<void>>();
  private closed = false;
  private wake: (() => void) | undefined;
  /** An interrupt that came while no wait was running (say, during a dequeue) ends the next one. */
  private interrupted = false;

  constructor(private readonly connection: Redis) {}

  /** Resolves when a queue has work, the timeout passes, or close() is called. */
  async wait(queues: readonly string[], timeoutSeconds: number): Promise<void> {
    if (this.closed) return;
    if (this.interrupted) {
      this.interrupted = false;
      return;
    }
    const waits: Promise<void>[] = [];
    for (const queue of queues) {
      let pending = this.pending.get(queue);
      if (!pending) {
        pending = this.blockOn(queue, timeoutSeconds).finally(() => this.pending.delete(queue));
        this.pending.set(queue, pending);
      }
      waits.push(pending);
    }
    const woken = new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    await settledWithin(Promise.race([...waits, woken]), timeoutSeconds * 1000);
    this.wake = undefined;
  }

  private async blockOn(queue: string, timeoutSeconds: number): Promise<void> {
    let client = this.clients.get(queue);
    if (!client) {
      client = duplicateClient(this.connection);
      this.clients.set(queue, client);
    }
    const key = keys.queue(queue);
    try {
      await client.blmove(key, key, 'RIGHT', 'RIGHT', timeoutSeconds);
    } catch {
      // A dropped connection ends this wait; the caller tries to dequeue and waits again.
    }
  }

  /** Ends the current wait at once (shutdown). */
  interrupt(): void {
    if (this.wake) this.wake();
    else this.interrupted = true;
  }

  close(): Promise<void> {
    this.closed = true;
    this.interrupt();
    for (const client of this.clients.values()) client.disconnect();
    this.clients.clear();
    return Promise.resolve();
  }
}
