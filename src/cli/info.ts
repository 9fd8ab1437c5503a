import { setTimeout as sleep } from 'node:timers/promises';
import { RqtsError } from '../errors.js';
import { validateQueueName } from '../model/queue.js';
import { defineCommand } from './command.js';
import { connectionFlags, openConnection } from './connection-options.js';
import { gatherInfo } from './info-data.js';
import { infoJson, renderBoth, renderQueues, renderWorkers, type InfoPart } from './info-format.js';

const CLEAR_SCREEN = '\u001b[2J\u001b[1;1H';

export const infoCommand = defineCommand({
  name: 'info',
  summary: 'Show queues, registries and workers (rq info)',
  usage: '[QUEUES...]',
  description:
    'Without QUEUES, every queue in rq:queues. Cleans expired registry entries and dead workers first, as rq info does, so both print the same numbers.',
  flags: {
    ...connectionFlags,
    interval: {
      type: 'number',
      short: 'i',
      valueName: 'SECONDS',
      description: 'Refresh every SECONDS until Ctrl-C',
    },
    raw: { type: 'boolean', short: 'r', description: 'Print raw lines, no charts or summaries' },
    onlyQueues: { type: 'boolean', short: 'Q', description: 'Show only queues' },
    onlyWorkers: { type: 'boolean', short: 'W', description: 'Show only workers' },
    byQueue: { type: 'boolean', short: 'R', description: 'Group workers by queue' },
    json: {
      type: 'boolean',
      description: 'Print one JSON document (queues with every registry count, workers with every field)',
    },
  },
  examples: ['rqts info', 'rqts info high default --by-queue', 'rqts info --json | jq .queues'],
  async run({ args, flags, io }) {
    for (const name of args) validateQueueName(name);
    if (flags.interval !== undefined && !(flags.interval > 0)) {
      throw new RqtsError(
        'BAD_ARGUMENT',
        `--interval ${flags.interval} is not allowed`,
        'Give a number of seconds greater than 0',
      );
    }
    const part: InfoPart = flags.onlyQueues ? 'queues' : flags.onlyWorkers ? 'workers' : 'both';
    const connection = await openConnection(flags);
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      for (;;) {
        const snapshot = await gatherInfo(connection.client, {
          queueNames: args,
          serializer: connection.serializer,
          display: connection.display,
          byQueue: flags.byQueue,
        });
        if (flags.json) {
          io.print(JSON.stringify(infoJson(snapshot, part)));
        } else {
          const options = { raw: flags.raw, color: io.color, byQueue: flags.byQueue };
          const lines =
            part === 'queues'
              ? renderQueues(snapshot, options)
              : part === 'workers'
                ? renderWorkers(snapshot, options)
                : renderBoth(snapshot, options);
          if (flags.interval !== undefined && io.stdout.isTTY) io.stdout.write(CLEAR_SCREEN);
          if (lines.length > 0) io.print(lines.join('\n'));
        }
        if (flags.interval === undefined) break;
        try {
          await sleep(flags.interval * 1000, undefined, { signal: stop.signal });
        } catch {
          io.print();
          break;
        }
      }
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await connection.close();
    }
  },
});
