import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineCommand, kebabCase } from '../../src/cli/command.js';
import { commands } from '../../src/cli/commands.js';
import { renderCommandHelp } from '../../src/cli/help.js';
import { meowFlags, parseCommandLine } from '../../src/cli/parse-flags.js';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIo, ROOT, rqts } from './run.js';

const probe = defineCommand({
  name: 'probe',
  summary: 'A command for parser tests',
  usage: '[ARGS...]',
  flags: {
    queue: { type: 'string', short: 'q', default: 'default', description: 'q' },
    ttl: { type: 'number', description: 't' },
    path: { type: 'string', short: 'P', multiple: true, default: ['.'], description: 'p' },
    url: { type: 'string', short: 'u', env: 'PROBE_URL', description: 'u' },
    atFront: { type: 'boolean', short: 'a', description: 'a' },
    mode: { type: 'string', choices: ['x', 'y'], description: 'm' },
  },
  async run() {
    return 0;
  },
});

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCommandLine(probe, argv, env);

describe('flag parsing', () => {
  it('applies defaults, env fallbacks, and keeps positionals as text', () => {
    expect(parse(['f', '5', 'k=v'])).toEqual({
      args: ['f', '5', 'k=v'],
      flags: {
        queue: 'default',
        ttl: undefined,
        path: ['.'],
        url: undefined,
        atFront: false,
        mode: undefined,
      },
    });
    expect(parse([], { PROBE_URL: 'redis://env' }).flags.url).toBe('redis://env');
    expect(parse(['-u', 'redis://flag'], { PROBE_URL: 'redis://env' }).flags.url).toBe('redis://flag');
  });

  it('reads short, long, inline, glued and repeated forms', () => {
    const { flags, args } = parse([
      '-qhigh',
      '--ttl=-1',
      '-P',
      'a',
      '--path',
      'b',
      '-a',
      'f',
      '--',
      '--not-a-flag',
    ]);
    expect(flags).toMatchObject({ queue: 'high', ttl: -1, path: ['a', 'b'], atFront: true });
    expect(args).toEqual(['f', '--not-a-flag']);
    expect(parse(['--ttl', '-5']).flags.ttl).toBe(-5);
    expect(parse(['--at-front']).flags.atFront).toBe(true);
    expect(parse(['--no-at-front']).flags.atFront).toBe(false);
  });

  it('reads a boolean given a value, an empty inline value, and a camelCase long name', () => {
    expect(parse(['--at-front=false']).flags.atFront).toBe(false);
    expect(parse(['--at-front=true']).flags.atFront).toBe(true);
    expect(parse(['--url=']).flags.url).toBe('');
    expect(parse(['--atFront', '-Pdir']).flags).toMatchObject({ atFront: true, path: ['dir'] });
  });

  it('reads a value that starts with a dash when it is glued or inline, and sets the process title', () => {
    expect(parse(['-q-x', '--url=-y']).flags).toMatchObject({ queue: '-x', url: '-y' });
    expect(parse(['--path=a=b', '-P=c']).flags.path).toEqual(['a=b', 'c']);
    parse(['-qhigh', 'job']);
    expect(process.title).toBe('rqts probe -qhigh job');
  });

  it("hands meow a schema generated from the flag table, and RQ's -ds stays one whole token", () => {
    expect(meowFlags(probe.flags)).toEqual({
      queue: { type: 'string', shortFlag: 'q' },
      ttl: { type: 'string' },
      path: { type: 'string', shortFlag: 'P', isMultiple: true },
      url: { type: 'string', shortFlag: 'u' },
      atFront: { type: 'boolean', shortFlag: 'a' },
      mode: { type: 'string' },
    });
    const worker = commands.find((c) => c.name === 'worker')!;
    const flags = (argv: string[]) => parseCommandLine(worker, argv, {}).flags;
    expect(flags(['-ds', 'round_robin'])).toMatchObject({
      dequeueStrategy: 'round_robin',
      disableDefaultExceptionHandler: false,
      withScheduler: false,
    });
    expect(flags(['-d', '-s'])).toMatchObject({
      dequeueStrategy: 'default',
      disableDefaultExceptionHandler: true,
      withScheduler: true,
    });
    expect(flags(['--dequeue-strategy', 'random']).dequeueStrategy).toBe('random');
    expect(() => flags(['-ds'])).toThrowError('Option -ds needs a value');
    expect(() => flags(['-ds', 'sideways'])).toThrowError(
      '--dequeue-strategy must be one of default, random, round_robin, not "sideways"',
    );
    expect(() => flags(['--results-ttl', '1', '--resultsTtl=2'])).toThrowError(
      'The flag --results-ttl can only be set once',
    );
  });

  it.each([
    [['--bogus'], 'Unknown option --bogus for rqts probe'],
    [['-z'], 'Unknown option -z for rqts probe'],
    [['--queue'], 'Option --queue needs a value'],
    [['-q', '--ttl', '1'], 'Option -q needs a value'],
    [['--ttl', 'abc'], '--ttl expects a number, not "abc"'],
    [['--ttl', '5s'], '--ttl expects a number, not "5s"'],
    [['--ttl', '1', '--ttl', '2'], 'The flag --ttl can only be set once'],
    [['--mode', 'z'], '--mode must be one of x, y, not "z"'],
    [['--no-queue'], 'Unknown option --no-queue for rqts probe'],
  ])('%j is one clear error', (argv, message) => {
    expect(() => parse(argv)).toThrowError(message);
    try {
      parse(argv);
    } catch (error) {
      expect((error as { toLine(): string }).toLine()).toMatch(/Run rqts probe --help to see its options$/);
    }
  });

  it('a bad value from the environment names the variable', () => {
    const numeric = defineCommand({
      name: 'n',
      summary: 's',
      usage: '',
      flags: { every: { type: 'number', env: 'EVERY', description: 'e' } },
      run: async () => 0,
    });
    expect(() => parseCommandLine(numeric, [], { EVERY: 'soon' })).toThrowError(
      'EVERY (environment) expects a number, not "soon"',
    );
  });
});

describe('help is generated from the descriptors', () => {
  it.each(commands.map((c) => [c.name, c] as const))(
    'every flag of %s appears in its --help',
    async (_name, command) => {
      const io = captureIo();
      expect(await runCli([command.name, '--help'], io)).toBe(0);
      const help = io.out.join('\n');
      expect(help).toBe(renderCommandHelp(command));
      expect(help).toContain(`Usage: rqts ${command.name} [options]`);
      // Descriptions wrap at 100 columns; compare with whitespace collapsed.
      const flat = help.replace(/\s+/g, ' ');
      for (const [key, spec] of Object.entries(command.flags)) {
        const label = spec.short ? `  -${spec.short}, --${kebabCase(key)}` : `      --${kebabCase(key)}`;
        expect(
          help
            .split('\n')
            .some((line) => line.startsWith(`${label} `) || line.startsWith(`${label},`) || line === label),
        ).toBe(true);
        expect(flat).toContain(spec.description.replace(/\s+/g, ' '));
        if (spec.env) expect(flat).toContain(`env: ${spec.env}`);
      }
      expect(
        Math.max(
          ...help
            .split('\n')
            .filter((l) => !l.startsWith('  $ '))
            .map((l) => l.length),
        ),
      ).toBeLessThanOrEqual(100);
    },
  );

  it('no two flags of a command share a name or a short alias', () => {
    for (const command of commands) {
      const shorts = Object.values(command.flags).flatMap((s) => (s.short ? [s.short] : []));
      expect(new Set(shorts).size, command.name).toBe(shorts.length);
      expect(shorts, command.name).not.toContain('h');
    }
    const names = commands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('the built binary lists every subcommand and prints the package version', async () => {
    const help = await rqts(['--help']);
    expect(help.code).toBe(0);
    const flat = help.stdout.replace(/\s+/g, ' ');
    for (const command of commands) expect(flat).toContain(` ${command.name} ${command.summary} `);
    const version = await rqts(['--version']);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const sub = await rqts(['info', '-h']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toBe(`${renderCommandHelp(commands.find((c) => c.name === 'info')!)}\n`);
  });

  it('unknown commands and misplaced options are one line and exit 1', async () => {
    const unknown = await rqts(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(
      /^Unknown command "frobnicate"\. Run rqts --help to see the commands \(.*info.*\)\n$/,
    );
    const misplaced = await rqts(['--url', 'redis://x', 'info']);
    expect(misplaced.code).toBe(1);
    expect(misplaced.stderr).toBe(
      'Unknown option --url: options go after the command name. Run rqts --help to see the commands\n',
    );
    const flag = await rqts(['info', '--colour']);
    expect(flag).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Unknown option --colour for rqts info. Run rqts info --help to see its options\n',
    });
  });
});

describe('top-level error handler', () => {
  const crashing = defineCommand({
    name: 'crash',
    summary: 's',
    usage: '',
    flags: {},
    async run() {
      throw new TypeError('undefined is not a function\n    at somewhere');
    },
  });

  it('prints one line for an unexpected error, the stack only with RQTS_DEBUG=1', async () => {
    const io = captureIo();
    expect(await runCli(['crash'], io, [crashing])).toBe(1);
    expect(io.err).toEqual([
      'rqts failed: TypeError: undefined is not a function (set RQTS_DEBUG=1 to see where)',
    ]);
    const debug = captureIo({ RQTS_DEBUG: '1' });
    await runCli(['crash'], debug, [crashing]);
    expect(debug.err).toHaveLength(2);
    expect(debug.err[1]).toContain('TypeError: undefined is not a function');
  });
});
