import { sendShutdownCommand } from '../model/commands.js';
import { defineCommand } from './command.js';
import { connectionFlags, openConnection } from './connection-options.js';
import { reportDelivery, workerNameArgument } from './send-command.js';

export const shutdownCommand = defineCommand({
  name: 'shutdown',
  summary: 'Ask a worker to stop after its current job (warm shutdown)',
  usage: 'WORKER',
  description: "Publishes RQ's shutdown command on rq:pubsub:<WORKER>; rqts and Python RQ workers obey it.",
  flags: { ...connectionFlags },
  async run({ args, flags, io }) {
    const worker = workerNameArgument(args, 'shutdown');
    const connection = await openConnection(flags);
    try {
      return reportDelivery(
        io,
        `shutdown to worker ${worker}`,
        worker,
        await sendShutdownCommand(connection.client, worker),
      );
    } finally {
      await connection.close();
    }
  },
});
