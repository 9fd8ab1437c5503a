import { closeAllConnections } from './connection-options.js';
import { processIo, reportError, runCli } from './run-cli.js';

// The entry point bin/rqts.js loads. Exits as soon as the command is done: a client or
// timer a command forgot must not keep a shell waiting.

const io = processIo();

process.on('unhandledRejection', (reason) => {
  reportError(reason, io);
  closeAllConnections();
  process.exit(1);
});

const argv = process.argv.slice(2);
// `rqts worker` runs for days: it loads its own command only, not the console, the pool or
// the admin commands, whose modules would stay loaded for nothing.
const only = argv[0] === 'worker' ? [(await import('./worker.js')).workerCommand] : undefined;
const code = await runCli(argv, io, only);
closeAllConnections();
// stdout/stderr are synchronous for files and pipes on Linux; the callbacks cover the rest.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
