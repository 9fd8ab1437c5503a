import { createRequire } from 'node:module';
import type { Redis as RedisClient, RedisOptions } from 'ioredis';

// Connection options that travel: to another process (a horse that outlives its worker) as
// plain JSON, and the Sentinel failover options every client of ours shares. Apart from
// connection.ts so that file stays about opening and checking a client.

// As in connection.ts: require() spares Node's scan of ioredis's CommonJS source.
const { Redis } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
type Redis = RedisClient;

/**
 * What a Sentinel-managed client needs to follow a failover without a restart: drop the
 * connection when the Sentinels announce a new primary (failoverDetector), and reconnect
 * (asking the Sentinels again) when a demoted primary answers READONLY.
 */
export function failoverOptions(options: RedisOptions, persistent: boolean): RedisOptions {
  if (!options.sentinels) return {};
  return {
    failoverDetector: true,
    reconnectOnError: (error) => (/^READONLY/.test(error.message) ? 2 : false),
    ...(persistent ? {} : { sentinelRetryStrategy: () => null }),
  };
}

/** The options of a client that say where and how to connect, and nothing that is a function. */
const PORTABLE_OPTIONS = [
  'host',
  'port',
  'path',
  'family',
  'db',
  'username',
  'password',
  'tls',
  'sentinels',
  'name',
  'role',
  'sentinelUsername',
  'sentinelPassword',
  'sentinelTLS',
  'enableTLSForSentinelMode',
  'keyPrefix',
  'connectTimeout',
] as const;

/**
 * A client's connection options as plain JSON, for another process to open the same kind of
 * connection (a horse that outlives its worker). TLS files read into Buffers travel as text.
 */
export function portableOptions(client: Redis): RedisOptions {
  const source = client.options as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of PORTABLE_OPTIONS) {
    const value = plainValue(source[name]);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function plainValue(value: unknown): unknown {
  if (value === null || value === undefined || typeof value === 'function') return undefined;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const plain = plainValue(inner);
      if (plain !== undefined) out[key] = plain;
    }
    return out;
  }
  return value;
}

/**
 * A client from portableOptions() that keeps trying to reach Redis and never sends a command
 * twice: a step whose reply was lost fails, and its caller checks what Redis holds instead.
 */
export function clientFromOptions(options: RedisOptions, connectionName: string): Redis {
  const client = new Redis({
    ...options,
    connectionName,
    lazyConnect: true,
    maxRetriesPerRequest: null,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...failoverOptions(options, true),
  });
  client.on('error', () => undefined);
  return client;
}
