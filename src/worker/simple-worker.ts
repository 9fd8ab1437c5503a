import type { Executor } from './executor.js';
import { InProcessExecutor } from './in-process.js';
import { Worker, type WorkerClassName } from './worker.js';

/** SimpleWorker: runs jobs in the worker's own process (no horse, no isolation). */
export class SimpleWorker extends Worker {
  static override readonly className: WorkerClassName = 'SimpleWorker';

  protected override createExecutor(): Executor {
    return new InProcessExecutor();
  }

  protected override get executionMode(): 'horse' | 'simple' {
    return 'simple';
  }
}
