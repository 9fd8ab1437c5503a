import { RqtsError } from '../model/errors.js';
import { kebabCase, type CommandDescriptor, type FlagSpec } from './command.js';

// The command line against the flag table: one line naming the flag and exit 1 for anything
// wrong (an unknown flag, `--queue` with no value, `--ttl abc`), then env and defaults apply.
// Hand-written rather than meow: meow and its bundled parser are 260 KB of source that every
// long-running worker would keep in its heap to read a dozen flags once.

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

export function parseCommandLine(
  command: CommandDescriptor,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): ParsedCommandLine {
  // Keep the command line where ps and pgrep -f show it, whatever node was started with.
  process.title = ['rqts', command.name, ...argv].join(' ');
  const given = readTokens(command, checkTokens(command, argv));
  const flags: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(command.flags)) {
    flags[key] = resolveValue(command, key, spec, given.flags.get(key), env);
  }
  return { args: given.args, flags };
}

/** Reads checkTokens' output, where every flag is known and every value is in place. */
function readTokens(
  command: CommandDescriptor,
  tokens: readonly string[],
): { args: string[]; flags: Map<string, unknown> } {
  const args: string[] = [];
  const flags = new Map<string, unknown>();
  const set = ([key, spec]: [string, FlagSpec], value: unknown): void => {
    if (spec.multiple) {
      flags.set(key, [...((flags.get(key) as unknown[] | undefined) ?? []), value]);
    } else if (flags.has(key)) {
      throw usageError(command, `The flag --${kebabCase(key)} can only be set once`);
    } else {
      flags.set(key, value);
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token === '--') {
      args.push(...tokens.slice(i + 1));
      break;
    }
    if (token.startsWith('--')) {
      const [name = '', inlineValue] = splitOnce(token.slice(2), '=');
      const found = findFlag(command, name);
      if (found) {
        if (found[1].type === 'boolean') set(found, inlineValue === undefined || inlineValue !== 'false');
        else set(found, inlineValue ?? tokens[++i]);
      } else {
        // checkTokens let it through, so it is --no-<boolean>.
        set(findFlag(command, name.slice(3)) as [string, FlagSpec], inlineValue === 'false');
      }
      continue;
    }
    if (token.startsWith('-') && token.length > 1 && !NEGATIVE_NUMBER.test(token)) {
      // checkTokens splits glued short flags: this is exactly one letter.
      const found = findShort(command, token.slice(1)) as [string, FlagSpec];
      set(found, found[1].type === 'boolean' ? true : tokens[++i]);
      continue;
    }
    args.push(token);
  }
  return { args, flags };
}

function usageError(command: CommandDescriptor, message: string): RqtsError {
  return new RqtsError('BAD_ARGUMENT', message, `Run rqts ${command.name} --help to see its options`);
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

/** Rejects unknown flags and value-less options; splits `-qhigh` into `-q high`. */
function checkTokens(command: CommandDescriptor, argv: readonly string[]): string[] {
  const out: string[] = [];
  const needsValue = (flagText: string, next: string | undefined): void => {
    if (next === undefined || (next.startsWith('-') && next !== '-' && !NEGATIVE_NUMBER.test(next))) {
      throw usageError(command, `Option ${flagText} needs a value`);
    }
  };
  const aliasOf = new Map<string, string>();
  for (const [key, spec] of Object.entries(command.flags))
    for (const alias of spec.aliases ?? []) aliasOf.set(alias, `--${kebabCase(key)}`);
  for (let i = 0; i < argv.length; i++) {
    const token = aliasOf.get(argv[i] as string) ?? (argv[i] as string);
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (token.startsWith('--')) {
      const [name = '', inlineValue] = splitOnce(token.slice(2), '=');
      let found = findFlag(command, name);
      if (!found && name.startsWith('no-')) {
        const negated = findFlag(command, name.slice(3));
        if (negated?.[1].type === 'boolean') found = negated;
      }
      if (!found) throw usageError(command, `Unknown option --${name} for rqts ${command.name}`);
      out.push(token);
      if (found[1].type !== 'boolean' && inlineValue === undefined) {
        needsValue(`--${name}`, argv[i + 1]);
        out.push(argv[++i] as string);
      }
      continue;
    }
    if (token.startsWith('-') && token.length > 1 && !NEGATIVE_NUMBER.test(token)) {
      const letters = token.slice(1);
      for (let j = 0; j < letters.length; j++) {
        const letter = letters[j] as string;
        const found = findShort(command, letter);
        if (!found) throw usageError(command, `Unknown option -${letter} for rqts ${command.name}`);
        out.push(`-${letter}`);
        if (found[1].type === 'boolean') continue;
        const rest = letters.slice(j + 1).replace(/^=/, '');
        if (rest !== '') {
          out.push(rest);
        } else {
          needsValue(`-${letter}`, argv[i + 1]);
          out.push(argv[++i] as string);
        }
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

function resolveValue(
  command: CommandDescriptor,
  key: string,
  spec: FlagSpec,
  given: unknown,
  env: NodeJS.ProcessEnv,
): unknown {
  const flagText = `--${kebabCase(key)}`;
  let raw: unknown = given;
  let source = flagText;
  if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) {
    const fromEnv = spec.env ? env[spec.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      source = `${spec.env} (environment)`;
      raw =
        spec.type === 'boolean' ? /^(1|true|yes|on)$/i.test(fromEnv) : spec.multiple ? [fromEnv] : fromEnv;
    } else if (spec.default !== undefined) {
      return Array.isArray(spec.default) ? [...spec.default] : spec.default;
    } else {
      return spec.multiple ? [] : spec.type === 'boolean' ? false : undefined;
    }
  }
  const convert = (value: unknown): unknown => {
    if (spec.type === 'boolean') return Boolean(value);
    const text = String(value);
    if (spec.choices && !spec.choices.includes(text)) {
      throw usageError(
        command,
        `${source} must be one of ${spec.choices.join(', ')}, not ${JSON.stringify(text)}`,
      );
    }
    if (spec.type === 'number') {
      const number = /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isFinite(number))
        throw usageError(command, `${source} expects a number, not ${JSON.stringify(text)}`);
      return number;
    }
    return text;
  };
  return Array.isArray(raw) ? raw.map(convert) : convert(raw);
}
