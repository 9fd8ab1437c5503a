// How a subcommand declares itself (style.md habit 19). Each src/cli/<name>.ts exports one
// descriptor made with defineCommand():
//
//   export const emptyCommand = defineCommand({
//     name: 'empty',                          // what the user types: `rqts empty`
//     summary: 'Remove every job from ...',   // one line, shown in `rqts --help`
//     usage: '[QUEUES...]',                   // positional arguments, shown after the name
//     description: 'Longer text ...',         // optional paragraph for `rqts empty --help`
//     flags: {
//       ...connectionFlags,                   // --url/-u, --config/-c, --path/-P, --serializer/-S
//       all: { type: 'boolean', short: 'a', description: 'Empty every queue' },
//     },
//     async run({ args, flags, io }) { ...; return 0; },  // exit code (void means 0)
//   });
//
// Flag keys are camelCase and are typed on the command line as --kebab-case. A flag may have
// a short alias, be repeatable (`multiple`, values become an array), take a default, and fall
// back to an environment variable; precedence is command line, then env, then default.
// `rqts <name> --help` is generated from this table, so every flag is documented by
// construction. To add a subcommand: write the file, then add one import and one list entry
// in src/cli/commands.ts. Throw RqtsError for bad input: the CLI prints its one line, exit 1.

export type FlagType = 'string' | 'number' | 'boolean';

export interface FlagSpec {
  type: FlagType;
  /** One letter, used as -x. */
  short?: string;
  /** Repeatable: `-P a -P b` gives ['a', 'b']. */
  multiple?: boolean;
  default?: string | number | boolean | readonly string[] | readonly number[];
  /** Environment variable read when the flag is absent from the command line. */
  env?: string;
  /** Placeholder for the value in --help, e.g. URL, SECONDS. */
  valueName?: string;
  /** Whole tokens that also name this flag, e.g. rq's two-letter '-ds' for --dequeue-strategy. */
  aliases?: readonly string[];
  /** Allowed values (strings only). */
  choices?: readonly string[];
  description: string;
}

export type FlagTable = Record<string, FlagSpec>;

type ScalarOf<S extends FlagSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['type'] extends 'number'
    ? number
    : string;

/** The parsed value of one flag: arrays for `multiple`, booleans always set, others maybe undefined. */
export type FlagValue<S extends FlagSpec> = S extends { multiple: true }
  ? ScalarOf<S>[]
  : S['type'] extends 'boolean'
    ? boolean
    : S extends { default: string | number }
      ? ScalarOf<S>
      : ScalarOf<S> | undefined;

export type FlagValues<F extends FlagTable> = { -readonly [K in keyof F]: FlagValue<F[K]> };

/** Where a command writes. The real CLI binds these to stdout/stderr; tests may capture them. */
export interface CommandIo {
  /** One line (or several joined by \n) to stdout. */
  print(text?: string): void;
  /** One line to stderr. */
  error(text: string): void;
  /** Raw stdout, for screen clearing (info --interval) or interactive apps. */
  stdout: NodeJS.WriteStream;
  /** Colours only on a terminal and when NO_COLOR is unset, as click does for rq. */
  color: boolean;
  env: NodeJS.ProcessEnv;
}

export interface CommandContext<F extends FlagTable> {
  /** Positional arguments after the subcommand name. */
  args: string[];
  flags: FlagValues<F>;
  io: CommandIo;
}

export interface CommandSpec<F extends FlagTable> {
  name: string;
  summary: string;
  usage: string;
  description?: string;
  examples?: readonly string[];
  flags: F;
  /** Resolves to the exit code; void means 0. */
  run(context: CommandContext<F>): Promise<number | void>;
}

/** The untyped form every list and the dispatcher work with. */
export interface CommandDescriptor {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly description?: string;
  readonly examples?: readonly string[];
  readonly flags: FlagTable;
  run(context: { args: string[]; flags: Record<string, unknown>; io: CommandIo }): Promise<number | void>;
}

export function defineCommand<const F extends FlagTable>(spec: CommandSpec<F>): CommandDescriptor {
  return {
    ...spec,
    run: (context) => spec.run({ ...context, flags: context.flags as FlagValues<F> }),
  };
}

/** `atFront` → `at-front`: what the user types. */
export function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
