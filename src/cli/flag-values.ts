import { RqtsError } from '../errors.js';
import { kebabCase, type CommandDescriptor, type FlagSpec, type FlagTable } from './command.js';

// What a flag table turns given values into: the command line first, then the flag's
// environment variable, then its default; numbers and choices checked with one line naming
// the flag (or the variable) that is wrong. The parser hands its raw values here, and so
// does a pool, whose members receive their options as data and parse no argv.

export function usageError(command: Pick<CommandDescriptor, 'name'>, message: string): RqtsError {
  return new RqtsError('BAD_ARGUMENT', message, `Run rqts ${command.name} --help to see its options`);
}

/** Every flag of the table, from the raw values given (strings, booleans or arrays of them). */
export function resolveFlags(
  command: Pick<CommandDescriptor, 'name'>,
  table: FlagTable,
  given: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    flags[key] = resolveValue(command, key, spec, given[key], env);
  }
  return flags;
}

function resolveValue(
  command: Pick<CommandDescriptor, 'name'>,
  key: string,
  spec: FlagSpec,
  given: unknown,
  env: NodeJS.ProcessEnv,
): unknown {
  let raw: unknown = given;
  let source = `--${kebabCase(key)}`;
  if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) {
    const fromEnv = spec.env ? env[spec.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      source = `${spec.env} (environment)`;
      raw =
        spec.type === 'boolean' ? /^(1|true|yes|on)$/i.test(fromEnv) : spec.multiple ? [fromEnv] : fromEnv;
    } else if (spec.default !== undefined) {
      return Array.isArray(spec.default) ? [...(spec.default as readonly unknown[])] : spec.default;
    } else {
      return spec.multiple ? [] : spec.type === 'boolean' ? false : undefined;
    }
  }
  const convert = (value: unknown): unknown => {
    if (spec.type === 'boolean') return Boolean(value);
    if (spec.type === 'number' && typeof value === 'number' && Number.isFinite(value)) return value;
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
