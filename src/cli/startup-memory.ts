import v8 from 'node:v8';
import vm from 'node:vm';

// A worker idles far more than it starts, so it should not keep what starting cost. Loading
// the CLI and ioredis allocates ~10 MiB of short-lived objects, to which V8 answers by
// growing the young generation to 16 MiB, and leaves old-space pages half empty; resolving
// a few hundred module paths makes the loader's path functions hot enough for TurboFan,
// whose compiler pages then stay resident for code that never runs again. V8's memory
// reducer gives part of that back only after 8 s or more of quiet.
// So while modules load, the young generation keeps its initial size and nothing is
// optimised; once the worker is built, one compacting collection returns the start-up
// garbage and V8's defaults come back, so a busy worker sizes its heap and optimises its
// hot code as before. A flag the user gave node (say --no-opt, --jitless) is never touched.

interface Hold {
  /** Flags the user may have given node themselves: then this hold is skipped. */
  user: RegExp;
  during: string;
  after: string;
}

const HOLDS: readonly Hold[] = [
  {
    user: /semi[-_]space|lite[-_]mode|optimize[-_]for[-_]size/,
    during: '--semi-space-growth-factor=1',
    after: '--semi-space-growth-factor=2',
  },
  { user: /turbofan|-opt\b|jitless|lite[-_]mode|maglev/, during: '--no-turbofan', after: '--turbofan' },
];

let held: readonly Hold[] = [];

function userFlags(): string {
  return [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
}

export function holdStartupCosts(): void {
  const given = userFlags();
  held = HOLDS.filter((hold) => !hold.user.test(given));
  for (const hold of held) v8.setFlagsFromString(hold.during);
}

export function releaseStartupCosts(): void {
  for (const hold of held) v8.setFlagsFromString(hold.after);
  held = [];
  const gc = (globalThis as { gc?: () => void }).gc ?? contextGc();
  if (/compact/.test(userFlags())) {
    gc();
    return;
  }
  v8.setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    v8.setFlagsFromString('--no-compact-on-every-full-gc');
  }
}

/** gc() exists only in contexts made while --expose-gc is set; reset at once, job code never sees it. */
function contextGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  try {
    return vm.runInNewContext('gc') as () => void;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}
