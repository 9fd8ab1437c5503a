import type { Redis } from 'ioredis';
import { RqtsError } from '../model/errors.js';
import { resolveSerializer, type Serializer } from '../model/serializer.js';
import { connect, maskPassword, resolveRedisUrl, type RedisSettings } from '../redis/connection.js';
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
      'Settings module by dotted name under --path (REDIS_URL, REDIS_HOST, REDIS_PORT, REDIS_DB, REDIS_PASSWORD, REDIS_SSL, QUEUES, NAME, SENTRY_DSN, DICT_CONFIG)',
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

/** The Redis URL from flags, then environment, then settings module. */
export function resolveCliRedisUrl(
  flags: Pick<ConnectionFlagValues, 'url'>,
  settings: CliSettings,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (flags.url) return flags.url;
  if (env.RQ_REDIS_URL) return env.RQ_REDIS_URL;
  const fromEnv = readEnvParts(env);
  const envHasParts = Object.values(fromEnv).some((v) => v !== undefined);
  if (!envHasParts && settings.redisUrl) return settings.redisUrl;
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
  options: { persistent?: boolean; connectionName?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<OpenedConnection> {
  const { settings, serializer, paths } = await readConnectionOptions(flags);
  const url = resolveCliRedisUrl(flags, settings, options.env ?? process.env);
  const client = await connect(url, {
    persistent: options.persistent,
    connectionName: options.connectionName,
    connectTimeoutMs: options.persistent ? 5000 : 3000,
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
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        client.quit().catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, 1000))),
      ]);
      clearTimeout(timer);
      client.disconnect();
    },
  };
}

/** Called by the entry point after a command so a forgotten client cannot keep the process alive. */
export function closeAllConnections(): void {
  for (const client of openClients) client.disconnect();
  openClients.clear();
}
