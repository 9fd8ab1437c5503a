import { resume } from '../model/suspension.js';
import { defineCommand } from './command.js';
import { connectionFlags, openConnection } from './connection-options.js';

export const resumeCommand = defineCommand({
  name: 'resume',
  summary: 'Resume suspended workers',
  usage: '',
  flags: { ...connectionFlags },
  async run({ flags, io }) {
    const connection = await openConnection(flags);
    try {
      await resume(connection.client);
    } finally {
      await connection.close();
    }
    io.print('Resuming workers.');
    return 0;
  },
});
