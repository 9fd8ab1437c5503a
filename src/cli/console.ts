import { RqtsError } from '../errors.js';
import { defineCommand } from './command.js';
import { connectionFlags, readConnectionOptions, resolveCliRedisUrl } from './connection-options.js';
import type { CliSettings } from './settings.js';
import { parseContextArgs } from '../console/data/context-args.js';

export const consoleCommand = defineCommand({
  name: 'console',
  summary: 'The on-call console: workers, queues and jobs live, with actions by keystroke',
  usage: '',
  description:
    'A full-screen terminal console over the Redis that rqts and Python RQ workers share. It shows which workers are alive, busy, stuck or gone, and acts by keystroke: kill a horse, stop a job, shut a worker down, launch workers, requeue failed jobs. Press ? inside for every key.',
  examples: [
    'rqts console',
    'rqts console --url redis://:secret@redis.internal:6379/0 --read-only',
    'rqts console --demo',
    'rqts console -u prod=redis://prod.internal:6379/0 -u staging=redis://staging.internal:6379/0',
  ],
  flags: {
    ...connectionFlags,
    url: {
      ...connectionFlags.url,
      multiple: true,
      description: `${connectionFlags.url.description}. Repeat it to watch several Redis at once, each a context named NAME=URL or after its host:port (@ switches; CONSOLE_CONTEXTS in the settings module names them too)`,
    },
    readOnly: {
      type: 'boolean',
      description:
        'Watch only: every action (kill, stop, shutdown, launch, requeue, empty, suspend) is switched off',
    },
    utc: {
      type: 'boolean',
      description:
        'Show every time in UTC (header, status line, logs, events, job detail) instead of local time',
    },
    interval: {
      type: 'number',
      short: 'i',
      default: 1,
      valueName: 'SECONDS',
      description: 'Refresh interval in seconds',
    },
    slowFactor: {
      type: 'number',
      default: 3,
      valueName: 'N',
      description:
        "Flag a running job SLOW once it has run N times its function's usual time (the p95 of recent finished runs)",
    },
    slowFloor: {
      type: 'number',
      default: 5,
      valueName: 'SECONDS',
      description: 'Never flag a job SLOW before it has run this long (quick functions jitter)',
    },
    gracePeriod: {
      type: 'number',
      default: 10,
      valueName: 'SECONDS',
      description:
        'T (graceful stop) on an rqts worker: how long the job has after its AbortSignal fires before its horse is killed',
    },
    demo: {
      type: 'boolean',
      description:
        'Try everything at once on a private throwaway redis-server (needs redis-server installed): launches two workers and feeds them sample jobs. With an explicit --url it uses that server instead, in queues demo.*, after a warning, and removes every key it created on quit',
    },
  },
  async run({ flags, io }) {
    if (!(flags.interval >= 0.1 && flags.interval <= 3600)) {
      throw new RqtsError(
        'BAD_ARGUMENT',
        `--interval ${flags.interval} is out of range`,
        'Give seconds between 0.1 and 3600',
      );
    }
    if (!(flags.gracePeriod > 0)) {
      throw new RqtsError(
        'BAD_ARGUMENT',
        `--grace-period ${flags.gracePeriod} is out of range`,
        'Give a positive number of seconds, e.g. --grace-period 30',
      );
    }
    if (!(flags.slowFactor >= 1) || !(flags.slowFloor >= 0)) {
      throw new RqtsError(
        'BAD_ARGUMENT',
        `--slow-factor ${flags.slowFactor} / --slow-floor ${flags.slowFloor} is out of range`,
        'Give a factor of at least 1 and a floor of 0 seconds or more',
      );
    }
    const { settings, paths } = await readConnectionOptions({ ...flags, url: flags.url[0] });
    const urls = flags.url;
    const fromCommandLine = urls.length > 0 && !(urls.length === 1 && urls[0] === io.env.RQ_REDIS_URL);
    const target = { ...flags, url: undefined };
    const contexts = consoleContexts(urls, fromCommandLine, settings, target);
    if (contexts && flags.demo)
      throw new RqtsError(
        'BAD_ARGUMENT',
        '--demo watches one Redis, not several contexts',
        'Drop --demo, or give it at most one --url',
      );
    const url = contexts?.[0]?.url ?? resolveCliRedisUrl({ ...target, url: urls[0] }, settings);
    const explicitPaths = paths.length === 1 && paths[0] === '.' ? [] : paths;
    // Loaded on demand: other subcommands should not pay for Ink and React at start-up.
    // React's development build re-checks everything on each render; an on-call console
    // redrawing every second wants the production one (set before React is first loaded).
    process.env.NODE_ENV ??= 'production';
    const { boundInkCaches } = await import('../console/ink-cache-bound.js');
    boundInkCaches(); // before Ink loads: its text caches would grow for as long as we run
    const { runConsole } = await import('../console/run.js');
    return runConsole({
      url,
      contexts,
      readOnly: flags.readOnly,
      intervalMs: flags.interval * 1000,
      slow: { factor: flags.slowFactor, floorSeconds: flags.slowFloor },
      graceSeconds: flags.gracePeriod,
      utc: flags.utc,
      demo: flags.demo,
      // Only a URL given on the command line points the demo at a server: RQ_REDIS_URL in a
      // shell profile (often production's) must not.
      demoUrl: flags.demo && fromCommandLine ? urls[0] : undefined,
      paths: explicitPaths,
      serializer: flags.serializer,
    });
  },
});

/**
 * The contexts to watch, or undefined for the one Redis of old: several -u (or one named
 * -u NAME=URL) on the command line, else CONSOLE_CONTEXTS from the settings module (before
 * RQ_REDIS_URL: it is the console's own setting, named by -c). Each URL gets --tls-* as a
 * single --url would; a settings context keeps its own TLS files and SENTINEL.
 */
export function consoleContexts(
  urls: readonly string[],
  fromCommandLine: boolean,
  settings: CliSettings,
  flags: Parameters<typeof resolveCliRedisUrl>[0],
): { name: string; url: string }[] | undefined {
  if (fromCommandLine) {
    const specs = parseContextArgs(urls);
    const named = urls.length === 1 && specs[0]?.url !== urls[0];
    if (urls.length < 2 && !named) return undefined;
    if (flags.sentinel && flags.sentinel.length > 0)
      throw new RqtsError(
        'BAD_ARGUMENT',
        '--sentinel names one Redis, and several --url were given',
        'Give each context as -u NAME=redis+sentinel://host:port,host:port/MASTER/0',
      );
    return specs.map((spec) => ({
      name: spec.name,
      url: resolveCliRedisUrl({ ...flags, url: spec.url }, {}),
    }));
  }
  const named = settings.consoleContexts;
  if (!named) return undefined;
  return Object.entries(named).map(([name, own]) => ({
    name,
    url: resolveCliRedisUrl({ url: undefined }, own, {}),
  }));
}
