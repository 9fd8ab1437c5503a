import { Redis, type RedisOptions } from 'ioredis';
import { RqtsError } from '../model/errors.js';

// One place that turns RQ's ways of naming a server (URL, REDIS_* settings) into an
// ioredis client, checks it really is one usable keyspace, and says clearly why not.

export interface RedisSettings {
  url?: string;
  host?: string;
  port?: number;
  db?: number;
  password?: string;
  username?: string;
  ssl?: boolean;
}

export const DEFAULT_URL = 'redis://127.0.0.1:6379/0';

/** Resolves the URL the way `rq` does: explicit, then RQ_REDIS_URL, then REDIS_* parts. */
export function resolveRedisUrl(settings: RedisSettings = {}, env: NodeJS.ProcessEnv = process.env): string {
  if (settings.url) return settings.url;
  if (env.RQ_REDIS_URL) return env.RQ_REDIS_URL;
  const host = settings.host ?? env.REDIS_HOST;
  const port = settings.port ?? (env.REDIS_PORT ? Number(env.REDIS_PORT) : undefined);
  const db = settings.db ?? (env.REDIS_DB ? Number(env.REDIS_DB) : undefined);
  const password = settings.password ?? env.REDIS_PASSWORD;
  const ssl = settings.ssl ?? /^(1|true|yes)$/i.test(env.REDIS_SSL ?? '');
  if (host === undefined && port === undefined && db === undefined && password === undefined && !ssl) {
    return env.REDIS_URL ?? DEFAULT_URL;
  }
  const auth = password ? `${settings.username ? encodeURIComponent(settings.username) : ''}:${encodeURIComponent(password)}@` : '';
  return `${ssl ? 'rediss' : 'redis'}://${auth}${host ?? '127.0.0.1'}:${port ?? 6379}/${db ?? 0}`;
}

export interface ParsedUrl {
  options: RedisOptions;
  /** The URL with its password replaced by ***, safe to print anywhere. */
  display: string;
}

export function parseRedisUrl(url: string): ParsedUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(url, 'it is not a URL');
  }
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  const username = parsed.username ? decodeURIComponent(parsed.username) : undefined;
  const display = maskPassword(url);
  const options: RedisOptions = {};
  if (password !== undefined) options.password = password;
  if (username !== undefined) options.username = username;
  const dbParam = parsed.searchParams.get('db');
  switch (parsed.protocol) {
    case 'redis:':
    case 'rediss:': {
      if (!parsed.hostname) throw badUrl(display, 'it has no host');
      options.host = parsed.hostname.replace(/^\[|\]$/g, '');
      options.port = parsed.port ? Number(parsed.port) : 6379;
      const dbText = parsed.pathname.replace(/^\//, '') || dbParam || '0';
      options.db = parseDb(dbText, display);
      if (parsed.protocol === 'rediss:') options.tls = { servername: options.host };
      break;
    }
    case 'unix:': {
      if (!parsed.pathname) throw badUrl(display, 'it has no socket path');
      options.path = decodeURIComponent(parsed.pathname);
      options.db = parseDb(dbParam ?? '0', display);
      const pw = parsed.searchParams.get('password');
      if (pw) options.password = pw;
      break;
    }
    default:
      throw badUrl(display, `the scheme ${parsed.protocol.replace(/:$/, '')} is not redis, rediss or unix`);
  }
  return { options, display };
}

function parseDb(text: string, display: string): number {
  const db = Number(text);
  if (!Number.isInteger(db) || db < 0) throw badUrl(display, `the database ${JSON.stringify(text)} is not a number`);
  return db;
}

function badUrl(display: string, why: string): RqtsError {
  return new RqtsError('BAD_URL', `Bad Redis URL ${display}: ${why}`, 'Use redis://[:password@]host:port/db, rediss://… or unix:///path/to/socket?db=0');
}

export function maskPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/)([^@/]*)@/i, (_m, scheme: string, auth: string) => {
    const colon = auth.indexOf(':');
    if (colon === -1) return `${scheme}${auth}@`;
    return `${scheme}${auth.slice(0, colon)}:***@`;
  }).replace(/([?&]password=)[^&]*/i, '$1***');
}

export interface ConnectOptions {
  /** Keep retrying forever (workers, console) instead of failing fast (CLI commands). */
  persistent?: boolean;
  connectionName?: string;
  connectTimeoutMs?: number;
}

/**
 * Opens a client and proves it works (PING), turning the usual failures into one line:
 * unreachable, wrong password, or a Redis Cluster (RQ's layout needs one keyspace).
 */
export async function connect(url: string, options: ConnectOptions = {}): Promise<Redis> {
  const { options: redisOptions, display } = parseRedisUrl(url);
  const client = new Redis({
    ...redisOptions,
    lazyConnect: true,
    connectionName: options.connectionName,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    maxRetriesPerRequest: options.persistent ? null : 1,
    enableOfflineQueue: true,
    retryStrategy: options.persistent ? (times) => Math.min(times * 200, 5000) : () => null,
  });
  // ioredis emits connection errors as events; an unhandled one would crash the process.
  // The event carries the real cause (ECONNREFUSED, WRONGPASS); connect() itself only
  // rejects with "Connection is closed.", so keep the first cause for the message.
  let cause: unknown;
  const recordCause = (error: unknown): void => {
    cause ??= error;
  };
  client.on('error', recordCause);
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    const cluster = await client.info('cluster').catch(() => '');
    if (/cluster_enabled:1/.test(cluster)) {
      throw new RqtsError('CLUSTER_UNSUPPORTED', `${display} is a Redis Cluster node`, "RQ's keys must live in one keyspace: point rqts at a standalone Redis (or a Sentinel-managed primary)");
    }
  } catch (error) {
    client.disconnect();
    throw describeConnectError(error instanceof RqtsError ? error : (cause ?? error), display);
  }
  client.off('error', recordCause);
  return client;
}

/** Creates another client to the same server, e.g. for blocking commands or SUBSCRIBE. */
export function duplicateClient(client: Redis): Redis {
  const copy = client.duplicate();
  copy.on('error', () => undefined);
  return copy;
}

export function describeConnectError(error: unknown, display: string): RqtsError {
  if (error instanceof RqtsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/WRONGPASS|invalid username-password|NOAUTH|AUTH/i.test(message)) {
    return new RqtsError('AUTH_FAILED', `Redis at ${display} refused the credentials (${firstLine(message)})`, 'Check the password in --url or REDIS_PASSWORD');
  }
  return new RqtsError('UNREACHABLE', `Cannot reach Redis at ${display} (${firstLine(message)})`, 'Start redis-server or pass --url redis://host:port/db');
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
