import type { RedisOptions } from 'ioredis';
import { RqtsError } from '../errors.js';
import { tlsOptionsFrom } from './tls.js';

// A Sentinel-managed primary named by one string, like every other connection:
//
//   redis+sentinel://[user:password@]host:port[,host:port…]/MASTER[/DB][?sentinel_password=…]
//
// The credentials before @ and the DB are the primary's (RQ's SENTINEL PASSWORD, USERNAME,
// DB); sentinel_password/sentinel_username are the Sentinels' own (RQ's SENTINEL_KWARGS).
// Being a URL, it reaches pool members and the workers the console launches unchanged.

export const SENTINEL_SCHEME = 'redis+sentinel:';

export interface SentinelAddress {
  host: string;
  port: number;
}

export interface SentinelSettings {
  instances: SentinelAddress[];
  masterName: string;
  db?: number;
  username?: string;
  password?: string;
  sentinelUsername?: string;
  sentinelPassword?: string;
  /** RQ's SOCKET_TIMEOUT in seconds: bounds connecting and each Sentinel query. */
  socketTimeout?: number;
  /** RQ's SSL: TLS to the primary (the Sentinels stay plain). */
  ssl?: boolean;
}

export const DEFAULT_MASTER_NAME = 'mymaster';

/** host:port, [v6]:port or host (port 26379), as --sentinel takes it. */
export function parseSentinelAddress(text: string, what = '--sentinel'): SentinelAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(text.trim());
  const port = match?.[3] === undefined ? 26379 : Number(match[3]);
  if (!match || port < 1 || port > 65535) {
    throw new RqtsError(
      'BAD_ARGUMENT',
      `${what} ${JSON.stringify(text)} is not host:port`,
      'Name each Sentinel as host:port, e.g. --sentinel 10.0.0.5:26379 (repeat the flag for each)',
    );
  }
  return { host: (match[1] ?? match[2]) as string, port };
}

export function sentinelUrl(settings: SentinelSettings): string {
  if (settings.instances.length === 0) {
    throw new RqtsError(
      'BAD_ARGUMENT',
      'No Sentinel to ask for the primary',
      'Give --sentinel host:port (repeatable) or SENTINEL = {INSTANCES: [...]} in the settings module',
    );
  }
  const auth =
    settings.password !== undefined || settings.username !== undefined
      ? `${encodeURIComponent(settings.username ?? '')}${settings.password !== undefined ? `:${encodeURIComponent(settings.password)}` : ''}@`
      : '';
  const hosts = settings.instances
    .map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`)
    .join(',');
  const query = new URLSearchParams();
  if (settings.sentinelUsername) query.set('sentinel_username', settings.sentinelUsername);
  if (settings.sentinelPassword) query.set('sentinel_password', settings.sentinelPassword);
  if (settings.socketTimeout !== undefined) query.set('socket_timeout', String(settings.socketTimeout));
  if (settings.ssl) query.set('ssl', 'true');
  const queryText = query.size > 0 ? `?${query.toString()}` : '';
  return `redis+sentinel://${auth}${hosts}/${encodeURIComponent(settings.masterName)}/${settings.db ?? 0}${queryText}`;
}

export function isSentinelUrl(url: string): boolean {
  return url.toLowerCase().startsWith(`${SENTINEL_SCHEME}//`);
}

/** ioredis options for a redis+sentinel:// URL (the caller adds retry and timeouts). */
export function parseSentinelUrl(url: string, display: string): RedisOptions & { name: string } {
  const bad = (why: string): RqtsError =>
    new RqtsError(
      'BAD_URL',
      `Bad Sentinel URL ${display}: ${why}`,
      'Use redis+sentinel://[:password@]host:port[,host:port]/MASTER/DB, or --sentinel host:port --sentinel-master NAME',
    );
  const match =
    /^redis\+sentinel:\/\/(?:(.*)@)?([^/?#@]+)\/([^/?#]+)(?:\/([^/?#]*))?\/?(?:\?([^#]*))?$/i.exec(url);
  if (!match) throw bad('it needs Sentinels and a master name');
  const [, auth, hostList = '', master = '', dbText, query] = match;
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      throw bad('it has a malformed %-escape');
    }
  };
  const sentinels = hostList.split(',').map((part) => parseSentinelAddress(part, 'Sentinel'));
  const db = dbText === undefined || dbText === '' ? 0 : /^\d+$/.test(dbText) ? Number(dbText) : Number.NaN;
  if (!Number.isSafeInteger(db)) throw bad(`the database ${JSON.stringify(dbText)} is not a number`);
  const params = new URLSearchParams(query ?? '');
  const options: RedisOptions & { name: string } = { sentinels, name: decode(master), db };
  if (auth) {
    const colon = auth.indexOf(':');
    const username = colon === -1 ? auth : auth.slice(0, colon);
    if (username) options.username = decode(username);
    if (colon !== -1) options.password = decode(auth.slice(colon + 1));
  }
  const sentinelPassword = params.get('sentinel_password');
  const sentinelUsername = params.get('sentinel_username');
  if (sentinelPassword) options.sentinelPassword = sentinelPassword;
  if (sentinelUsername) options.sentinelUsername = sentinelUsername;
  const timeout = params.get('socket_timeout');
  if (timeout !== null) {
    const seconds = Number(timeout);
    if (!(seconds > 0)) throw bad(`socket_timeout=${timeout} is not a positive number of seconds`);
    options.connectTimeout = Math.round(seconds * 1000);
    options.sentinelCommandTimeout = Math.round(seconds * 1000);
  }
  if (/^(1|true|yes|on)$/i.test(params.get('ssl') ?? '')) {
    options.tls = tlsOptionsFrom(params, '', display);
    options.enableTLSForSentinelMode = true;
  }
  return options;
}

/** "master mymaster via 2 Sentinels (h:p,…)", for headers and log lines. */
export function describeSentinelTarget(options: {
  name: string;
  sentinels?: Partial<SentinelAddress>[] | null;
}): string {
  const list = (options.sentinels ?? []).map((s) => `${s.host ?? '?'}:${s.port ?? 26379}`);
  return `master ${options.name} via ${list.length} Sentinel${list.length === 1 ? '' : 's'} (${list.join(',')})`;
}
