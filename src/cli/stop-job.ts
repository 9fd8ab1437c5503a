import { sendStopJobCommand } from '../model/commands.js';
import { RqtsError } from '../model/errors.js';
import { defineCommand } from './command.js';
import { connectionFlags, openConnection } from './connection-options.js';
import { explainMissingData } from './job-problems.js';
import { reportDelivery } from './send-command.js';

export const stopJobCommand = defineCommand({
  name: 'stop-job',
  summary: 'Stop a running job: it ends as stopped, its worker carries on',
  usage: 'JOB_ID',
  description: "Finds the worker running JOB_ID and publishes RQ's stop-job command to it.",
  flags: { ...connectionFlags },
  async run({ args, flags, io }) {
    const [jobId, ...extra] = args;
    if (!jobId || extra.length > 0)
      throw new RqtsError(
        'BAD_ARGUMENT',
        `rqts stop-job takes one job id, got ${args.length}`,
        'Usage: rqts stop-job JOB_ID',
      );
    const connection = await openConnection(flags);
    try {
      const { workerName, receivers } = await sendStopJobCommand(
        connection.client,
        jobId,
        connection.serializer,
      ).catch(async (error: unknown) => {
        throw await explainMissingData(connection.client, jobId, error);
      });
      return reportDelivery(io, `stop-job for ${jobId} to worker ${workerName}`, workerName, receivers);
    } finally {
      await connection.close();
    }
  },
});
