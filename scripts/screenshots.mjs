// `npm run screenshots`: real frames of `rqts console --demo` (the built binary, in a real
// terminal) saved as PNG files in screenshots/ for the README. tmux runs the console and
// types the keys; each capture (with its colours) is replayed into a headless xterm, drawn
// as SVG cell by cell, and rasterised with resvg. The demo starts its own private Redis
// (the URL below points at a port where nothing answers), so no shared server is touched.
//
// Regenerate after changing the console's look: `npm run screenshots`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import xterm from '@xterm/headless';
import { Resvg } from '@resvg/resvg-js';
import { freePort } from '../dist/redis/free-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'screenshots');
const COLS = 150;
const ROWS = 36;
const SOCKET = `rqts-shots-${process.pid}`;
const FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf';

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
    if (typeof test === 'string' ? text.includes(test) : test.test(text)) return text;
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

async function main() {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('Build first: npm run build');
  if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is needed: apt-get install tmux');
  mkdirSync(OUT, { recursive: true });
  const port = await freePort();
  const command = `env -u CI ${process.execPath} ${path.join(ROOT, 'bin', 'rqts.js')} console --demo --url redis://127.0.0.1:${port}/0`;
  tmux('new-session', '-d', '-s', 'shots', '-x', String(COLS), '-y', String(ROWS), command);
  try {
    await waitForScreen(/busy.*tasks\.hang\(\)/, 'a demo worker busy on the hanging job', 60_000);
    await sleep(25_000); // let the rates and the sparkline fill in
    await shoot('workers', 'Workers: two demo workers, one stuck on tasks.hang()');

    keys('/', 'h', 'a', 'n', 'g', 'Enter');
    await waitForScreen('filter /hang/', 'the filter');
    keys('K');
    await waitForScreen('Kill the horse of this worker?', 'the confirmation');
    await shoot('kill-horse-confirm', 'Kill horse: a confirmation naming its target, Cancel focused');
    keys('y');
    await waitForScreen('horse killed', 'the receipt');
    keys('Escape');
    await waitForScreen((text) => !text.includes('filter /hang/'), 'the filter to clear').catch(
      () => undefined,
    );
    await shoot('kill-horse-receipt', 'The receipt: heard by 1 listener, then the effect');

    keys('2');
    await waitForScreen('NO-WORKER', 'the queues screen');
    await shoot('queues', 'Queues: sizes of every registry, a queue nobody serves is flagged');

    keys('/', 'l', 'o', 'w', 'Enter', 'Enter');
    await waitForScreen('queue low', 'the jobs of low');
    keys('Right', 'Right');
    await waitForScreen(/demo failure #\d+/, 'failed jobs with their error', 60_000);
    await shoot('jobs-failed', 'Jobs: the failed registry of a queue, paged in Redis, with each error');

    keys('Enter');
    await waitForScreen('Latest result: failed', 'the job detail');
    await shoot('job-detail', 'Job detail: call, timestamps, and the stack trace');

    keys('4');
    await waitForScreen(/logs in .* · \d+ lines/, 'the logs');
    await shoot('logs', 'Logs: output of the workers this console launched');

    keys('?');
    await waitForScreen('Everywhere', 'the help screen');
    await shoot('help', 'Help, generated from the keymap table');

    keys('q');
    await waitForScreen((text) => !text.includes('rqts console'), 'the console to exit', 60_000).catch(
      () => undefined,
    );
  } finally {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
  }
}

await main();
