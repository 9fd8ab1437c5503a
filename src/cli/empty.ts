import { Queue, validateQueueName } from '../model/queue.js';
import { defineCommand } from './command.js';
import { connectionFlags, openConnection } from './connection-options.js';

export const emptyCommand = defineCommand({
  name: 'empty',
  summary: 'Delete every waiting job of the given queues (rq empty)',
  usage: '[QUEUES...]',
  description: 'Removes the queued jobs and their hashes; registries and results are left alone, as rq does.',
  flags: {
    ...connectionFlags,
    all: { type: 'boolean', short: 'a', description: 'Empty every queue in rq:queues' },
  },
  examples: ['rqts empty default', 'rqts empty --all'],
  async run({ args, flags, io }) {
    for (const name of args) validateQueueName(name);
    if (!flags.all && args.length === 0) {
      io.print('Nothing to do');
      return 0;
    }
    const connection = await openConnection(flags);
    try {
      const queues = flags.all
        ? await Queue.all(connection.client)
        : args.map((name) => new Queue(name, connection.client));
      if (queues.length === 0) {
        io.print('Nothing to do');
        return 0;
      }
      for (const queue of queues) {
        const removed = await queue.empty();
        io.print(`${removed} jobs removed from ${queue.name} queue`);
      }
      return 0;
    } finally {
      await connection.close();
    }
  },
});
