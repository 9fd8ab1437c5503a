import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { commands } from '../../src/cli/commands.js';
import { renderCommandHelp } from '../../src/cli/help.js';

// Readers of the files under deploy/ for test/deploy: an INI reader that keeps duplicate keys
// (systemd allows several ExecStart= lines) and the flag check against each command's --help.

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const DEPLOY = path.join(ROOT, 'deploy');

export function deployFiles(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(DEPLOY)) {
    for (const file of readdirSync(path.join(DEPLOY, dir))) out.push(`deploy/${dir}/${file}`);
  }
  return out.sort();
}

export function read(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8');
}

export type Ini = Map<string, Map<string, string[]>>;

/** systemd and supervisord both use INI: sections, `key=value`, `#`/`;` comment lines. */
export function parseIni(text: string): Ini {
  const sections: Ini = new Map();
  let current: Map<string, string[]> | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      if (sections.has(section[1]!)) throw new Error(`line ${index + 1}: section [${section[1]}] twice`);
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const pair = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!pair) throw new Error(`line ${index + 1}: not key=value: ${raw}`);
    if (!current) throw new Error(`line ${index + 1}: key outside a section`);
    const values = current.get(pair[1]!) ?? [];
    values.push(pair[2]!);
    current.set(pair[1]!, values);
  }
  return sections;
}

export function one(ini: Ini, section: string, key: string): string | undefined {
  const values = ini.get(section)?.get(key);
  if (values && values.length > 1) throw new Error(`[${section}] ${key} is set ${values.length} times`);
  return values?.[0];
}

/** systemd's time spans as the units write them: `210`, `210s`, `3min 30s`. */
export function seconds(span: string): number {
  let total = 0;
  for (const part of span.trim().split(/\s+/)) {
    const match = /^(\d+)(s|sec|min|m|h)?$/.exec(part);
    if (!match) throw new Error(`unreadable time span ${span}`);
    const n = Number(match[1]);
    total += match[2] === 'min' || match[2] === 'm' ? n * 60 : match[2] === 'h' ? n * 3600 : n;
  }
  return total;
}

/** The flags a command line uses that `rqts <command> --help` does not list ([] when all exist). */
export function unknownFlags(argv: readonly string[]): string[] {
  const [name, ...rest] = argv;
  const command = commands.find((c) => c.name === name);
  if (!command) return [`unknown command ${String(name)}`];
  const help = renderCommandHelp(command);
  const missing: string[] = [];
  for (const token of rest) {
    if (!token.startsWith('-') || token === '-') continue;
    const flag = token.split('=')[0]!;
    const listed = flag.startsWith('--')
      ? new RegExp(`(^|[\\s,])${escape(flag)}(\\s|,|$)`, 'm').test(help)
      : new RegExp(`(^|\\s)${escape(flag)}(,|\\s)`, 'm').test(help);
    if (!listed) missing.push(`${name} ${flag}`);
  }
  return missing;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `rqts …` command lines of a shell block or a unit's Exec line, split into words. */
export function rqtsCommands(text: string): string[][] {
  const found: string[][] = [];
  for (const line of text.split('\n')) {
    const match = /(?:^|[\s=;&|(`])(?:\/usr\/local\/bin\/)?rqts\s+([a-z][a-z-]*(?:\s+[^#;&|`]*)?)/.exec(line);
    if (!match) continue;
    const words = match[1]!.trim().split(/\s+/);
    if (commands.some((c) => c.name === words[0])) found.push(words);
  }
  return found;
}
