import { RqtsError } from '../errors.js';
import { suspend } from '../model/suspension.js';
import { defineCommand } from './command.js';
import { connectionFlags, openConnection } from './connection-options.js';

export const suspendCommand = defineCommand({
  name: 'suspend',
  summary: 'Suspend all workers: running jobs finish, no new job starts',
  usage: '',
  description: 'Sets rq:suspended, which rqts and Python RQ workers both obey. Undo with rqts resume.',
  flags: {
    ...connectionFlags,
    duration: {
      type: 'number',
      valueName: 'SECONDS',
      description: 'Resume by itself after this many seconds',
    },
  },
  examples: ['rqts suspend', 'rqts suspend --duration 300'],
  async run({ flags, io }) {
    const { duration } = flags;
    if (duration !== undefined && (!Number.isInteger(duration) || duration < 1)) {
      throw new RqtsError(
        'BAD_ARGUMENT',
        `--duration ${duration} is not allowed`,
        'Give a whole number of seconds, 1 or more',
      );
    }
    const connection = await openConnection(flags);
    try {
      await suspend(connection.client, duration);
    } finally {
      await connection.close();
    }
    io.print(
      duration === undefined
        ? 'Suspending workers.  No new jobs will be started.  But current jobs will be completed'
        : `Suspending workers for ${duration} seconds.  No new jobs will be started during that time, but then will automatically resume`,
    );
    return 0;
  },
});
