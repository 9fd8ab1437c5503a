import { isRqtsError, RqtsError } from '../errors.js';
import { describeNoPermission } from '../redis/acl.js';
import { VERSION } from '../version.js';
import type { CommandDescriptor, CommandIo } from './command.js';
import { BIN, renderCommandHelp, renderMainHelp } from './help.js';
import { parseCommandLine, wantsHelp } from './parse-flags.js';

// Dispatch: `rqts [--help|--version]` or `rqts <command> ...`. Everything a user can get
// wrong ends here as one line on stderr and exit code 1; only RQTS_DEBUG=1 shows a stack.

export function processIo(env: NodeJS.ProcessEnv = process.env): CommandIo {
  return {
    print: (text = '') => void process.stdout.write(`${text}\n`),
    error: (text) => void process.stderr.write(`${text}\n`),
    stdout: process.stdout,
    color: Boolean(process.stdout.isTTY) && !env.NO_COLOR,
    env,
  };
}

export async function runCli(
  argv: readonly string[],
  io: CommandIo,
  only?: readonly CommandDescriptor[],
): Promise<number> {
  try {
    const commands = only ?? (await import('./commands.js')).commands;
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const topic = first === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
      io.print(topic ? renderCommandHelp(topic) : renderMainHelp(commands, VERSION));
      return 0;
    }
    if (first === '--version' || first === '-V') {
      io.print(VERSION);
      return 0;
    }
    if (first.startsWith('-')) {
      throw new RqtsError(
        'BAD_ARGUMENT',
        `Unknown option ${first}: options go after the command name`,
        `Run ${BIN} --help to see the commands`,
      );
    }
    const command = commands.find((c) => c.name === first);
    if (!command) {
      throw new RqtsError(
        'BAD_ARGUMENT',
        `Unknown command ${JSON.stringify(first)}`,
        `Run ${BIN} --help to see the commands (${commands.map((c) => c.name).join(', ')})`,
      );
    }
    if (wantsHelp(rest)) {
      io.print(renderCommandHelp(command));
      return 0;
    }
    const { args, flags } = parseCommandLine(command, rest, io.env);
    const code = await command.run({ args, flags, io });
    return typeof code === 'number' ? code : 0;
  } catch (error) {
    reportError(error, io);
    return 1;
  }
}

export function reportError(error: unknown, io: Pick<CommandIo, 'error' | 'env'>): void {
  const noPermission = describeNoPermission(error);
  if (isRqtsError(error)) {
    io.error(error.toLine());
  } else if (noPermission) {
    io.error(`${BIN}: ${noPermission}`);
  } else {
    const message =
      error instanceof Error
        ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
        : String(error);
    io.error(`${BIN} failed: ${(message.split('\n')[0] ?? message).trim()} (set RQTS_DEBUG=1 to see where)`);
  }
  if (io.env.RQTS_DEBUG === '1' && error instanceof Error && error.stack) io.error(error.stack);
}
