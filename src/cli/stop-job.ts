import { DEFAULT_GRACE_SECONDS, sendStopJobCommand } from '../model/commands.js';
import { RqtsError } from '../errors.js';
import { defineCommand } from './command.js';
import { connectionFlags, openConnection } from './connection-options.js';
import { explainMissingData } from './job-problems.js';
import { reportDelivery } from './send-command.js';

export const stopJobCommand = defineCommand({
  name: 'stop-job',
  summary: 'Stop a running job: it ends as stopped, its worker carries on',
  usage: 'JOB_ID',
  description:
    "Finds the worker running JOB_ID and publishes RQ's stop-job command to it. With --graceful " +
    "(rqts workers only) the job's AbortSignal fires first and its horse is killed only after the grace period.",
  flags: {
    ...connectionFlags,
    graceful: {
      type: 'boolean',
      description: "Abort the job's signal first, kill its horse after --grace-period (rqts workers)",
    },
    gracePeriod: {
      type: 'number',
      valueName: 'SECONDS',
      default: DEFAULT_GRACE_SECONDS,
      description: 'With --graceful: how long the job has to end by itself',
    },
  },
  async run({ args, flags, io }) {
    const [jobId, ...extra] = args;
    if (!jobId || extra.length > 0)
      throw new RqtsError(
        'BAD_ARGUMENT',
        `rqts stop-job takes one job id, got ${args.length}`,
        'Usage: rqts stop-job JOB_ID',
      );
    if (!(flags.gracePeriod > 0))
      throw new RqtsError(
        'BAD_ARGUMENT',
        `--grace-period must be a positive number of seconds, got ${flags.gracePeriod}`,
        'For example: rqts stop-job --graceful --grace-period 30 JOB_ID',
      );
    const connection = await openConnection(flags);
    try {
      const { workerName, receivers } = await sendStopJobCommand(
        connection.client,
        jobId,
        connection.serializer,
        flags.graceful ? { graceful: flags.gracePeriod } : {},
      ).catch(async (error: unknown) => {
        throw await explainMissingData(connection.client, jobId, error);
      });
      const what = flags.graceful ? `graceful stop-job (${flags.gracePeriod} s)` : 'stop-job';
      return reportDelivery(io, `${what} for ${jobId} to worker ${workerName}`, workerName, receivers);
    } finally {
      await connection.close();
    }
  },
});
