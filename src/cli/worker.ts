import { defineCommand } from './command.js';
import { connectionFlags } from './connection-options.js';
import { loggingFlags, workerFlags } from './worker-flags.js';
import { runWorkerProcess } from './worker-process.js';

export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'Run a worker on one or more queues (as rq worker)',
  usage: '[QUEUES...]',
  description:
    'Listens on the queues in priority order (default: settings QUEUES, else "default") and runs their jobs. ' +
    'A job function is a dotted name resolved under --path: tasks.add is export add of tasks.js. ' +
    'SIGINT/SIGTERM (or `rqts shutdown NAME`) stops warmly after the current job; a second signal stops cold.',
  flags: { ...connectionFlags, ...workerFlags, ...loggingFlags },
  examples: [
    'rqts worker high default low',
    'rqts worker --burst -P ./jobs emails',
    'rqts worker -w SimpleWorker --max-jobs 100 default',
  ],
  run: ({ args, flags, io }) => runWorkerProcess(args, flags, io),
});
