import { isRqtsError } from '../errors.js';
import { Queue, validateQueueName } from '../model/queue.js';
import { defineCommand } from './command.js';
import { connectionFlags, openConnection } from './connection-options.js';
import { explainMissingData } from './job-problems.js';

export const requeueCommand = defineCommand({
  name: 'requeue',
  summary: 'Put failed jobs back on their queue (rq requeue)',
  usage: '[JOB_IDS...]',
  description:
    'Moves jobs out of the failed registry of --queue and enqueues them again. An id that cannot be requeued is reported on its own line; the others are still requeued, and the exit code is 1.',
  flags: {
    ...connectionFlags,
    queue: {
      type: 'string',
      short: 'q',
      default: 'default',
      valueName: 'NAME',
      description: 'Queue whose failed registry holds the jobs',
    },
    all: { type: 'boolean', short: 'a', description: 'Requeue every failed job of the queue' },
  },
  examples: ['rqts requeue --queue emails 5f0c…', 'rqts requeue --queue emails --all'],
  async run({ args, flags, io }) {
    validateQueueName(flags.queue);
    const connection = await openConnection(flags);
    try {
      const registry = new Queue(flags.queue, connection.client, { serializer: connection.serializer })
        .failedJobRegistry;
      const ids = flags.all ? await registry.jobIds() : args;
      if (ids.length === 0) {
        io.print('Nothing to do');
        return 0;
      }
      io.print(`Requeueing ${ids.length} jobs from failed queue`);
      let failures = 0;
      for (const id of ids) {
        try {
          await registry.requeue(id);
        } catch (error) {
          if (!isRqtsError(error)) throw error;
          failures++;
          io.error((await explainMissingData(connection.client, id, error)).toLine());
        }
      }
      if (failures > 0) {
        io.error(`Unable to requeue ${failures} jobs from failed job registry`);
        return 1;
      }
      return 0;
    } finally {
      await connection.close();
    }
  },
});
