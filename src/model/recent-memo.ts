// A memo of the last few keys looked up, for a hot path that sees a handful of keys over and
// over: a worker parses four timestamps per job, and they share a few seconds (a job's
// created and enqueued times, when the producer ran; its started and heartbeat times, now).
// A linear scan of a few slots costs less than a Map's hashing, and nothing grows.

export class RecentMemo<V> {
  private readonly keys: (string | undefined)[];
  private readonly values: (V | undefined)[];
  private next = 0;

  /** `size` slots, reused oldest first; 0 slots remember nothing (the memo switched off). */
  constructor(readonly size: number) {
    this.keys = new Array<string | undefined>(size).fill(undefined);
    this.values = new Array<V | undefined>(size).fill(undefined);
  }

  /** The value remembered for `key`, or undefined. */
  get(key: string): V | undefined {
    for (let i = 0; i < this.size; i++) if (this.keys[i] === key) return this.values[i];
    return undefined;
  }

  /** Remembers `value` for `key` in the oldest slot. */
  set(key: string, value: V): void {
    if (this.size === 0) return;
    this.keys[this.next] = key;
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.size;
  }
}
