import { createRequire } from 'node:module';
import type { DestinationStream, pino as pinoFactory } from 'pino';
import { RqtsError } from '../errors.js';
import { trickOn } from '../tricks.js';

// Worker logging: pino underneath, written synchronously so the last lines before a death
// survive. On a terminal (the default) each line is RQ's human form, shaped by the
// --log-format / --date-format placeholders RQ users already have in their unit files;
// --log-json writes pino's JSON lines as they are, for log shippers.

export const DEFAULT_LOG_FORMAT = '%(asctime)s %(message)s';
export const DEFAULT_DATE_FORMAT = '%H:%M:%S';

export const LOGGING_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type LoggingLevel = (typeof LOGGING_LEVELS)[number];

const PINO_LEVEL: Record<LoggingLevel, string> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
};

export interface LoggingOptions {
  json?: boolean;
  level?: string;
  logFormat?: string;
  dateFormat?: string;
  /** Logger name for %(name)s. @default 'rq.worker' */
  name?: string;
  /** Prefix for every human line, e.g. a pool's short worker id. */
  prefix?: string;
  /** Where lines go. @default process.stdout */
  write?: (line: string) => void;
}

/**
 * The line and date formats to log with: the flags', else those of the first formatter in a
 * settings module's DICT_CONFIG (its `format` and `datefmt`, as Python's logging.config
 * names them), else undefined for the defaults.
 */
export function logFormats(
  flags: { logFormat?: string; dateFormat?: string },
  dictConfig: unknown,
): Pick<LoggingOptions, 'logFormat' | 'dateFormat'> {
  const formatters = (
    dictConfig as { formatters?: Record<string, { format?: string; datefmt?: string }> } | undefined
  )?.formatters;
  const formatter = formatters ? Object.values(formatters)[0] : undefined;
  return {
    logFormat: flags.logFormat ?? formatter?.format,
    dateFormat: flags.dateFormat ?? formatter?.datefmt,
  };
}

export function parseLoggingLevel(text: string | undefined): LoggingLevel {
  const level = (text ?? 'INFO').toUpperCase();
  const normalized = level === 'WARN' ? 'WARNING' : level === 'FATAL' ? 'CRITICAL' : level;
  if (!(LOGGING_LEVELS as readonly string[]).includes(normalized)) {
    throw new RqtsError(
      'BAD_ARGUMENT',
      `Logging level ${JSON.stringify(text)} is not known`,
      `Use one of ${LOGGING_LEVELS.join(', ')}`,
    );
  }
  return normalized as LoggingLevel;
}

/** What the worker, the pool and the CLI use: pino's Logger fits, and so does HumanLogger. */
export interface CliLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  flush(): void;
  child(bindings: Record<string, unknown>): CliLogger;
}

export function createLogger(options: LoggingOptions = {}): CliLogger {
  const level = parseLoggingLevel(options.level);
  const write = options.write ?? stdoutWriter();
  const name = options.name ?? 'rq.worker';
  if (options.json) {
    const destination: DestinationStream = { write };
    // Loaded only for --log-json: a worker logging human lines keeps pino's ~9 MiB out of
    // its resident memory (pino is CommonJS, so a synchronous require keeps this function sync).
    const pino = createRequire(import.meta.url)('pino') as typeof pinoFactory;
    return pino(
      {
        level: PINO_LEVEL[level],
        name,
        base: { pid: process.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
      },
      destination,
    );
  }
  return new HumanLogger(
    LEVEL_RANK[level],
    options.logFormat ?? DEFAULT_LOG_FORMAT,
    options.dateFormat ?? DEFAULT_DATE_FORMAT,
    name,
    options.prefix ?? '',
    write,
  );
}

/** Writes to stdout; a reader that went away (`rqts worker | head`) must not crash a worker. */
function stdoutWriter(): (text: string) => void {
  if (process.stdout.listenerCount('error') === 0) {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  return (text) => {
    if (!process.stdout.destroyed) process.stdout.write(text);
  };
}

const LEVEL_RANK: Record<LoggingLevel, number> = {
  DEBUG: 10,
  INFO: 20,
  WARNING: 30,
  ERROR: 40,
  CRITICAL: 50,
};

/**
 * RQ's human lines, formatted directly (no JSON round trip through pino: a worker logs
 * three lines per job, on its hot path). Info and debug lines are held for up to
 * FLUSH_DELAY_MS and written together: one write per job cost a busy worker about a fifth of
 * its CPU, and a reader cannot tell 25 ms apart. Warnings and errors go out at once, and
 * flush() (called on every exit path, and on 'exit') writes what is pending synchronously.
 */
class HumanLogger implements CliLogger {
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private cachedSecond = -1;
  private cachedAsctime = '';
  private readonly render: (record: LogRecord) => string;

  constructor(
    private readonly threshold: number,
    format: string,
    private readonly dateFormat: string,
    private readonly name: string,
    private readonly prefix: string,
    private readonly write: (text: string) => void,
  ) {
    this.render = compileFormat(format, dateFormat);
    process.once('exit', () => this.flush());
  }

  debug(message: string): void {
    this.log(10, 'DEBUG', message);
  }

  info(message: string): void {
    this.log(20, 'INFO', message);
  }

  warn(message: string): void {
    this.log(30, 'WARNING', message);
  }

  error(message: string): void {
    this.log(40, 'ERROR', message);
  }

  child(): CliLogger {
    return this;
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.write(text);
  }

  /** A worker logs a few lines per job: format each second's timestamp once (unless %f). */
  private asctime(time: Date): string {
    if (!ASCTIME_CACHE || this.dateFormat.includes('%f')) return strftime(this.dateFormat, time);
    const second = Math.floor(time.getTime() / 1000);
    if (second !== this.cachedSecond) {
      this.cachedSecond = second;
      this.cachedAsctime = strftime(this.dateFormat, time);
    }
    return this.cachedAsctime;
  }

  private log(rank: number, levelName: string, message: string): void {
    if (rank < this.threshold) return;
    const time = new Date();
    this.pending += `${this.prefix}${this.render({ message, levelName, time, name: this.name, asctime: this.asctime(time) })}\n`;
    if (!BATCHED || rank >= LEVEL_RANK.WARNING || this.pending.length >= FLUSH_BYTES) {
      this.flush();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, FLUSH_DELAY_MS);
    // Pending lines must never keep a finished process alive; 'exit' flushes them.
    this.timer.unref();
  }
}

const FLUSH_DELAY_MS = 25;
const FLUSH_BYTES = 64 * 1024;
const BATCHED = trickOn('batched-log');
const ASCTIME_CACHE = trickOn('log-asctime-cache');

interface LogRecord {
  /** Pre-formatted %(asctime)s, when the caller caches it. */
  asctime?: string;
  message: string;
  levelName: string;
  time: Date;
  name: string;
}

const PLACEHOLDER = /%\((\w+)\)(-?\d*)([sdf])/g;

/**
 * Python logging's %-style placeholders (%(name)s, %(message)s, %(asctime)s, %(process)d …):
 * parses a --log-format once into literal text and field readers, so a line costs a few
 * concatenations instead of a regex pass. Unknown placeholders stay as written, as Python's
 * logging would fail on them and a worker must not.
 */
export function compileFormat(format: string, dateFormat: string): (record: LogRecord) => string {
  const parts: (string | ((record: LogRecord) => string))[] = [];
  let last = 0;
  for (const match of format.matchAll(PLACEHOLDER)) {
    const [whole, key = '', width = ''] = match;
    const index = match.index ?? 0;
    if (index > last) parts.push(format.slice(last, index));
    last = index + whole.length;
    const read = fieldReader(key, dateFormat);
    if (!read) {
      parts.push(whole);
      continue;
    }
    const pad = Number(width);
    parts.push(
      !pad ? read : pad < 0 ? (record) => read(record).padEnd(-pad) : (record) => read(record).padStart(pad),
    );
  }
  if (last < format.length) parts.push(format.slice(last));
  return (record) => {
    let line = '';
    for (const part of parts) line += typeof part === 'string' ? part : part(record);
    return line;
  };
}

function fieldReader(key: string, dateFormat: string): ((record: LogRecord) => string) | undefined {
  switch (key) {
    case 'message':
      return (record) => record.message;
    case 'asctime':
      return (record) => record.asctime ?? strftime(dateFormat, record.time);
    case 'levelname':
      return (record) => record.levelName;
    case 'name':
      return (record) => record.name;
    case 'process':
      return () => String(process.pid);
    case 'processName':
      return () => 'MainProcess';
    case 'created':
      return (record) => String(record.time.getTime() / 1000);
    case 'msecs':
      return (record) => String(record.time.getMilliseconds());
    default:
      return undefined;
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The strftime directives Python's logging date formats use, in local time. */
export function strftime(format: string, date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return format.replace(/%([a-zA-Z%])/g, (whole, code: string) => {
    switch (code) {
      case 'Y':
        return String(date.getFullYear());
      case 'y':
        return two(date.getFullYear() % 100);
      case 'm':
        return two(date.getMonth() + 1);
      case 'd':
        return two(date.getDate());
      case 'H':
        return two(date.getHours());
      case 'I':
        return two(date.getHours() % 12 || 12);
      case 'p':
        return date.getHours() < 12 ? 'AM' : 'PM';
      case 'M':
        return two(date.getMinutes());
      case 'S':
        return two(date.getSeconds());
      case 'f':
        return String(date.getMilliseconds() * 1000).padStart(6, '0');
      case 'j':
        return String(
          Math.floor((date.getTime() - new Date(date.getFullYear(), 0, 1).getTime()) / 86_400_000) + 1,
        ).padStart(3, '0');
      case 'a':
        return DAYS[date.getDay()] ?? '';
      case 'b':
        return MONTHS[date.getMonth()] ?? '';
      case 'z': {
        const offset = -date.getTimezoneOffset();
        return `${offset >= 0 ? '+' : '-'}${two(Math.floor(Math.abs(offset) / 60))}${two(Math.abs(offset) % 60)}`;
      }
      case '%':
        return '%';
      default:
        return whole;
    }
  });
}
