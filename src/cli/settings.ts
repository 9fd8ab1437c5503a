import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RqtsError } from '../model/errors.js';

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
  /** QUEUES: default queues for `rqts worker`. */
  queues?: string[];
  /** NAME: default worker name. */
  name?: string;
  sentryDsn?: string;
  /** DICT_CONFIG: logging configuration, passed through unparsed for the logging module. */
  dictConfig?: unknown;
}

const EXTENSIONS = ['.js', '.mjs', '.cjs'];

export function settingsCandidates(dotted: string, roots: readonly string[]): string[] {
  const modulePath = dotted.split('.').join(path.sep);
  return roots.flatMap((root) => [
    ...EXTENSIONS.map((ext) => path.resolve(root, modulePath + ext)),
    path.resolve(root, modulePath, 'index.js'),
  ]);
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
    return [...(value as string[])];
  };
  const settings: CliSettings = {
    file,
    redisUrl: text('REDIS_URL'),
    redisHost: text('REDIS_HOST'),
    redisPort: integer('REDIS_PORT'),
    redisDb: integer('REDIS_DB'),
    redisPassword: text('REDIS_PASSWORD'),
    redisSsl: flag('REDIS_SSL'),
    queues: list('QUEUES'),
    name: text('NAME'),
    sentryDsn: text('SENTRY_DSN'),
    dictConfig: values.DICT_CONFIG ?? undefined,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as CliSettings;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
