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
