import type { ChainableCommander } from 'ioredis';

// What the model's transitions queue into a MULTI, recorded instead as one flat argument list
// (count, name, arguments … per command) for a script that checks a fence before it runs
// them (scripts/fenced-batch-3.lua). Script calls queued by name are recorded by that name.

type Arg = string | Buffer;

function flatten(values: readonly unknown[], into: Arg[]): void {
  for (const value of values) {
    if (Buffer.isBuffer(value) || typeof value === 'string') into.push(value);
    else if (Array.isArray(value)) flatten(value, into);
    else if (value && typeof value === 'object')
      for (const [field, inner] of Object.entries(value as Record<string, unknown>))
        flatten([field, inner], into);
    else into.push(String(value));
  }
}

export function recordCommands(): { commander: ChainableCommander; args: Arg[] } {
  const args: Arg[] = [];
  const commander: ChainableCommander = new Proxy({} as ChainableCommander, {
    get: (_target, name) =>
      typeof name !== 'string' || name === 'then'
        ? undefined
        : (...callArgs: unknown[]) => {
            const flat: Arg[] = [];
            flatten(callArgs, flat);
            args.push(String(flat.length), name, ...flat);
            return commander;
          },
  });
  return { commander, args };
}
