import { describe, expect, it } from 'vitest';
import { clientFromOptions, connect, portableOptions } from '../../src/redis/connection.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';

// A horse whose worker died opens its own client from the worker's options, which crossed a
// pipe as JSON: where to connect and as whom survives, functions and Buffers do not travel.

let redis: TestRedis;
useRedis((started) => (redis = started));

describe('portable connection options', () => {
  it('a worker client round-trips through JSON into a client that reaches the same Redis', async () => {
    const worker = await connect(`${redis.url.replace(/\/\d+$/, '')}/3`, { persistent: true });
    try {
      await worker.set('portable:probe', 'db3');
      const options = JSON.parse(JSON.stringify(portableOptions(worker))) as ReturnType<
        typeof portableOptions
      >;
      expect(options).toMatchObject({ host: worker.options.host, port: worker.options.port, db: 3 });
      expect(Object.values(options).some((v) => typeof v === 'function')).toBe(false);
      const horse = clientFromOptions(options, 'portable-horse');
      try {
        expect(await horse.get('portable:probe')).toBe('db3');
        expect(horse.options.autoResendUnfulfilledCommands).toBe(false);
      } finally {
        horse.disconnect();
      }
    } finally {
      worker.disconnect();
    }
  });

  it('TLS files read into Buffers travel as text; sentinel settings travel as they are', () => {
    const fake = {
      options: {
        tls: {
          ca: Buffer.from('-----BEGIN CERTIFICATE-----\n'),
          servername: 'redis.example',
          checkServerIdentity: () => undefined,
        },
        sentinels: [{ host: 's1', port: 26379 }],
        name: 'mymaster',
        password: 'secret',
        retryStrategy: () => 1,
      },
    } as unknown as Parameters<typeof portableOptions>[0];
    expect(portableOptions(fake)).toEqual({
      tls: { ca: '-----BEGIN CERTIFICATE-----\n', servername: 'redis.example' },
      sentinels: [{ host: 's1', port: 26379 }],
      name: 'mymaster',
      password: 'secret',
    });
  });
});
