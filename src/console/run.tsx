import type { SlowThresholds } from './data/runtimes.js';
import { render } from 'ink';
import { setUtcClock } from './text.js';
import { parseRedisUrl } from '../redis/connection.js';
import { RqtsError } from '../errors.js';
import type { ExitOutcome } from './app.js';
import { ContextsConsole } from './contexts-app.js';
import { ContextSet, createContext, type ConsoleContext, type ContextSpec } from './data/contexts.js';
import type { LocalWorkers, WorkerCommandBuilder } from './data/local-workers.js';
import {
  DEMO_TASKS_DIR,
  DemoFeeder,
  demoWorkerNames,
  demoWorkerQueues,
  prepareDemoRedis,
  removeDemoKeys,
  type DemoRedis,
} from './data/demo.js';
import { checkConsoleAccess } from './data/access.js';

// `rqts console` as a library call: checks the terminal, connects (never failing on an
// unreachable Redis: the header says so and it reconnects), draws on the alternate screen,
// and on exit restores the terminal and says what became of any launched workers.

export interface ConsoleOptions {
  url: string;
  /** Several Redis at once (`-u a -u b`, CONSOLE_CONTEXTS): each its own context; `url` is then unused. */
  contexts?: readonly ContextSpec[];
  readOnly?: boolean;
  /** Poll interval in milliseconds. */
  intervalMs?: number;
  /** When a running job counts as SLOW. */
  slow?: SlowThresholds;
  /** Show every time in UTC (`--utc`) rather than local time. */
  utc?: boolean;
  /** Grace period of the graceful stop key (s); 10 by default. */
  graceSeconds?: number;
  /** `--demo`: a private redis-server, unless `demoUrl` names a server to share. */
  demo?: boolean;
  /** `--demo --url URL`: the explicitly named server the demo writes into (demo.* queues). */
  demoUrl?: string;
  /** Import roots passed to launched workers (--path): the launch dialog's default. */
  paths?: string[];
  /** The console's --serializer: the launch dialog's default. */
  serializer?: string;
  /** How to start a launched worker; `rqts worker` by default. */
  workerCommand?: WorkerCommandBuilder;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** Route console.log into Ink's output (off where the console object cannot be replaced). */
  patchConsole?: boolean;
  /** Write every frame whole (Ink's debug mode): a fake terminal then sees frames even under CI=true,
   *  where Ink otherwise holds them back until exit. */
  everyFrame?: boolean;
}

const ALT_SCREEN_ON = '\u001b[?1049h\u001b[H';
const ALT_SCREEN_OFF = '\u001b[?1049l';

export async function runConsole(options: ConsoleOptions): Promise<number> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  if (!stdin.isTTY) {
    throw new RqtsError(
      'BAD_ARGUMENT',
      'rqts console needs an interactive terminal, and stdin is not a TTY',
      'Run it in a terminal; for scripts use rqts info (add --json for machine-readable output)',
    );
  }
  const specs = options.contexts ?? [{ name: 'default', url: options.url }];
  // A malformed URL is one clear line, before touching the screen.
  for (const spec of specs) parseRedisUrl(spec.url);
  let demo: DemoRedis | undefined;
  if (options.demo) {
    demo = await prepareDemoRedis({ sharedUrl: options.demoUrl });
    if (demo.warning) stderr.write(`Warning: ${demo.warning}\n`);
  } else {
    await Promise.all(specs.map((spec) => checkConsoleAccess(spec.url)));
  }
  const readOnly = options.readOnly ?? false;
  setUtcClock(options.utc ?? false);
  const paths = options.demo ? [DEMO_TASKS_DIR, ...(options.paths ?? [])] : (options.paths ?? []);
  const contexts = (demo ? [{ name: 'demo', url: demo.url }] : specs).map((spec) =>
    createContext(spec, {
      intervalMs: options.intervalMs,
      readOnly,
      local: { builder: options.workerCommand, paths, serializer: options.serializer },
    }),
  );
  const set = new ContextSet(contexts, options.slow);
  const first = set.active();
  const { client, local } = first;
  let feeder: DemoFeeder | undefined;
  if (demo && local) {
    for (const queues of demoWorkerQueues(demo.queues)) local.launch({ queues, count: 1, burst: false });
    feeder = new DemoFeeder(client, { queues: demo.queues });
    client.once('ready', () => void feeder?.start().catch(() => undefined));
    if (client.status === 'ready') void feeder.start().catch(() => undefined);
  }

  let outcome: ExitOutcome = { workers: 'none', detached: [] };
  // After a hang-up the terminal is gone and writes fail with EIO/EPIPE: that must not crash
  // the console before it has stopped the workers it launched.
  const ignoreWriteError = (): void => undefined;
  stdout.on('error', ignoreWriteError);
  const altScreen = Boolean(stdout.isTTY);
  if (altScreen) stdout.write(ALT_SCREEN_ON);
  set.start();
  const instance = render(
    <ContextsConsole
      set={set}
      named={options.contexts !== undefined}
      note={demo?.note}
      readOnly={readOnly}
      slow={options.slow}
      graceSeconds={options.graceSeconds}
      quitAtOnce={demo !== undefined}
      onExit={(o) => {
        outcome = o;
      }}
    />,
    {
      stdin,
      stdout,
      stderr,
      exitOnCtrlC: false,
      patchConsole: options.patchConsole ?? true,
      debug: options.everyFrame ?? false,
      incrementalRendering: process.env.RQTS_INCREMENTAL === '1',
    },
  );
  // A terminal that goes away (or a kill) must not leave launched workers orphaned.
  const onSignal = (): void => {
    void stopLaunched(contexts, { warmMs: 3000, coldMs: 2000 }).then(() => instance.unmount());
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    set.stop();
    await feeder?.stop();
    if (demo) await endDemo(demo, client, local, feeder);
    else outcome = await settleOtherContexts(set, outcome);
    set.close();
    await demo?.stop();
    if (altScreen) stdout.write(ALT_SCREEN_OFF);
  }
  if (outcome.workers === 'detached' && outcome.detached.length > 0) {
    stdout.write(`Left ${outcome.detached.length} launched worker(s) running:\n`);
    for (const w of outcome.detached)
      stdout.write(`  ${w.name}  pid ${w.pid ?? '?'}  queues ${w.queues.join(',')}  log ${w.logFile}\n`);
  } else if (outcome.workers === 'stopped') {
    stdout.write('Stopped the workers this console launched.\n');
  }
  return 0;
}

/**
 * The demo's end. Private: its workers are killed outright, since their server goes too.
 * Shared: its workers stop cold (their horses killed, deaths registered) and then every key
 * the demo created is removed, so the server is left as the demo found it.
 */
async function endDemo(
  demo: DemoRedis,
  client: ConsoleContext['client'],
  local: LocalWorkers | undefined,
  feeder: DemoFeeder | undefined,
): Promise<void> {
  if (demo.private) {
    await local?.killAll();
    return;
  }
  const names = new Set([
    ...(local?.names() ?? []),
    ...(await demoWorkerNames(client, demo.queues).catch(() => [])),
  ]);
  // Warm first (idle ones exit at once), cold after RQ's one-second debounce of a second signal.
  await local?.stopAll({ warmMs: 1100, coldMs: 3000 });
  await removeDemoKeys(client, demo, names, feeder?.created ?? []);
}

function stopLaunched(
  contexts: readonly ConsoleContext[],
  options: { warmMs: number; coldMs: number },
): Promise<unknown> {
  return Promise.all(contexts.map((c) => c.local?.stopAll(options) ?? Promise.resolve()));
}

/**
 * The quit prompt asked about the context on screen; workers launched into the others follow
 * the same answer: left running (and listed) if those were, else stopped.
 */
async function settleOtherContexts(set: ContextSet, outcome: ExitOutcome): Promise<ExitOutcome> {
  const others = set.contexts.filter((c) => c !== set.active() && (c.local?.running().length ?? 0) > 0);
  if (others.length === 0) return outcome;
  if (outcome.workers === 'detached')
    return {
      ...outcome,
      detached: [...outcome.detached, ...others.flatMap((c) => c.local?.detachAll() ?? [])],
    };
  await stopLaunched(others, { warmMs: 3000, coldMs: 2000 });
  return { workers: 'stopped', detached: [] };
}
