import { createRequire } from 'node:module';
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { settledWithin } from '../deadline.js';
import { RqtsError } from '../errors.js';
import { describeTlsError, tlsOptionsFrom } from './tls.js';
import { describeSentinelTarget, isSentinelUrl, parseSentinelUrl } from './sentinel.js';
import { failoverOptions } from './portable-options.js';

export { clientFromOptions, failoverOptions, portableOptions } from './portable-options.js';

// ioredis is CommonJS. Imported from ESM, Node first scans its source for export names with
// cjs-module-lexer, a loop hot enough that V8 compiles the lexer with TurboFan at every start
// (50-80 ms on a compiler thread, whose ~4 MiB of zone memory the process then keeps).
// require() needs no scan.
const { Redis } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
type Redis = RedisClient;

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
  const host = settings.host ?? (env.REDIS_HOST || undefined);
  const port = settings.port ?? settingNumber('REDIS_PORT', env.REDIS_PORT, 65535);
  const db = settings.db ?? settingNumber('REDIS_DB', env.REDIS_DB, Number.MAX_SAFE_INTEGER);
  const password = settings.password ?? env.REDIS_PASSWORD;
  const ssl = settings.ssl ?? /^(1|true|yes)$/i.test(env.REDIS_SSL ?? '');
  if (host === undefined && port === undefined && db === undefined && password === undefined && !ssl) {
    return env.REDIS_URL ?? DEFAULT_URL;
  }
  for (const [name, value, max] of [
    ['port', port, 65535],
    ['db', db, Number.MAX_SAFE_INTEGER],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > max)) {
      throw new RqtsError(
        'BAD_URL',
        `The Redis ${name} ${value} is not a valid number`,
        `Give the ${name} as a whole number`,
      );
    }
  }
  const auth = password
    ? `${settings.username ? encodeURIComponent(settings.username) : ''}:${encodeURIComponent(password)}@`
    : '';
  const hostText = host ?? '127.0.0.1';
  const bracketed = hostText.includes(':') && !hostText.startsWith('[') ? `[${hostText}]` : hostText;
  return `${ssl ? 'rediss' : 'redis'}://${auth}${bracketed}:${port ?? 6379}/${db ?? 0}`;
}

function settingNumber(name: string, text: string | undefined, max: number): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value > max) {
    throw new RqtsError(
      'BAD_URL',
      `${name}=${JSON.stringify(text)} is not a valid number`,
      `Set ${name} to a whole number, or use RQ_REDIS_URL`,
    );
  }
  return value;
}

export interface ParsedUrl {
  options: RedisOptions;
  /** The URL with its password replaced by ***, safe to print anywhere. */
  display: string;
}

export function parseRedisUrl(url: string): ParsedUrl {
  const display = maskPassword(url);
  // WHATWG URL refuses credentials without a host, which redis-py's unix://user:pw@/path allows.
  if (/^unix:/i.test(url)) return parseUnixUrl(url, display);
  if (isSentinelUrl(url)) return { options: parseSentinelUrl(url, display), display };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(display, 'it is not a URL');
  }
  const password = parsed.password ? decodeOrThrow(parsed.password, display) : undefined;
  const username = parsed.username ? decodeOrThrow(parsed.username, display) : undefined;
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
      if (parsed.protocol === 'rediss:')
        options.tls = tlsOptionsFrom(parsed.searchParams, options.host, display);
      break;
    }
    default:
      throw badUrl(display, `the scheme ${parsed.protocol.replace(/:$/, '')} is not redis, rediss or unix`);
  }
  return { options, display };
}

function parseUnixUrl(url: string, display: string): ParsedUrl {
  const match =
    /^unix:\/\/(?:([^@/]*)@)?(\/[^?#]*)(?:\?([^#]*))?$/i.exec(url) ??
    /^unix:\/\/(?:(.*)@)?(\/[^?#@]*)(?:\?([^#]*))?$/i.exec(url);
  if (!match || !match[2] || match[2] === '/')
    throw badUrl(display, 'it has no socket path (unix:///path/to/redis.sock?db=0)');
  const [, auth, socketPath, query] = match;
  const params = new URLSearchParams(query ?? '');
  const options: RedisOptions = {
    path: decodeOrThrow(socketPath ?? '', display),
    db: parseDb(params.get('db') ?? '0', display),
  };
  if (auth) {
    const colon = auth.indexOf(':');
    const username = colon === -1 ? auth : auth.slice(0, colon);
    if (username) options.username = decodeOrThrow(username, display);
    if (colon !== -1 && colon < auth.length - 1)
      options.password = decodeOrThrow(auth.slice(colon + 1), display);
  }
  const password = params.get('password');
  if (password) options.password = password;
  return { options, display };
}

function decodeOrThrow(text: string, display: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw badUrl(display, 'it has a malformed %-escape');
  }
}

function parseDb(text: string, display: string): number {
  const db = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(db))
    throw badUrl(display, `the database ${JSON.stringify(text)} is not a number`);
  return db;
}

function badUrl(display: string, why: string): RqtsError {
  return new RqtsError(
    'BAD_URL',
    `Bad Redis URL ${display}: ${why}`,
    'Use redis://[:password@]host:port/db, rediss://…, unix:///path/to/socket?db=0 or redis+sentinel://host:port,…/MASTER/db',
  );
}

/**
 * Hides the password of any text shaped like a URL, valid or not: everything between the
 * first `:` after the scheme and the last `@` (passwords may hold unescaped `/` or `@`),
 * and any `password=` query parameter.
 */
export function maskPassword(url: string): string {
  let out = url.replace(/([?&](?:sentinel_)?password=)[^&#]*/gi, '$1***');
  const schemeEnd = out.indexOf('://');
  const start = schemeEnd === -1 ? 0 : schemeEnd + 3;
  const at = out.lastIndexOf('@');
  if (at > start) {
    const auth = out.slice(start, at);
    const colon = auth.indexOf(':');
    if (colon !== -1) out = `${out.slice(0, start)}${auth.slice(0, colon)}:***${out.slice(at)}`;
  }
  return out;
}

export interface ConnectOptions {
  /** Keep retrying forever (workers, console) instead of failing fast (CLI commands). */
  persistent?: boolean;
  connectionName?: string;
  connectTimeoutMs?: number;
  /** persistent: one line per handshake retried after a dropped connection. */
  onRetry?: (line: string) => void;
}

/**
 * How long a persistent client keeps retrying a handshake whose connection dropped (the
 * server accepted, then the link went) before it reports Redis unreachable after all.
 */
export const HANDSHAKE_DROP_WINDOW_MS = 30_000;
const HANDSHAKE_RETRY_FIRST_MS = 200;
const HANDSHAKE_RETRY_MAX_MS = 2000;

/**
 * Opens a client and proves it works (PING), turning the usual failures into one line:
 * unreachable, wrong password, or a Redis Cluster (RQ's layout needs one keyspace).
 * Persistent: a connection that drops during the handshake (a flaky link, a proxy) is tried
 * again with backoff for up to HANDSHAKE_DROP_WINDOW_MS; a server that refuses the
 * connection, or the credentials, still fails at once with its clear line.
 */
export async function connect(url: string, options: ConnectOptions = {}): Promise<Redis> {
  const { options: redisOptions, display } = parseRedisUrl(url);
  const started = Date.now();
  let delay = HANDSHAKE_RETRY_FIRST_MS;
  for (let drops = 0; ; drops += 1) {
    const attempt = await connectOnce(redisOptions, display, options);
    if (attempt.client) return attempt.client;
    const elapsed = Date.now() - started;
    if (!options.persistent || !attempt.dropped || elapsed + delay > HANDSHAKE_DROP_WINDOW_MS) {
      const error = attempt.error;
      if (drops > 0 && error.code === 'UNREACHABLE')
        throw new RqtsError(
          'UNREACHABLE',
          `${error.message}; the connection dropped ${drops + 1} times in ${Math.round(elapsed / 1000)} s`,
          error.hint ?? 'Check the network between the worker and Redis',
        );
      throw error;
    }
    options.onRetry?.(
      `The connection to Redis at ${display} dropped during the handshake (${attempt.why}); retrying in ${delay / 1000} s`,
    );
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, HANDSHAKE_RETRY_MAX_MS);
  }
}

type Attempt =
  | { client: Redis; error?: undefined }
  | { client?: undefined; error: RqtsError; dropped: boolean; why: string };

async function connectOnce(
  redisOptions: RedisOptions,
  display: string,
  options: ConnectOptions,
): Promise<Attempt> {
  const client = new Redis({
    ...redisOptions,
    lazyConnect: true,
    connectionName: options.connectionName,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    maxRetriesPerRequest: options.persistent ? null : 1,
    enableOfflineQueue: true,
    retryStrategy: options.persistent ? (times) => Math.min(times * 200, 5000) : () => null,
    ...failoverOptions(redisOptions, options.persistent ?? false),
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
  // The TCP (or TLS) link was up: a failure after it is a drop, not an unreachable server.
  let linked = false;
  const onLinked = (): void => {
    linked = true;
  };
  client.once('connect', onLinked);
  // connectTimeout only covers the TCP connect: a peer that accepts and never answers
  // (not Redis, or a frozen one) would hang the ready check forever. Bound the handshake.
  const handshakeMs = (options.connectTimeoutMs ?? 5000) + 1000;
  try {
    const shaken = handshake(client, display);
    if (!(await settledWithin(shaken, handshakeMs)))
      throw new RqtsError(
        'UNREACHABLE',
        `Redis at ${display} did not answer within ${Math.round(handshakeMs / 1000)} s`,
        'Check that the URL points at a running Redis server',
      );
    await shaken;
  } catch (error) {
    client.disconnect();
    const raw = error instanceof RqtsError ? error : (cause ?? error);
    return {
      error: describeConnectError(raw, display),
      dropped: linked && !(error instanceof RqtsError) && isDrop(raw),
      why: firstLine(raw instanceof Error ? raw.message : String(raw)),
    };
  } finally {
    client.off('connect', onLinked);
  }
  client.off('error', recordCause);
  return { client };
}

/** A link that went away under a command, as opposed to a reply that refuses us. */
function isDrop(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    /Connection is closed|Stream isn't writeable|socket hang up/i.test(message) ||
    code === 'ECONNRESET' ||
    code === 'EPIPE'
  );
}

async function handshake(client: Redis, display: string): Promise<void> {
  await client.connect();
  await client.ping();
  const cluster = await client.info('cluster').catch(() => '');
  if (/cluster_enabled:1/.test(cluster)) {
    throw new RqtsError(
      'CLUSTER_UNSUPPORTED',
      `${display} is a Redis Cluster node`,
      "RQ's keys must live in one keyspace: point rqts at a standalone Redis (or a Sentinel-managed primary)",
    );
  }
}

/** The server a client is talking to right now ("10.0.0.5:6379"), e.g. the primary Sentinel chose. */
export function connectedAddress(client: Redis): string | undefined {
  const stream = (client as unknown as { stream?: { remoteAddress?: string; remotePort?: number } }).stream;
  if (!stream?.remoteAddress || client.status !== 'ready') return undefined;
  const host = stream.remoteAddress.includes(':') ? `[${stream.remoteAddress}]` : stream.remoteAddress;
  return `${host}:${stream.remotePort ?? '?'}`;
}

/** How a header names the target: the masked URL, or the Sentinel master and its current primary. */
export function describeTarget(url: string, client?: Redis): string {
  const { options, display } = parseRedisUrl(url);
  if (!options.sentinels || !options.name) return display;
  const primary = client ? connectedAddress(client) : undefined;
  return `${describeSentinelTarget({ name: options.name, sentinels: options.sentinels })}${primary ? `, primary ${primary}` : ''}`;
}

/** Creates another client to the same server, e.g. for blocking commands or SUBSCRIBE. */
export function duplicateClient(client: Redis): Redis {
  const copy = client.duplicate();
  copy.on('error', () => undefined);
  return copy;
}

export function describeConnectError(error: unknown, display: string): RqtsError {
  if (error instanceof RqtsError && error.code !== 'UNREACHABLE') return error;
  const tls = describeTlsError(error, display);
  if (tls) return tls;
  if (error instanceof RqtsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/WRONGPASS|invalid username-password|NOAUTH|AUTH/i.test(message)) {
    return new RqtsError(
      'AUTH_FAILED',
      `Redis at ${display} refused the credentials (${firstLine(message)})`,
      'Check the password in --url or REDIS_PASSWORD',
    );
  }
  if (/sentinel/i.test(message)) {
    return new RqtsError(
      'UNREACHABLE',
      `No primary from the Sentinels of ${display} (${firstLine(message)})`,
      'Check --sentinel host:port (each a running Sentinel) and --sentinel-master (the name the Sentinels monitor)',
    );
  }
  if (/Protocol error/i.test(message)) {
    return new RqtsError(
      'UNREACHABLE',
      `${display} answered, but not as a Redis server would (${firstLine(message)})`,
      'Check the host and port: another service listens there',
    );
  }
  return new RqtsError(
    'UNREACHABLE',
    `Cannot reach Redis at ${display} (${firstLine(message)})`,
    'Start redis-server or pass --url redis://host:port/db',
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
