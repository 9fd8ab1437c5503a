import { createRequire } from 'node:module';
import type { DestinationStream, Logger, pino as pinoFactory } from 'pino';
import { RqtsError } from '../model/errors.js';

// Worker logging: pino underneath, written synchronously so the last lines before a death
// survive. On a terminal (the default) each line is RQ's human form, shaped by the
// --log-format / --date-format placeholders RQ users already have in their unit files;
// --log-json writes pino's JSON lines as they are, for log shippers.

export const DEFAULT_LOG_FORMAT = '%(asctime)s %(message)s';
export const DEFAULT_DATE_FORMAT = '%H:%M:%S';

export const LOGGING_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type LoggingLevel = (typeof LOGGING_LEVELS)[number];

const PINO_LEVEL: Record<LoggingLevel, string> = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', ERROR: 'error', CRITICAL: 'fatal' };

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

export function parseLoggingLevel(text: string | undefined): LoggingLevel {
  const level = (text ?? 'INFO').toUpperCase();
  const normalized = level === 'WARN' ? 'WARNING' : level === 'FATAL' ? 'CRITICAL' : level;
  if (!(LOGGING_LEVELS as readonly string[]).includes(normalized)) {
    throw new RqtsError('BAD_ARGUMENT', `Logging level ${JSON.stringify(text)} is not known`, `Use one of ${LOGGING_LEVELS.join(', ')}`);
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
    return pino({ level: PINO_LEVEL[level], name, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination) as Logger & CliLogger;
  }
  return new HumanLogger(LEVEL_RANK[level], options.logFormat ?? DEFAULT_LOG_FORMAT, options.dateFormat ?? DEFAULT_DATE_FORMAT, name, options.prefix ?? '', write);
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

const LEVEL_RANK: Record<LoggingLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };

/**
 * RQ's human lines, formatted directly (no JSON round trip through pino: a worker logs
 * three lines per job, on its hot path). Lines written in one event-loop turn go out in
 * one write; flush() (called on every exit path) writes what is pending synchronously.
 */
class HumanLogger implements CliLogger {
  private pending = '';
  private scheduled = false;
  private cachedSecond = -1;
  private cachedAsctime = '';

  constructor(
    private readonly threshold: number,
    private readonly format: string,
    private readonly dateFormat: string,
    private readonly name: string,
    private readonly prefix: string,
    private readonly write: (text: string) => void,
  ) {
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
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.write(text);
  }

  /** A worker logs a few lines per job: format each second's timestamp once (unless %f). */
  private asctime(time: Date): string {
    if (this.dateFormat.includes('%f')) return strftime(this.dateFormat, time);
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
    this.pending += `${this.prefix}${formatRecord(this.format, this.dateFormat, { message, levelName, time, name: this.name, asctime: this.asctime(time) })}\n`;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }
}

interface LogRecord {
  /** Pre-formatted %(asctime)s, when the caller caches it. */
  asctime?: string;
  message: string;
  levelName: string;
  time: Date;
  name: string;
}

/** Python logging's %-style placeholders: %(name)s, %(message)s, %(asctime)s, %(process)d … */
export function formatRecord(format: string, dateFormat: string, record: LogRecord): string {
  return format.replace(/%\((\w+)\)(-?\d*)([sdf])/g, (whole, key: string, width: string) => {
    let value: string;
    switch (key) {
      case 'message':
        value = record.message;
        break;
      case 'asctime':
        value = record.asctime ?? strftime(dateFormat, record.time);
        break;
      case 'levelname':
        value = record.levelName;
        break;
      case 'name':
        value = record.name;
        break;
      case 'process':
        value = String(process.pid);
        break;
      case 'processName':
        value = 'MainProcess';
        break;
      case 'created':
        value = String(record.time.getTime() / 1000);
        break;
      case 'msecs':
        value = String(record.time.getMilliseconds());
        break;
      default:
        return whole;
    }
    const pad = Number(width);
    if (!pad) return value;
    return pad < 0 ? value.padEnd(-pad) : value.padStart(pad);
  });
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
        return String(Math.floor((date.getTime() - new Date(date.getFullYear(), 0, 1).getTime()) / 86_400_000) + 1).padStart(3, '0');
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
