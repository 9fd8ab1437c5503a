// `npm run screenshots`: real frames of `rqts console` (the built binary, in a real terminal)
// during a staged incident, saved as PNG files in screenshots/ for the README and docs. It
// starts its own redis-server on a free port and a mixed fleet on it: rqts workers, a pool,
// Python RQ 1.13 and (when ../shared/peers has it) 2.10 workers. Then it breaks things for real:
// one rqts worker is SIGSTOPped (stale heartbeat), one SIGKILLed mid-job (DEAF, its job
// ORPHANED, its queue with NO-WORKER), and at the end Redis itself is stopped (the banner).
// tmux runs the console at 120 columns and types the keys; each capture (with its colours) is
// replayed into a headless xterm, drawn as SVG cell by cell, and rasterised with resvg.
//
// Regenerate after changing the console's look: `npm run screenshots`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import xterm from '@xterm/headless';
import { Resvg } from '@resvg/resvg-js';
import { freePort } from '../dist/redis/free-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'screenshots');
const COLS = 120;
const ROWS = 34;
const SOCKET = `rqts-shots-${process.pid}`;
const FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf';
const PYTHON = '/usr/bin/python3';
const RQTS = path.join(ROOT, 'bin', 'rqts.js');
// Short windows, so the stale heartbeat shows within seconds rather than minutes.
const SHORT = ['--worker-ttl', '20', '--job-monitoring-interval', '5'];

// A dark palette (the 16 ANSI colours) close to common terminal defaults.
const PALETTE = [
  '#1e1e2e',
  '#f38ba8',
  '#a6e3a1',
  '#f9e2af',
  '#89b4fa',
  '#f5c2e7',
  '#94e2d5',
  '#bac2de',
  '#585b70',
  '#f38ba8',
  '#a6e3a1',
  '#f9e2af',
  '#89b4fa',
  '#f5c2e7',
  '#94e2d5',
  '#a6adc8',
];
const FG = '#cdd6f4';
const BG = '#1e1e2e';

function tmux(...args) {
  const result = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForScreen(test, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = tmux('capture-pane', '-p', '-t', 'shots');
    if (
      typeof test === 'string'
        ? text.includes(test)
        : typeof test === 'function'
          ? test(text)
          : test.test(text)
    )
      return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${text}`);
    await sleep(200);
  }
}

function keys(...names) {
  for (const name of names) tmux('send-keys', '-t', 'shots', name);
}

function colorOf(cell, kind) {
  const isDefault = kind === 'fg' ? cell.isFgDefault() : cell.isBgDefault();
  if (isDefault) return undefined;
  const value = kind === 'fg' ? cell.getFgColor() : cell.getBgColor();
  const rgb = kind === 'fg' ? cell.isFgRGB() : cell.isBgRGB();
  if (rgb) return `#${value.toString(16).padStart(6, '0')}`;
  if (value < 16) return PALETTE[value];
  return undefined;
}

const escapeXml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Replays an ANSI capture in a headless xterm and draws its cells as SVG. */
async function toSvg(ansi) {
  const term = new xterm.Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  await new Promise((resolve) => term.write(ansi.replace(/\n/g, '\r\n'), resolve));
  const cw = 9;
  const lh = 19;
  const pad = 14;
  const width = COLS * cw + pad * 2;
  const height = ROWS * lh + pad * 2;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`,
    `<rect width="100%" height="100%" rx="8" fill="${BG}"/>`,
  ];
  const buffer = term.buffer.active;
  for (let y = 0; y < ROWS; y++) {
    const line = buffer.getLine(y);
    if (!line) continue;
    let x = 0;
    while (x < COLS) {
      const cell = line.getCell(x);
      if (!cell) break;
      const inverse = cell.isInverse() !== 0;
      let fg = colorOf(cell, 'fg') ?? FG;
      let bg = colorOf(cell, 'bg');
      if (inverse) [fg, bg] = [bg ?? BG, fg];
      const bold = cell.isBold() !== 0;
      const dim = cell.isDim() !== 0;
      // Extend a run while the style stays the same.
      let text = '';
      let end = x;
      while (end < COLS) {
        const c = line.getCell(end);
        if (!c) break;
        const cInverse = c.isInverse() !== 0;
        let cfg = colorOf(c, 'fg') ?? FG;
        let cbg = colorOf(c, 'bg');
        if (cInverse) [cfg, cbg] = [cbg ?? BG, cfg];
        if (cfg !== fg || cbg !== bg || (c.isBold() !== 0) !== bold || (c.isDim() !== 0) !== dim) break;
        const w = c.getWidth();
        text += w === 0 ? '' : c.getChars() || ' ';
        end += 1;
      }
      const px = pad + x * cw;
      const py = pad + y * lh;
      if (bg) parts.push(`<rect x="${px}" y="${py}" width="${(end - x) * cw}" height="${lh}" fill="${bg}"/>`);
      if (text.trim() !== '') {
        parts.push(
          `<text x="${px}" y="${py + 14}" fill="${fg}"${bold ? ' font-weight="bold"' : ''}${dim ? ' opacity="0.6"' : ''} font-family="DejaVu Sans Mono, monospace" font-size="15" xml:space="preserve" textLength="${(end - x) * cw}" lengthAdjust="spacingAndGlyphs">${escapeXml(text)}</text>`,
        );
      }
      x = end;
    }
  }
  parts.push('</svg>');
  term.dispose();
  return parts.join('');
}

async function shoot(name, caption) {
  const ansi = tmux('capture-pane', '-p', '-e', '-t', 'shots');
  const svg = await toSvg(ansi);
  const png = new Resvg(svg, {
    font: {
      loadSystemFonts: true,
      fontFiles: existsSync(FONT_FILE) ? [FONT_FILE] : [],
      defaultFontFamily: 'DejaVu Sans Mono',
    },
  })
    .render()
    .asPng();
  writeFileSync(path.join(OUT, `${name}.png`), png);
  console.log(`screenshots/${name}.png  ${caption}`);
}

function findPeer(version) {
  for (let dir = path.dirname(ROOT); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'peers', `rq-${version}`);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function writeTasks(dir) {
  writeFileSync(
    path.join(dir, 'tasks.js'),
    [
      'export async function hang() { await new Promise(() => { setInterval(() => undefined, 60000); }); }',
      'export async function quick(n = 1) { await new Promise((r) => setTimeout(r, 200)); return n * 2; }',
      'export async function charge(n = 1) { if (n % 4 === 0) throw new Error(`card declined for order ${n}`); return n; }',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'tasks.py'),
    [
      'import time',
      'def hang():',
      '    while True:',
      '        time.sleep(60)',
      'def quick(n=1):',
      '    time.sleep(0.2)',
      '    return n * 2',
      'def send(n=1):',
      '    if n % 3 == 0:',
      '        raise ConnectionError(f"SMTP relay refused message {n}")',
      '    return n',
      '',
    ].join('\n'),
  );
}

async function main() {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('Build first: npm run build');
  if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is needed: apt-get install tmux');
  if (spawnSync('redis-server', ['--version']).status !== 0)
    throw new Error('redis-server is needed: apt-get install redis-server');
  mkdirSync(OUT, { recursive: true });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}/0`;
  const work = mkdtempSync(path.join(tmpdir(), 'rqts-shots-'));
  writeTasks(work);
  const children = [];
  const start = (command, args, env = {}) => {
    const child = spawn(command, args, {
      cwd: work,
      env: { ...process.env, CI: '', ...env },
      stdio: 'ignore',
      detached: true,
    });
    children.push(child);
    return child;
  };
  const rqts = (...args) => start(process.execPath, [RQTS, ...args]);
  const rqtsNow = (...args) => {
    const run = spawnSync(process.execPath, [RQTS, ...args, '--url', url, '--path', work], {
      encoding: 'utf8',
      cwd: work,
    });
    if (run.status !== 0) throw new Error(`rqts ${args.join(' ')}: ${run.stderr}`);
  };
  const python = (name, queues, pythonPath) =>
    start(
      PYTHON,
      [
        '-m',
        'rq.cli',
        'worker',
        '--url',
        url,
        '-S',
        'rq.serializers.JSONSerializer',
        '--path',
        work,
        '--name',
        name,
        ...SHORT,
        ...queues,
      ],
      pythonPath ? { PYTHONPATH: pythonPath } : { PYTHONPATH: '' },
    );
  const redis = start('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no']);
  try {
    await waitFor(
      () =>
        spawnSync('redis-cli', ['-p', String(port), 'ping'])
          .stdout?.toString()
          .includes('PONG'),
      'redis-server',
      10_000,
    );
    // The fleet.
    const billing = rqts('worker', 'billing', '--url', url, '--path', work, '--name', 'billing-ts', ...SHORT);
    const exportsWorker = rqts(
      'worker',
      'exports',
      '--url',
      url,
      '--path',
      work,
      '--name',
      'exports-ts',
      ...SHORT,
    );
    rqts('worker-pool', 'default', '--url', url, '--path', work, '--name', 'web-pool', '-n', '2', ...SHORT);
    python('emails-py13', ['emails']);
    const rq210 = findPeer('2.10.0');
    if (rq210) python('reports-py210', ['reports'], rq210);
    // The work: a steady stream, failures, and jobs that never end.
    rqtsNow('enqueue', '-q', 'billing', 'tasks.hang');
    rqtsNow('enqueue', '-q', 'exports', 'tasks.hang');
    if (rq210) rqtsNow('enqueue', '-q', 'reports', 'tasks.hang');
    for (let n = 1; n <= 12; n++) {
      rqtsNow('enqueue', '-q', 'default', 'tasks.charge', `:${n}`);
      rqtsNow('enqueue', '-q', 'emails', 'tasks.send', `:${n}`);
    }
    const command = `env -u CI ${process.execPath} ${RQTS} console --url ${url} --path ${work} --interval 0.5`;
    tmux('new-session', '-d', '-s', 'shots', '-x', String(COLS), '-y', String(ROWS), command);
    await waitForScreen(/billing-ts.*busy.*tasks\.hang\(\)/, 'billing-ts busy on the hanging job', 60_000);
    await waitForScreen(/exports-ts.*busy/, 'exports-ts busy', 30_000);

    // The incident: one worker frozen, one killed mid-job, and more work for its queue.
    billing.kill('SIGSTOP');
    exportsWorker.kill('SIGKILL');
    for (let n = 1; n <= 5; n++) rqtsNow('enqueue', '-q', 'exports', 'tasks.quick', `:${n}`);
    await waitForScreen(/billing-ts.*STALE-HB/, 'billing-ts STALE-HB', 60_000);
    await waitForScreen(/ORPHANED/, 'the orphaned job', 60_000);
    await shoot(
      'workers',
      'Workers in an incident: a frozen worker (STALE-HB), a killed one (DEAF), a pool, Python 1.13 and 2.10',
    );

    keys('!');
    await waitForScreen('flagged only', 'the flagged-only view').catch(() => undefined);
    await shoot('flagged', 'Flagged only (!): the rows that need you');
    keys('!');

    keys('2');
    await waitForScreen(/exports.*NO-WORKER/, 'NO-WORKER on exports');
    keys('/', ...'exports', 'Enter');
    await waitForScreen(/filter.*exports/, 'the queues filter');
    await shoot('queues', 'Queues: exports has work and no live worker (NO-WORKER)');

    keys('Enter');
    await waitForScreen('queue exports', 'the jobs of exports');
    keys('Right');
    await waitForScreen((text) => text.includes('ORPHANED:'), 'the started registry with the orphan');
    await shoot(
      'jobs-orphaned',
      "Jobs → started: the dead worker's job is ORPHANED, F fails it, r requeues it",
    );

    keys('F');
    await waitForScreen(/Cancel/, 'the fail confirmation');
    await shoot('fail-orphan-confirm', 'Fail an orphaned job: a confirmation naming the dead worker');
    keys('y');
    await waitForScreen('moved to the failed registry', 'the receipt');
    await home();
    keys('2');
    await waitForScreen('OLDEST', 'the queues screen');
    keys('/', ...'emails', 'Enter');
    await waitForScreen(/filter.*emails/, 'the queues filter');
    keys('Enter');
    await waitForScreen('queue emails', 'the jobs of emails');
    // The jobs screen keeps the registry last shown (started, for exports): failed is next.
    keys('Right');
    await waitForScreen(/SMTP relay refused/, 'failed Python jobs with their error', 60_000);
    await shoot('jobs-failed', "Jobs → failed: Python RQ's failures with each error");
    keys('Enter');
    await waitForScreen(/Traceback|ConnectionError/, 'the job detail');
    await shoot('job-detail', 'Job detail: call, timestamps, and the traceback');
    await home();

    if (rq210) {
      keys('/', ...'reports', 'Enter');
      await waitForScreen(/reports-py210.*busy/, 'the 2.10 worker');
      keys('K');
      await waitForScreen('Kill the horse of this worker?', 'the confirmation');
      await shoot(
        'kill-horse-confirm',
        'Kill horse on a Python RQ 2.10 worker: the target named, Cancel focused',
      );
      keys('y');
      await waitForScreen('horse killed', 'the receipt', 30_000);
      await shoot('kill-horse-receipt', 'The receipt: heard by 1 listener, then the effect');
      await home();
    }

    keys('5');
    await waitForScreen('newest first', 'the event timeline');
    await shoot('events', 'Events: what happened, newest first');

    keys('?');
    await waitForScreen('Everywhere', 'the help screen');
    await shoot('help', 'Help, generated from the keymap table');

    await home();
    redis.kill('SIGTERM');
    await waitForScreen('Redis unreachable since', 'the outage banner', 30_000);
    await shoot('unreachable', 'Redis gone: the banner, the last data kept, actions say nothing was sent');
    keys('q');
  } finally {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
    for (const child of children) {
      try {
        process.kill(-child.pid, 'SIGCONT');
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(work, { recursive: true, force: true });
  }
}

/** Esc until the workers screen with no filter: Esc always leads home. */
async function home() {
  const atHome = (text) => text.includes('CURRENT JOB') && !/filter/.test(text.split('\n')[2] ?? '');
  // One Esc at a time: several in one burst read as an escape sequence, not as keys.
  for (let i = 0; i < 6; i++) {
    keys('Escape');
    if (await waitForScreen(atHome, 'the workers screen', 1500).catch(() => undefined)) return;
  }
  await waitForScreen(atHome, 'the workers screen', 1000);
}

async function waitFor(probe, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// Old captures this script no longer makes would lie about the console: remove them.
const MADE = new Set([
  'workers',
  'flagged',
  'queues',
  'jobs-orphaned',
  'fail-orphan-confirm',
  'jobs-failed',
  'job-detail',
  'kill-horse-confirm',
  'kill-horse-receipt',
  'events',
  'help',
  'unreachable',
]);
await main();
for (const file of readdirSync(OUT))
  if (file.endsWith('.png') && !MADE.has(file.slice(0, -4))) rmSync(path.join(OUT, file));
