import type { DequeueStrategy } from './options.js';

// The order in which queues are tried for the next job (docs/protocol.md §6.3).

export class QueueOrder {
  private order: string[];

  constructor(
    queues: readonly string[],
    private readonly strategy: DequeueStrategy,
    private readonly random: () => number = Math.random,
  ) {
    this.order = [...queues];
  }

  current(): readonly string[] {
    return this.order;
  }

  /** After a job was taken from `served`. */
  served(served: string): void {
    if (this.strategy === 'round_robin') {
      const index = this.order.indexOf(served);
      if (index >= 0) this.order = [...this.order.slice(index + 1), ...this.order.slice(0, index + 1)];
    } else if (this.strategy === 'random') {
      const shuffled = [...this.order];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      this.order = shuffled;
    }
  }
}
