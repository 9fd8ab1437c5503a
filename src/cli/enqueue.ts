import { parseTimeout, Queue, validateQueueName } from '../model/queue.js';
import { callString } from '../model/python-text.js';
import { parseDuration } from '../model/time.js';
import { RqtsError } from '../errors.js';
import { defineCommand } from './command.js';
import { connectionFlags, openConnection } from './connection-options.js';
import { parseFunctionArgs } from './enqueue-args.js';

export const enqueueCommand = defineCommand({
  name: 'enqueue',
  summary: 'Put a job on a queue (rq enqueue)',
  usage: 'FUNCTION [ARGS...]',
  description: [
    'FUNCTION is a dotted name (tasks.add: export add of tasks.js, or a Python path for Python workers).',
    "ARGS use rq's syntax: value and key=value are text; :json and key:=json are JSON;",
    '@file, key=@file and :@file read the value from a file. Python-only %literal is refused.',
  ].join('\n'),
  flags: {
    ...connectionFlags,
    queue: {
      type: 'string',
      short: 'q',
      default: 'default',
      valueName: 'NAME',
      description: 'Queue to put the job on',
    },
    timeout: {
      type: 'string',
      valueName: 'SECONDS',
      description: "Job timeout: seconds or '90s', '5m', '2h', '1d'; -1 for none (default 180)",
    },
    resultTtl: {
      type: 'number',
      valueName: 'SECONDS',
      description: 'Keep the result this long; -1 forever, 0 not at all (default 500)',
    },
    ttl: {
      type: 'number',
      valueName: 'SECONDS',
      description: 'Discard the job if it has not started within this time',
    },
    failureTtl: {
      type: 'number',
      valueName: 'SECONDS',
      description: 'Keep a failed job this long (default one year)',
    },
    description: {
      type: 'string',
      valueName: 'TEXT',
      description: 'Job description (default: the call string)',
    },
    jobId: {
      type: 'string',
      valueName: 'ID',
      description: 'Use this job id instead of a random one (letters, digits, _ and - only)',
    },
    atFront: { type: 'boolean', description: 'Put the job at the front of the queue' },
    dependsOn: {
      type: 'string',
      multiple: true,
      valueName: 'JOB_ID',
      description: 'Wait for this job to finish first; given several times, wait for all',
    },
    retryMax: { type: 'number', valueName: 'N', description: 'Retry a failed job up to N times' },
    retryInterval: {
      type: 'number',
      multiple: true,
      valueName: 'SECONDS',
      description: 'Seconds to wait before each retry, one per retry, the last one repeating (default 0)',
    },
    scheduleIn: {
      type: 'string',
      valueName: 'DELAY',
      description:
        "Enqueue the job this long from now: seconds or '90s', '5m', '2h', '1d' (a scheduler must run)",
    },
    scheduleAt: {
      type: 'string',
      valueName: 'TIME',
      description:
        'Enqueue the job at this local time, ISO 8601 without timezone, e.g. 2026-05-27T21:45:00 (a scheduler must run)',
    },
    quiet: { type: 'boolean', description: 'Print nothing' },
  },
  examples: [
    'rqts enqueue tasks.add :1 :2',
    'rqts enqueue -q high tasks.send to=ops@example.com :\'{"retries": 3}\' body=@message.txt',
  ],
  async run({ args, flags, io }) {
    const [funcName, ...rawArgs] = args;
    if (!funcName)
      throw new RqtsError(
        'BAD_ARGUMENT',
        'No function given',
        'Usage: rqts enqueue FUNCTION [ARGS...], e.g. rqts enqueue tasks.add 1 2',
      );
    const { args: callArgs, kwargs } = parseFunctionArgs(rawArgs);
    for (const [name, value] of [
      ['--result-ttl', flags.resultTtl],
      ['--ttl', flags.ttl],
      ['--failure-ttl', flags.failureTtl],
    ] as const) {
      if (value !== undefined && !Number.isInteger(value))
        throw new RqtsError(
          'BAD_ARGUMENT',
          `${name} ${value} is not a whole number of seconds`,
          `Give ${name} in whole seconds`,
        );
    }
    if (flags.jobId === '')
      throw new RqtsError(
        'BAD_ARGUMENT',
        '--job-id is empty',
        'Give a job id, or leave the option out for a random one',
      );
    // Bad input is reported before connecting, so it is never hidden behind a Redis error.
    validateQueueName(flags.queue);
    parseTimeout(flags.timeout);
    const retry = retryOption(flags.retryMax, flags.retryInterval);
    const due = scheduleTime(flags.scheduleIn, flags.scheduleAt);
    if (due && flags.dependsOn.length > 0)
      throw new RqtsError(
        'BAD_ARGUMENT',
        '--depends-on cannot be combined with --schedule-in or --schedule-at',
        'Give either the dependencies or the schedule',
      );
    const connection = await openConnection(flags);
    try {
      const queue = new Queue(flags.queue, connection.client, { serializer: connection.serializer });
      const fullCall = callString(funcName, callArgs, kwargs, true);
      const options = {
        timeout: flags.timeout,
        resultTtl: flags.resultTtl,
        ttl: flags.ttl,
        failureTtl: flags.failureTtl,
        // rq enqueue describes the job with the untruncated call string.
        description: flags.description ?? fullCall,
        jobId: flags.jobId,
        atFront: flags.atFront,
        retry,
        dependsOn: flags.dependsOn.length > 0 ? flags.dependsOn : undefined,
      };
      const job = due
        ? await queue.enqueueAt(due, funcName, callArgs, kwargs, options)
        : await queue.enqueue(funcName, callArgs, kwargs, options);
      if (!flags.quiet) io.print(`Enqueued ${fullCall} with job-id '${job.id}'.`);
      return 0;
    } finally {
      await connection.close();
    }
  },
});

function retryOption(
  max: number | undefined,
  intervals: number[],
): { max: number; interval: number[] } | undefined {
  if (max === undefined) {
    if (intervals.length > 0)
      throw new RqtsError(
        'BAD_ARGUMENT',
        '--retry-interval needs --retry-max',
        'Say how many retries, e.g. --retry-max 3 --retry-interval 10',
      );
    return undefined;
  }
  if (!Number.isInteger(max) || max < 1)
    throw new RqtsError(
      'BAD_ARGUMENT',
      `--retry-max ${max} is not a number of retries`,
      'Give a whole number of 1 or more',
    );
  const bad = intervals.find((n) => !Number.isInteger(n) || n < 0);
  if (bad !== undefined)
    throw new RqtsError(
      'BAD_ARGUMENT',
      `--retry-interval ${bad} is not a whole number of seconds`,
      'Give whole seconds of 0 or more',
    );
  return { max, interval: intervals.length > 0 ? intervals : [0] };
}

// rq enqueue's --schedule-at: ISO 8601 without timezone, read as local time as Python reads a naive datetime.
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

function scheduleTime(scheduleIn: string | undefined, scheduleAt: string | undefined): Date | undefined {
  if (scheduleIn !== undefined && scheduleAt !== undefined)
    throw new RqtsError(
      'BAD_ARGUMENT',
      '--schedule-in and --schedule-at exclude each other',
      'Give one of them',
    );
  if (scheduleIn !== undefined) {
    const seconds = parseDuration(scheduleIn);
    if (seconds === undefined)
      throw new RqtsError(
        'BAD_ARGUMENT',
        `--schedule-in ${scheduleIn} is not a delay`,
        "Give seconds or '90s', '5m', '2h', '1d'",
      );
    return new Date(Date.now() + seconds * 1000);
  }
  if (scheduleAt === undefined) return undefined;
  const match = LOCAL_TIME.exec(scheduleAt);
  const [year, month, day, hour, minute, second] = (match?.slice(1) ?? []).map<number>(Number);
  const date = match ? new Date(year!, month! - 1, day, hour, minute, second) : undefined;
  // Date rolls 2026-02-30 over into March; a time that does not print back was not a real one.
  if (!date || date.getMonth() !== month! - 1 || date.getDate() !== day! || date.getHours() !== hour) {
    throw new RqtsError(
      'BAD_ARGUMENT',
      `--schedule-at ${scheduleAt} is not a time`,
      'Give local time as YYYY-MM-DDTHH:MM:SS, e.g. 2026-05-27T21:45:00',
    );
  }
  return date;
}
