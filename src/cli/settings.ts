import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RqtsError } from '../errors.js';
import { moduleFiles } from '../model/load-export.js';
import type { TlsSettings } from '../redis/tls.js';
import { DEFAULT_MASTER_NAME, parseSentinelAddress, type SentinelSettings } from '../redis/sentinel.js';

// RQ's `-c settings`: a module named by dotted path under the import roots whose
// UPPERCASE names configure the connection and the worker. Read once, validated here,
// so the rest of the CLI sees typed values and a bad file is one clear line.

export interface CliSettings {
  /** The file the settings came from, for messages. */
  file?: string;
  redisUrl?: string;
  redisHost?: string;
  redisPort?: number;
  redisDb?: number;
  redisPassword?: string;
  redisSsl?: boolean;
  /** REDIS_SSL_CA_CERTS, REDIS_SSL_CERTFILE, REDIS_SSL_KEYFILE, REDIS_SSL_CERT_REQS (RQ's names). */
  redisTls?: TlsSettings;
  /** SENTINEL = {INSTANCES, MASTER_NAME, DB, USERNAME, PASSWORD, SOCKET_TIMEOUT, SSL, SENTINEL_KWARGS}. */
  sentinel?: SentinelSettings;
  /** QUEUES: default queues for `rqts worker`. */
  queues?: string[];
  /** NAME: default worker name. */
  name?: string;
  sentryDsn?: string;
  /** DICT_CONFIG: logging configuration, passed through unparsed for the logging module. */
  dictConfig?: unknown;
  /**
   * CONSOLE_CONTEXTS: the Redis servers `rqts console` watches at once, by name. Each is a URL
   * or an object of this module's connection names (REDIS_URL, REDIS_HOST…, REDIS_SSL_*, SENTINEL).
   */
  consoleContexts?: Record<string, CliSettings>;
}

/** The names a CONSOLE_CONTEXTS entry may hold: the connection part of a settings module. */
const CONTEXT_NAMES = new Set([
  'REDIS_URL',
  'REDIS_HOST',
  'REDIS_PORT',
  'REDIS_DB',
  'REDIS_PASSWORD',
  'REDIS_SSL',
  'REDIS_SSL_CA_CERTS',
  'REDIS_SSL_CERTFILE',
  'REDIS_SSL_KEYFILE',
  'REDIS_SSL_CERT_REQS',
  'SENTINEL',
]);

/** CONSOLE_CONTEXTS = {name: 'redis://…' | {REDIS_URL | REDIS_HOST… | SENTINEL…}}, in its order. */
export function consoleContextSettings(
  value: unknown,
  file: string,
): Record<string, CliSettings> | undefined {
  if (value === undefined || value === null) return undefined;
  const bad = (what: string): RqtsError =>
    new RqtsError(
      'BAD_ARGUMENT',
      `CONSOLE_CONTEXTS in settings module ${file} ${what}`,
      `Fix CONSOLE_CONTEXTS in ${file}, e.g. CONSOLE_CONTEXTS = {prod: 'redis://prod:6379/0', staging: {REDIS_URL: 'redis://staging:6379/0'}}`,
    );
  if (typeof value !== 'object' || Array.isArray(value))
    throw bad(`must be an object, not ${JSON.stringify(value)}`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) throw bad('names no context');
  const contexts: Record<string, CliSettings> = {};
  for (const [name, entry] of entries) {
    if (!CONTEXT_NAME.test(name))
      throw bad(`has a context named ${JSON.stringify(name)}: use letters, digits, . _ -`);
    if (typeof entry === 'string') {
      contexts[name] = { file, redisUrl: entry };
      continue;
    }
    if (!entry || typeof entry !== 'object' || Array.isArray(entry))
      throw bad(
        `.${name} must be a URL or an object of REDIS_URL, REDIS_HOST…, SENTINEL, not ${JSON.stringify(entry)}`,
      );
    const unknown = Object.keys(entry).find((k) => !CONTEXT_NAMES.has(k));
    if (unknown !== undefined)
      throw bad(`.${name} has ${unknown}; a context takes ${[...CONTEXT_NAMES].join(', ')}`);
    contexts[name] = parseSettings(entry as Record<string, unknown>, `${file} (CONSOLE_CONTEXTS.${name})`);
  }
  return contexts;
}

/** What a context may be called: it is typed after -u NAME= and shown in the header. */
export const CONTEXT_NAME = /^[A-Za-z0-9][\w.-]*$/;

export function settingsCandidates(dotted: string, roots: readonly string[]): string[] {
  const modulePath = dotted.split('.').join(path.sep);
  return roots.flatMap((root) => moduleFiles(root, modulePath));
}

export async function loadSettings(dotted: string, roots: readonly string[]): Promise<CliSettings> {
  if (!/^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/.test(dotted)) {
    throw new RqtsError(
      'BAD_ARGUMENT',
      `--config ${JSON.stringify(dotted)} is not a dotted module name`,
      'Name the module like settings or myapp.rq_settings (found under --path)',
    );
  }
  const candidates = settingsCandidates(dotted, roots);
  const file = candidates.find((candidate) => existsSync(candidate));
  if (!file) {
    throw new RqtsError(
      'LOAD_FAILED',
      `Cannot find settings module ${dotted}; tried ${candidates.join(', ')}`,
      'Check --config and --path',
    );
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new RqtsError(
      'LOAD_FAILED',
      `Settings module ${file} failed to load: ${firstLine(error)}`,
      'Fix the module (run it with node to see the full error)',
    );
  }
  // CommonJS modules and `export default {...}` put the names under default.
  const fromDefault =
    namespace.default && typeof namespace.default === 'object'
      ? (namespace.default as Record<string, unknown>)
      : {};
  return parseSettings({ ...fromDefault, ...namespace }, file);
}

export function parseSettings(values: Record<string, unknown>, file: string): CliSettings {
  const bad = (name: string, want: string): RqtsError =>
    new RqtsError(
      'BAD_ARGUMENT',
      `${name} in settings module ${file} must be ${want}, not ${JSON.stringify(values[name])}`,
      `Fix ${name} in ${file}`,
    );
  const text = (name: string): string | undefined => {
    const value = values[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw bad(name, 'a string');
    return value;
  };
  const integer = (name: string): number | undefined => {
    const value = values[name];
    if (value === undefined || value === null) return undefined;
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 0)
      throw bad(name, 'a whole number');
    return number;
  };
  const flag = (name: string): boolean | undefined => {
    const value = values[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' || typeof value === 'number')
      return /^(1|true|yes|on)$/i.test(String(value));
    throw bad(name, 'true or false');
  };
  const list = (name: string): string[] | undefined => {
    const value = values[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string')
      return value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
      throw bad(name, 'a list of queue names');
    return [...value];
  };
  const settings: CliSettings = {
    file,
    redisUrl: text('REDIS_URL'),
    redisHost: text('REDIS_HOST'),
    redisPort: integer('REDIS_PORT'),
    redisDb: integer('REDIS_DB'),
    redisPassword: text('REDIS_PASSWORD'),
    redisSsl: flag('REDIS_SSL'),
    redisTls: tlsSettings(text, bad),
    sentinel: sentinelSettings(values.SENTINEL, file),
    queues: list('QUEUES'),
    name: text('NAME'),
    sentryDsn: text('SENTRY_DSN'),
    dictConfig: values.DICT_CONFIG ?? undefined,
    consoleContexts: consoleContextSettings(values.CONSOLE_CONTEXTS, file),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
}

/** RQ's SENTINEL dict; INSTANCES as [host, port] pairs (RQ's tuples), "host:port" or {host, port}. */
export function sentinelSettings(value: unknown, file: string): SentinelSettings | undefined {
  if (value === undefined || value === null) return undefined;
  const bad = (name: string, want: string, got: unknown): RqtsError =>
    new RqtsError(
      'BAD_ARGUMENT',
      `SENTINEL${name ? `.${name}` : ''} in settings module ${file} must be ${want}, not ${JSON.stringify(got)}`,
      `Fix SENTINEL in ${file}, e.g. SENTINEL = {INSTANCES: [['10.0.0.5', 26379]], MASTER_NAME: 'mymaster'}`,
    );
  if (typeof value !== 'object' || Array.isArray(value)) throw bad('', 'an object', value);
  const dict = value as Record<string, unknown>;
  const instancesValue = dict.INSTANCES ?? [['localhost', 26379]];
  if (!Array.isArray(instancesValue) || instancesValue.length === 0)
    throw bad('INSTANCES', 'a non-empty list of [host, port]', instancesValue);
  const instances = instancesValue.map((entry: unknown) => {
    if (typeof entry === 'string') return parseSentinelAddress(entry, 'SENTINEL.INSTANCES entry');
    const [host, port] = Array.isArray(entry)
      ? (entry as unknown[])
      : entry && typeof entry === 'object'
        ? [(entry as Record<string, unknown>).host, (entry as Record<string, unknown>).port]
        : [];
    const portNumber = typeof port === 'string' ? Number(port) : port;
    if (typeof host !== 'string' || typeof portNumber !== 'number' || !Number.isInteger(portNumber))
      throw bad('INSTANCES', 'a list of [host, port]', instancesValue);
    return { host, port: portNumber };
  });
  const text = (name: string, from: Record<string, unknown> = dict): string | undefined => {
    const v = from[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw bad(name, 'a string', v);
    return v;
  };
  const number = (name: string): number | undefined => {
    const v = dict[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !(v >= 0)) throw bad(name, 'a number', v);
    return v;
  };
  const kwargsValue = dict.SENTINEL_KWARGS ?? {};
  if (typeof kwargsValue !== 'object' || kwargsValue === null)
    throw bad('SENTINEL_KWARGS', 'an object', kwargsValue);
  const kwargs = kwargsValue as Record<string, unknown>;
  const db = number('DB');
  if (db !== undefined && !Number.isInteger(db)) throw bad('DB', 'a whole number', db);
  const settings: SentinelSettings = {
    instances,
    masterName: text('MASTER_NAME') ?? DEFAULT_MASTER_NAME,
    db,
    username: text('USERNAME'),
    password: text('PASSWORD'),
    sentinelUsername: text('username', kwargs),
    sentinelPassword: text('password', kwargs),
    socketTimeout: number('SOCKET_TIMEOUT'),
    ssl: dict.SSL === undefined ? undefined : Boolean(dict.SSL),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as SentinelSettings;
}

function tlsSettings(
  text: (name: string) => string | undefined,
  bad: (name: string, want: string) => RqtsError,
): TlsSettings | undefined {
  const certReqs = text('REDIS_SSL_CERT_REQS');
  if (certReqs !== undefined && !/^(none|optional|required)$/.test(certReqs))
    throw bad('REDIS_SSL_CERT_REQS', "'none', 'optional' or 'required'");
  const tls: TlsSettings = {
    caFile: text('REDIS_SSL_CA_CERTS'),
    certFile: text('REDIS_SSL_CERTFILE'),
    keyFile: text('REDIS_SSL_KEYFILE'),
    certReqs: certReqs as TlsSettings['certReqs'],
  };
  return Object.values(tls).some((v) => v !== undefined) ? tls : undefined;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
