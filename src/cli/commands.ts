import type { CommandDescriptor } from './command.js';
import { consoleCommand } from './console.js';
import { emptyCommand } from './empty.js';
import { enqueueCommand } from './enqueue.js';
import { infoCommand } from './info.js';
import { killHorseCommand } from './kill-horse.js';
import { metricsCommand } from './metrics.js';
import { requeueCommand } from './requeue.js';
import { resumeCommand } from './resume.js';
import { shutdownCommand } from './shutdown.js';
import { stopJobCommand } from './stop-job.js';
import { suspendCommand } from './suspend.js';
import { workerCommand } from './worker.js';
import { workerPoolCommand } from './worker-pool.js';

// THE list of subcommands, in the order `rqts --help` shows them. Adding one is an import
// and an entry here (see command.ts for the descriptor).
export const commands: readonly CommandDescriptor[] = [
  workerCommand,
  workerPoolCommand,
  consoleCommand,
  infoCommand,
  metricsCommand,
  enqueueCommand,
  emptyCommand,
  requeueCommand,
  suspendCommand,
  resumeCommand,
  shutdownCommand,
  killHorseCommand,
  stopJobCommand,
];
