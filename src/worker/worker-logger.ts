import { escapeLog } from '../model/control-text.js';

// What a worker needs from a logger: pino's Logger satisfies it, and so does the console
// logger below (used when a library user passes none).

export interface WorkerLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function consoleLogger(): WorkerLogger {
  const stamp = (): string => new Date().toTimeString().slice(0, 8);
  return {
    debug: () => undefined,
    info: (m) => process.stdout.write(`${stamp()} ${m}\n`),
    warn: (m) => process.stdout.write(`${stamp()} ${m}\n`),
    error: (m) => process.stderr.write(`${stamp()} ${m}\n`),
  };
}

export const silentLogger: WorkerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Every line a worker logs, made safe for the terminal it lands on: job descriptions, ids
 * and errors come from Redis, where anyone may have written an OSC title or a clear-screen.
 */
export function escapingLogger(logger: WorkerLogger): WorkerLogger {
  return {
    debug: (m) => logger.debug(escapeLog(m)),
    info: (m) => logger.info(escapeLog(m)),
    warn: (m) => logger.warn(escapeLog(m)),
    error: (m) => logger.error(escapeLog(m)),
  };
}
