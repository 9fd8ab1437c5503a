import type { Job } from '../model/job.js';
import type { ExecOutcome } from './executor.js';

// What a Worker emits, apart from worker.ts so the modules it delegates to can emit them too.

export interface WorkerEvents {
  'worker:registered': [name: string];
  'job:started': [job: Job, queue: string];
  'job:finished': [job: Job, value: unknown];
  'job:failed': [job: Job, excString: string, result: 'failed' | 'retried' | 'scheduled'];
  'horse:died': [job: Job, outcome: ExecOutcome];
  'worker:stopping': [kind: 'warm' | 'cold'];
  'worker:stopped': [name: string];
}
