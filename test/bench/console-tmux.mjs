// `npm run bench:console` (second half): the built `rqts console` binary in a real terminal
// (a private tmux server), against a private redis-server holding a production-sized fleet
// (test/bench/lib/console-fleet.mjs: registered workers half busy and all heartbeating, 200
// queues, 50,000 queued and 20,000 failed jobs). For each fleet size it prints:
//  - keystroke to changed frame: send-keys, then capture-pane until the key's own effect is on
//    screen (the selected row moved, another screen's title drawn), median and p95;
//  - Redis cost of one console: Redis's CPU (from /proc) and commands/s with the console
//    attached, minus the same window with the fleet alone;
//  - the console's RSS at minute 2 and at the end of a long run (BENCH_CONSOLE_MINUTES).
// With BENCH_CONSOLE_BASELINE=<checkout with a built dist/> it measures that build too, in
// the same run, so the README's Scale table can put both versions side by side.
//
// Environment: BENCH_CONSOLE_SIZES (default 1000,10000), BENCH_CONSOLE_KEYS (keystrokes per
// size, default 30), BENCH_CONSOLE_MINUTES (RSS run at the first size, default 30),
// BENCH_CONSOLE_WINDOW (seconds per Redis CPU window, default 20).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { animateFleet, seedFleet } from './lib/console-fleet.mjs';
import { cpuSeconds, killAll } from './lib/processes.mjs';
import { startRedis } from './lib/redis-server.mjs';
import { envInt, median, table } from './lib/report.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const SIZES = (process.env.BENCH_CONSOLE_SIZES ?? '1000,10000').split(',').map(Number);
const KEYS = envInt('BENCH_CONSOLE_KEYS', 30);
const MINUTES = Number(process.env.BENCH_CONSOLE_MINUTES ?? 30);
const WINDOW_S = envInt('BENCH_CONSOLE_WINDOW', 20);
const BUILDS = [
  { label: 'this version', root: ROOT },
  ...(process.env.BENCH_CONSOLE_BASELINE
    ? [{ label: 'baseline', root: path.resolve(process.env.BENCH_CONSOLE_BASELINE) }]
    : []),
];
const SOCKET = `rqts-bench-console-${process.pid}`;
const COLS = 200;
const ROWS = 50;

const TARGETS = {
  keystroke: { 1000: 50, 10000: 100 },
  rssGrowth: 0.1,
  redisCpuShare: 0.02,
};

function tmux(...args) {
  const result = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout;
}

const capture = (escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'console');

/** The screen line holding the inverse-video (selected) table row, or -1 (the tab bar above is inverse too). */
// eslint-disable-next-line no-control-regex -- the terminal's own escape for inverse video
const INVERSE = /\u001b\[(?:\d+;)*7m/;
const selectedLine = () =>
  capture(true)
    .split('\n')
    .findIndex((line, i) => i > 3 && INVERSE.test(line));

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(2);
  }
}

/** Time from send-keys to its effect on screen, for one key and the probe that sees it. */
async function keystroke(key, seen) {
  const began = performance.now();
  tmux('send-keys', '-t', 'console', key);
  await until(seen, 10_000, `the effect of ${key}`);
  return performance.now() - began;
}

async function keystrokeLatencies() {
  const samples = [];
  for (let i = 0; i < KEYS; i++) {
    // Alternate a cursor move with a screen switch: the two things an engineer does most.
    const before = selectedLine();
    samples.push(
      await keystroke(i % 2 ? 'k' : 'j', () => {
        const line = selectedLine(); // one capture per probe: each is a tmux client process
        return line !== before && line !== -1;
      }),
    );
    if (i % 5 === 4) {
      samples.push(
        await keystroke('2', () => {
          const screen = capture();
          return /\bQUEUE\b/.test(screen) && !/\bCURRENT JOB\b/.test(screen);
        }),
      );
      samples.push(await keystroke('1', () => /\bCURRENT JOB\b/.test(capture())));
    }
  }
  return samples;
}

function rssMiB(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return NaN;
  }
}

async function totalCommands(client) {
  return Number(/total_commands_processed:(\d+)/.exec(await client.info('stats'))?.[1] ?? 0);
}

/** Redis's CPU share of one core and its commands/s over a window. */
async function redisWindow(redis) {
  const cpu0 = cpuSeconds(redis.pid);
  const cmd0 = await totalCommands(redis.client);
  const t0 = performance.now();
  await pause(WINDOW_S * 1000);
  const seconds = (performance.now() - t0) / 1000;
  return {
    cpuShare: (cpuSeconds(redis.pid) - cpu0) / seconds,
    commandsPerSecond: ((await totalCommands(redis.client)) - cmd0) / seconds,
    seconds,
  };
}

function consolePid() {
  return Number(tmux('display-message', '-p', '-t', 'console', '#{pane_pid}').trim());
}

function startConsole(build, url) {
  const bin = path.join(build.root, 'bin', 'rqts.js');
  // CI=true makes Ink draw only its last frame: a terminal bench needs every frame.
  const command = `exec env -u CI NODE_ENV=production node ${bin} console -u ${url} --read-only`;
  tmux('new-session', '-d', '-s', 'console', '-x', String(COLS), '-y', String(ROWS), command);
}

async function measure(build, size, redis) {
  startConsole(build, redis.url);
  try {
    await until(() => /\bCURRENT JOB\b/.test(capture()) && selectedLine() >= 0, 60_000, 'the workers table');
    const pid = consolePid();
    const latencies = await keystrokeLatencies();
    const withConsole = await redisWindow(redis);
    // The header says how often it refreshes ("every 1.0s", or longer when it adapts).
    const refresh = /every [^\s│]+(?: \([^)]*\))?/.exec(capture().split('\n')[0] ?? '')?.[0] ?? 'n/a';
    let rss;
    if (size.workers === SIZES[0] && MINUTES > 0) {
      rss = { minute2: NaN, end: NaN, minutes: MINUTES };
      const start = Date.now();
      while (Date.now() - start < MINUTES * 60_000) {
        await pause(10_000);
        const minute = (Date.now() - start) / 60_000;
        if (Number.isNaN(rss.minute2) && minute >= 2) rss.minute2 = rssMiB(pid);
        // Keep the console working as an engineer would, not idle: a few keys a minute.
        tmux('send-keys', '-t', 'console', minute % 2 < 1 ? 'j' : 'k');
      }
      rss.end = rssMiB(pid);
    }
    return { latencies, withConsole, refresh, rss, rssNow: rssMiB(pid) };
  } finally {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
  }
}

const fmt1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const p95 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] ?? NaN;

async function main() {
  if (spawnSync('tmux', ['-V']).status !== 0) {
    console.log('console terminal bench skipped: tmux is not installed (apt-get install tmux)');
    return;
  }
  const rows = [];
  for (const workers of SIZES) {
    const size = { workers, queues: 200, queued: 50_000, failed: 20_000 };
    const redis = await startRedis();
    try {
      await seedFleet(redis.client, size);
      const fleet = animateFleet(redis.client, size);
      try {
        const alone = await redisWindow(redis);
        for (const build of BUILDS) {
          const m = await measure(build, size, redis);
          const cpuShare = m.withConsole.cpuShare - alone.cpuShare;
          rows.push([
            build.label,
            workers,
            `${fmt1(median(m.latencies))} / ${fmt1(p95(m.latencies))}`,
            `${TARGETS.keystroke[workers] ?? '-'}`,
            `${fmt1(cpuShare * 100)}%`,
            `${Math.round(m.withConsole.commandsPerSecond - alone.commandsPerSecond)}`,
            m.refresh,
            m.rss
              ? `${fmt1(m.rss.minute2)} -> ${fmt1(m.rss.end)} (${fmt1((m.rss.end / m.rss.minute2 - 1) * 100)}%, ${m.rss.minutes} min)`
              : `${fmt1(m.rssNow)} (no long run)`,
          ]);
          console.log(`measured ${build.label} at ${workers} workers`);
        }
      } finally {
        await fleet.stop();
      }
    } finally {
      await redis.stop();
    }
  }
  console.log(`\nrqts console in tmux at ${COLS}x${ROWS}, ${KEYS} cursor moves + screen switches per size`);
  console.log(
    `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg()[0].toFixed(1)}, ${new Date().toISOString()}`,
  );
  console.log(
    table(
      [
        'build',
        'workers',
        'keystroke->frame ms (median / p95)',
        'target ms',
        'Redis CPU / console (target <= 2%)',
        'commands/s',
        'refresh',
        'RSS MiB minute 2 -> end (target <= +10%)',
      ],
      rows,
    ),
  );
}

try {
  await main();
} finally {
  spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
  killAll();
}
