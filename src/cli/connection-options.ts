import type { Redis } from 'ioredis';
import { settledWithin } from '../deadline.js';
import { RqtsError } from '../errors.js';
import { resolveSerializer, type Serializer } from '../model/serializer.js';
import { connect, maskPassword, resolveRedisUrl, type RedisSettings } from '../redis/connection.js';
import {
  DEFAULT_MASTER_NAME,
  isSentinelUrl,
  parseSentinelAddress,
  sentinelUrl,
  type SentinelSettings,
} from '../redis/sentinel.js';
import { tlsParamsOf, type TlsSettings } from '../redis/tls.js';
import type { FlagTable, FlagValues } from './command.js';
import { loadSettings, type CliSettings } from './settings.js';

// The options every subcommand shares (rq's --url, --config, --path, --serializer) and the
// one way to turn them into a working client. Precedence is design.md §3's: flags, then
// the environment (RQ_REDIS_URL, RQ_CONFIG, REDIS_HOST/PORT/DB/PASSWORD/SSL), then the
// settings module.

export const connectionFlags = {
  url: {
    type: 'string',
    short: 'u',
    env: 'RQ_REDIS_URL',
    valueName: 'URL',
    description:
      'Redis to use: redis://[:password@]host:port/db, rediss://… or unix:///path?db=0 (default redis://127.0.0.1:6379/0)',
  },
  config: {
    type: 'string',
    short: 'c',
    env: 'RQ_CONFIG',
    valueName: 'MODULE',
    description:
      'Settings module by dotted name under --path (REDIS_URL, REDIS_HOST, REDIS_PORT, REDIS_DB, REDIS_PASSWORD, REDIS_SSL, REDIS_SSL_CA_CERTS, REDIS_SSL_CERTFILE, REDIS_SSL_KEYFILE, REDIS_SSL_CERT_REQS, SENTINEL, QUEUES, NAME, SENTRY_DSN, DICT_CONFIG)',
  },
  tlsCa: {
    type: 'string',
    valueName: 'FILE',
    description:
      "rediss://: the CA certificate(s) that signed the server's certificate (PEM; REDIS_SSL_CA_CERTS)",
  },
  tlsCert: {
    type: 'string',
    valueName: 'FILE',
    description:
      'rediss://: client certificate (PEM) for a server with tls-auth-clients (REDIS_SSL_CERTFILE)',
  },
  tlsKey: {
    type: 'string',
    valueName: 'FILE',
    description: 'rediss://: the private key of --tls-cert (PEM; REDIS_SSL_KEYFILE)',
  },
  sentinel: {
    type: 'string',
    multiple: true,
    valueName: 'HOST:PORT',
    description:
      "Find the primary through this Sentinel (repeat for each; SENTINEL INSTANCES). The primary's password is REDIS_PASSWORD or SENTINEL PASSWORD",
  },
  sentinelMaster: {
    type: 'string',
    env: 'RQ_SENTINEL_MASTER',
    valueName: 'NAME',
    description: 'The master name the Sentinels monitor (SENTINEL MASTER_NAME; default mymaster)',
  },
  sentinelPassword: {
    type: 'string',
    env: 'RQ_SENTINEL_PASSWORD',
    valueName: 'PASSWORD',
    description:
      "The Sentinels' own password, when they have requirepass (SENTINEL SENTINEL_KWARGS password)",
  },
  path: {
    type: 'string',
    short: 'P',
    multiple: true,
    default: ['.'],
    valueName: 'DIR',
    description: 'Import root for the settings module, job functions and serializers',
  },
  serializer: {
    type: 'string',
    short: 'S',
    valueName: 'NAME',
    description:
      'Serializer: json (rq.serializers.JSONSerializer, the default) or a dotted path to an export with dumps/loads',
  },
} as const satisfies FlagTable;

export type ConnectionFlagValues = FlagValues<typeof connectionFlags>;

export interface OpenedConnection {
  client: Redis;
  /** The Redis URL with any password replaced by ***: the only form ever printed. */
  display: string;
  settings: CliSettings;
  serializer: Serializer;
  /** Import roots (--path), absolute or as given. */
  paths: string[];
  close(): Promise<void>;
}

const openClients = new Set<Redis>();

/** Reads --config (if any) and resolves the serializer without touching Redis. */
export async function readConnectionOptions(
  flags: ConnectionFlagValues,
): Promise<{ settings: CliSettings; serializer: Serializer; paths: string[] }> {
  const paths = flags.path.length > 0 ? flags.path : ['.'];
  const settings = flags.config ? await loadSettings(flags.config, paths) : {};
  const serializer = await resolveSerializer(flags.serializer, paths);
  return { settings, serializer, paths };
}

type TargetFlags = Pick<ConnectionFlagValues, 'url'> &
  Partial<
    Pick<
      ConnectionFlagValues,
      'tlsCa' | 'tlsCert' | 'tlsKey' | 'sentinel' | 'sentinelMaster' | 'sentinelPassword'
    >
  >;

/**
 * The one string naming the connection: --sentinel first, then the URL from flags,
 * environment or settings module (whose SENTINEL comes after its REDIS_URL, as in RQ),
 * with the TLS files of --tls-* (or REDIS_SSL_*) added to a rediss:// URL's query.
 */
export function resolveCliRedisUrl(
  flags: TargetFlags,
  settings: CliSettings,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const url = baseUrl(flags, settings, env);
  const tls: TlsSettings = {
    ...settings.redisTls,
    ...Object.fromEntries(
      Object.entries({ caFile: flags.tlsCa, certFile: flags.tlsCert, keyFile: flags.tlsKey }).filter(
        ([, v]) => v !== undefined,
      ),
    ),
  };
  const params = tlsParamsOf(tls);
  if (params.length === 0) return url;
  const fromFlags = flags.tlsCa ?? flags.tlsCert ?? flags.tlsKey;
  if (isSentinelUrl(url)) return withParams(url, [...params, ['ssl', 'true']]);
  if (!/^rediss:/i.test(url)) {
    if (!fromFlags) return url; // RQ ignores REDIS_SSL_* when REDIS_SSL is off
    throw new RqtsError(
      'BAD_ARGUMENT',
      `--tls-ca/--tls-cert/--tls-key need a TLS connection, and ${maskPassword(url)} is not one`,
      "Use a rediss:// URL (or REDIS_SSL=true), pointing at the server's --tls-port",
    );
  }
  return withParams(url, params);
}

function withParams(url: string, params: readonly (readonly [string, string])[]): string {
  const [head = '', query] = url.split('?', 2) as [string, string | undefined];
  const search = new URLSearchParams(query ?? '');
  for (const [key, value] of params) search.set(key, value);
  return `${head}?${search.toString()}`;
}

function baseUrl(flags: TargetFlags, settings: CliSettings, env: NodeJS.ProcessEnv): string {
  if (flags.sentinel && flags.sentinel.length > 0) {
    const fromSettings = settings.sentinel;
    return sentinelUrl({
      ...fromSettings,
      instances: flags.sentinel.map((text) => parseSentinelAddress(text)),
      masterName: flags.sentinelMaster ?? fromSettings?.masterName ?? DEFAULT_MASTER_NAME,
      password: env.REDIS_PASSWORD || fromSettings?.password,
      sentinelPassword: flags.sentinelPassword ?? fromSettings?.sentinelPassword,
    });
  }
  if (flags.url) return flags.url;
  if (env.RQ_REDIS_URL) return env.RQ_REDIS_URL;
  const fromEnv = readEnvParts(env);
  const envHasParts = Object.values(fromEnv).some((v) => v !== undefined);
  if (!envHasParts && settings.redisUrl) return settings.redisUrl;
  if (!envHasParts && settings.sentinel) {
    const sentinel: SentinelSettings = {
      ...settings.sentinel,
      masterName: flags.sentinelMaster ?? settings.sentinel.masterName,
      sentinelPassword: flags.sentinelPassword ?? settings.sentinel.sentinelPassword,
    };
    return sentinelUrl(sentinel);
  }
  const merged: RedisSettings = {
    host: fromEnv.host ?? settings.redisHost,
    port: fromEnv.port ?? settings.redisPort,
    db: fromEnv.db ?? settings.redisDb,
    password: fromEnv.password ?? settings.redisPassword,
    ssl: fromEnv.ssl ?? settings.redisSsl,
  };
  const defined = Object.fromEntries(
    Object.entries(merged).filter(([, v]) => v !== undefined),
  ) as RedisSettings;
  return resolveRedisUrl(defined, { REDIS_URL: env.REDIS_URL || undefined });
}

function readEnvParts(env: NodeJS.ProcessEnv): RedisSettings {
  const whole = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    if (!/^\d+$/.test(text))
      throw new RqtsError(
        'BAD_ARGUMENT',
        `${name}=${JSON.stringify(text)} in the environment is not a whole number`,
        `Fix or unset ${name}`,
      );
    return Number(text);
  };
  const ssl = env.REDIS_SSL;
  return {
    host: env.REDIS_HOST || undefined,
    port: whole('REDIS_PORT'),
    db: whole('REDIS_DB'),
    password: env.REDIS_PASSWORD || undefined,
    ssl: ssl === undefined || ssl === '' ? undefined : /^(1|true|yes|on)$/i.test(ssl),
  };
}

/**
 * Opens a checked client. `persistent` (workers, console) keeps reconnecting after the
 * first success; otherwise an unreachable server fails within a few seconds, once.
 */
export async function openConnection(
  flags: ConnectionFlagValues,
  options: {
    persistent?: boolean;
    connectionName?: string;
    env?: NodeJS.ProcessEnv;
    /** Where a retried handshake is reported (the logger does not exist yet). @default stderr */
    onRetry?: (line: string) => void;
  } = {},
): Promise<OpenedConnection> {
  const { settings, serializer, paths } = await readConnectionOptions(flags);
  const url = resolveCliRedisUrl(flags, settings, options.env ?? process.env);
  const client = await connect(url, {
    persistent: options.persistent,
    connectionName: options.connectionName,
    connectTimeoutMs: options.persistent ? 5000 : 3000,
    onRetry: options.onRetry ?? ((line) => process.stderr.write(`${line}\n`)),
  });
  openClients.add(client);
  return {
    client,
    display: maskPassword(url),
    settings,
    serializer,
    paths,
    async close() {
      openClients.delete(client);
      // QUIT waits for Redis; when it is unreachable, do not wait for ever.
      await settledWithin(client.quit(), 1000);
      client.disconnect();
    },
  };
}

/** Called by the entry point after a command so a forgotten client cannot keep the process alive. */
export function closeAllConnections(): void {
  for (const client of openClients) client.disconnect();
  openClients.clear();
}
