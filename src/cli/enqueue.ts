import { parseTimeout, Queue, validateQueueName } from '../model/queue.js';
import { callString } from '../model/python-text.js';
import { RqtsError } from '../model/errors.js';
import { defineCommand } from './command.js';
import { connectionFlags, openConnection } from './connection-options.js';
import { parseFunctionArgs } from './enqueue-args.js';

export const enqueueCommand = defineCommand({
  name: 'enqueue',
  summary: 'Put a job on a queue (rq enqueue)',
  usage: 'FUNCTION [ARGS...]',
  description: [
    'FUNCTION is a dotted name (tasks.add: export add of tasks.js, or a Python path for Python workers).',
    'ARGS use rq\'s syntax: value and key=value are text; :json and key:=json are JSON;',
    '@file, key=@file and :@file read the value from a file. Python-only %literal is refused.',
  ].join('\n'),
  flags: {
    ...connectionFlags,
    queue: { type: 'string', short: 'q', default: 'default', valueName: 'NAME', description: 'Queue to put the job on' },
    timeout: { type: 'string', valueName: 'SECONDS', description: "Job timeout: seconds or '90s', '5m', '2h', '1d'; -1 for none (default 180)" },
    resultTtl: { type: 'number', valueName: 'SECONDS', description: 'Keep the result this long; -1 forever, 0 not at all (default 500)' },
    ttl: { type: 'number', valueName: 'SECONDS', description: 'Discard the job if it has not started within this time' },
    failureTtl: { type: 'number', valueName: 'SECONDS', description: 'Keep a failed job this long (default one year)' },
    description: { type: 'string', valueName: 'TEXT', description: 'Job description (default: the call string)' },
    jobId: { type: 'string', valueName: 'ID', description: 'Use this job id instead of a random one' },
    atFront: { type: 'boolean', description: 'Put the job at the front of the queue' },
    quiet: { type: 'boolean', description: 'Print nothing' },
  },
  examples: ['rqts enqueue tasks.add :1 :2', "rqts enqueue -q high tasks.send to=ops@example.com :'{\"retries\": 3}' body=@message.txt"],
  async run({ args, flags, io }) {
    const [funcName, ...rawArgs] = args;
    if (!funcName) throw new RqtsError('BAD_ARGUMENT', 'No function given', 'Usage: rqts enqueue FUNCTION [ARGS...], e.g. rqts enqueue tasks.add 1 2');
    const { args: callArgs, kwargs } = parseFunctionArgs(rawArgs);
    for (const [name, value] of [['--result-ttl', flags.resultTtl], ['--ttl', flags.ttl], ['--failure-ttl', flags.failureTtl]] as const) {
      if (value !== undefined && !Number.isInteger(value)) throw new RqtsError('BAD_ARGUMENT', `${name} ${value} is not a whole number of seconds`, `Give ${name} in whole seconds`);
    }
    if (flags.jobId === '') throw new RqtsError('BAD_ARGUMENT', '--job-id is empty', 'Give a job id, or leave the option out for a random one');
    // Bad input is reported before connecting, so it is never hidden behind a Redis error.
    validateQueueName(flags.queue);
    parseTimeout(flags.timeout);
    const connection = await openConnection(flags);
    try {
      const queue = new Queue(flags.queue, connection.client, { serializer: connection.serializer });
      const fullCall = callString(funcName, callArgs, kwargs, true);
      const job = await queue.enqueue(funcName, callArgs, kwargs, {
        timeout: flags.timeout,
        resultTtl: flags.resultTtl,
        ttl: flags.ttl,
        failureTtl: flags.failureTtl,
        // rq enqueue describes the job with the untruncated call string.
        description: flags.description ?? fullCall,
        jobId: flags.jobId,
        atFront: flags.atFront,
      });
      if (!flags.quiet) io.print(`Enqueued ${fullCall} with job-id '${job.id}'.`);
      return 0;
    } finally {
      await connection.close();
    }
  },
});
