import type { Redis } from 'ioredis';
import { duplicateClient } from '../redis/connection.js';
import { keys } from '../redis/keys.js';
import { settledWithin } from '../deadline.js';
import { parseCommand, type WorkerCommand } from '../model/commands.js';

// Listens on rq:pubsub:<worker>. Unlike Python RQ's listener thread, a malformed payload
// is logged and ignored: it can never deafen the worker. ioredis re-subscribes by itself
// after a reconnect.

export class CommandListener {
  private client: Redis | undefined;

  constructor(
    private readonly connection: Redis,
    private readonly workerName: string,
    private readonly handlers: {
      onCommand: (command: WorkerCommand) => void;
      onMalformed: (payload: string) => void;
    },
  ) {}

  async start(): Promise<void> {
    const client = duplicateClient(this.connection);
    this.client = client;
    const channel = keys.workerChannel(this.workerName);
    client.on('message', (received: string, payload: string) => {
      if (received !== channel) return;
      const command = parseCommand(payload);
      if (command) this.handlers.onCommand(command);
      else this.handlers.onMalformed(payload);
    });
    await client.subscribe(channel);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // Best effort: with Redis unreachable the UNSUBSCRIBE would wait for ever; disconnecting
    // ends the subscription anyway.
    await settledWithin(client.unsubscribe(), 1000);
    client.disconnect();
  }
}
