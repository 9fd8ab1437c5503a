import v8 from 'node:v8';
import vm from 'node:vm';

// A worker idles far more than it starts, so it should not keep what starting cost. Loading
// the CLI and ioredis allocates ~10 MiB of short-lived objects, to which V8 answers by
// growing the young generation to 16 MiB, and leaves old-space pages half empty. V8's memory
// reducer gives that back only after 8 s or more of quiet. So while modules load, the young
// generation keeps its initial size; once the worker is built, one compacting collection
// returns the start-up garbage and V8's default sizing comes back, so a busy worker grows
// its young generation exactly as before.

export function holdStartupCosts(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

export function releaseStartupCosts(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=2');
  // gc() exists only in contexts created while --expose-gc is set; the flag is reset at
  // once, so job code and later contexts never see it.
  v8.setFlagsFromString('--expose-gc');
  let gc: () => void;
  try {
    gc = vm.runInNewContext('gc') as () => void;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  v8.setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    v8.setFlagsFromString('--no-compact-on-every-full-gc');
  }
}
