import meow from 'meow';
import { kebabCase, type CommandDescriptor, type FlagSpec, type FlagTable } from './command.js';
import { resolveFlags, usageError } from './flag-values.js';

// meow parses the command line against a schema generated from the command's flag table.
// Three things it does not do the way rqts (and RQ's click) must, so argv is first checked
// against the same table and rewritten into a form meow reads the same way:
//  - meow prints several lines and exits 2 on an unknown flag, and takes `--queue` with no
//    value as ''; rqts says one line naming the flag and exits 1;
//  - meow reads `-qhigh` as -q -h -i -g -h; click (and rqts) read it as -q high;
//  - RQ's `-ds` is one whole token naming --dequeue-strategy, not -d -s.
// Every flag therefore reaches meow as `--long-name` or `--long-name=value`. Numbers and
// choices are checked afterwards (flag-values.ts), where the environment and defaults apply.

export interface ParsedCommandLine {
  args: string[];
  flags: Record<string, unknown>;
}

const NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;

/** True when argv asks for help before any `--`. */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const token of argv) {
    if (token === '--') return false;
    if (token === '--help' || token === '-h') return true;
  }
  return false;
}

type MeowFlag = { type: 'string' | 'boolean'; shortFlag?: string; isMultiple?: boolean };

/** meow's flag schema for a table: numbers arrive as text, so a bad one is our one line. */
export function meowFlags(table: FlagTable): Record<string, MeowFlag> {
  const schema: Record<string, MeowFlag> = {};
  for (const [key, spec] of Object.entries(table)) {
    schema[key] = {
      type: spec.type === 'boolean' ? 'boolean' : 'string',
      ...(spec.short ? { shortFlag: spec.short } : {}),
      ...(spec.multiple ? { isMultiple: true } : {}),
    };
  }
  return schema;
}

export function parseCommandLine(
  command: CommandDescriptor,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): ParsedCommandLine {
  let parsed: { input: string[]; flags: Record<string, unknown> };
  try {
    parsed = meow({
      importMeta: import.meta,
      argv: canonicalTokens(command, argv),
      // meow sets process.title from pkg (an empty one blanks it, and ps and pgrep -f then
      // show nothing): give it the command line itself, so the process stays findable.
      pkg: { name: ['rqts', command.name, ...argv].join(' ') },
      help: false,
      description: false,
      autoHelp: false,
      autoVersion: false,
      allowUnknownFlags: true,
      booleanDefault: undefined,
      flags: meowFlags(command.flags),
    });
  } catch (error) {
    // meow throws for a flag that is not repeatable given twice; it names the camelCase key.
    const message = (error as Error).message.replace(/--(\w+)/, (_, key: string) => `--${kebabCase(key)}`);
    throw usageError(command, message.replace(/\.$/, ''));
  }
  return { args: parsed.input.map(String), flags: resolveFlags(command, command.flags, parsed.flags, env) };
}

function findFlag(command: CommandDescriptor, name: string): [string, FlagSpec] | undefined {
  for (const [key, spec] of Object.entries(command.flags)) {
    if (kebabCase(key) === name || key === name) return [key, spec];
  }
  return undefined;
}

function findShort(command: CommandDescriptor, letter: string): [string, FlagSpec] | undefined {
  return Object.entries(command.flags).find(([, spec]) => spec.short === letter);
}

/**
 * argv with every flag known and spelt `--long-name[=value]`: unknown flags and options
 * without a value are one line here; `-qhigh`, `-q high` and `-ds x` become `--queue=high`
 * and `--dequeue-strategy=x`; positionals and everything after `--` pass unchanged.
 */
function canonicalTokens(command: CommandDescriptor, argv: readonly string[]): string[] {
  const out: string[] = [];
  const valueAfter = (flagText: string, i: number): string => {
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('-') && next !== '-' && !NEGATIVE_NUMBER.test(next))) {
      throw usageError(command, `Option ${flagText} needs a value`);
    }
    return next;
  };
  const aliasOf = new Map<string, string>();
  for (const [key, spec] of Object.entries(command.flags))
    for (const alias of spec.aliases ?? []) aliasOf.set(alias, `--${kebabCase(key)}`);
  for (let i = 0; i < argv.length; i++) {
    const typed = argv[i] as string;
    const token = aliasOf.get(typed) ?? typed;
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (token.startsWith('--')) {
      const [name = '', inlineValue] = splitOnce(token.slice(2), '=');
      let found = findFlag(command, name);
      let negated = false;
      if (!found && name.startsWith('no-')) {
        found = findFlag(command, name.slice(3));
        negated = found?.[1].type === 'boolean';
        if (!negated) found = undefined;
      }
      if (!found) throw usageError(command, `Unknown option --${name} for rqts ${command.name}`);
      const long = `--${negated ? 'no-' : ''}${kebabCase(found[0])}`;
      if (found[1].type === 'boolean') {
        out.push(inlineValue === undefined ? long : `${long}=${inlineValue}`);
      } else {
        out.push(`${long}=${inlineValue ?? valueAfter(typed === token ? `--${name}` : typed, i++)}`);
      }
      continue;
    }
    if (token.startsWith('-') && token.length > 1 && !NEGATIVE_NUMBER.test(token)) {
      const letters = token.slice(1);
      for (let j = 0; j < letters.length; j++) {
        const letter = letters[j] as string;
        const found = findShort(command, letter);
        if (!found) throw usageError(command, `Unknown option -${letter} for rqts ${command.name}`);
        const long = `--${kebabCase(found[0])}`;
        if (found[1].type === 'boolean') {
          out.push(long);
          continue;
        }
        const rest = letters.slice(j + 1).replace(/^=/, '');
        out.push(`${long}=${rest !== '' ? rest : valueAfter(`-${letter}`, i++)}`);
        break;
      }
      continue;
    }
    out.push(token);
  }
  return out;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
