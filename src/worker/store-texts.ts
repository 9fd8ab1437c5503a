import { Fixed } from '../redis/packed-command.js';
import { JOB_KEY_PREFIX, keys } from '../redis/keys.js';
import type { FinishTexts } from '../model/transitions.js';

// The script arguments that never change for one worker (its key, its name, key prefixes,
// modes) or for one of its queues, each encoded once as a Fixed text: a worker sends them
// with every job's dequeue and finish (docs/performance.md, prebuilt-command).

export interface QueueTexts {
  queue: Fixed;
  finish: FinishTexts & { started: Fixed };
}

export type WorkerTexts = Record<
  | 'workerKey'
  | 'workerName'
  | 'jobPrefix'
  | 'queuePrefix'
  | 'deferredPrefix'
  | 'allQueues'
  | 'suspended'
  | 'knownFields'
  | 'wholeHash'
  | 'simple'
  | 'horse'
  | 'allWorkers',
  Fixed
>;

export class StoreTexts {
  readonly fixed: WorkerTexts;
  private readonly queues = new Map<string, QueueTexts>();

  constructor(workerKey: string, workerName: string) {
    this.fixed = {
      workerKey: new Fixed(workerKey),
      workerName: new Fixed(workerName),
      jobPrefix: new Fixed(JOB_KEY_PREFIX),
      queuePrefix: new Fixed(keys.queue('')),
      deferredPrefix: new Fixed(keys.registry('deferred', '')),
      allQueues: new Fixed(keys.allQueues),
      suspended: new Fixed(keys.suspended),
      knownFields: new Fixed('known-fields'),
      wholeHash: new Fixed('whole-hash'),
      simple: new Fixed('simple'),
      horse: new Fixed('horse'),
      allWorkers: new Fixed(keys.allWorkers),
    };
  }

  /** A queue's key texts, and the finish script's texts for jobs from it, made once. */
  queue(queue: string): QueueTexts {
    let texts = this.queues.get(queue);
    if (!texts) {
      const fixed = this.fixed;
      const finish = {
        started: new Fixed(keys.registry('started', queue)),
        finished: new Fixed(keys.registry('finished', queue)),
        jobPrefix: fixed.jobPrefix,
        queuePrefix: fixed.queuePrefix,
        deferredPrefix: fixed.deferredPrefix,
        allQueues: fixed.allQueues,
      };
      texts = { queue: new Fixed(keys.queue(queue)), finish };
      // Bounded: a worker sees its own queues and the origins of its jobs, a handful.
      if (this.queues.size >= 256) this.queues.clear();
      this.queues.set(queue, texts);
    }
    return texts;
  }
}
