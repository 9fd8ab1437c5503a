import { sendKillHorseCommand } from '../model/commands.js';
import { defineCommand } from './command.js';
import { connectionFlags, openConnection } from './connection-options.js';
import { reportDelivery, workerNameArgument } from './send-command.js';

export const killHorseCommand = defineCommand({
  name: 'kill-horse',
  summary: "Kill a worker's horse: its current job fails, the worker carries on",
  usage: 'WORKER',
  description: "Publishes RQ's kill-horse command on rq:pubsub:<WORKER>; an idle worker ignores it.",
  flags: { ...connectionFlags },
  async run({ args, flags, io }) {
    const worker = workerNameArgument(args, 'kill-horse');
    const connection = await openConnection(flags);
    try {
      return reportDelivery(
        io,
        `kill-horse to worker ${worker}`,
        worker,
        await sendKillHorseCommand(connection.client, worker),
      );
    } finally {
      await connection.close();
    }
  },
});
