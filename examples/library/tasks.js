// Job functions: `tasks.add` is export `add` of this file, found under the worker's --path.

export function add(a, b) {
  return a + b;
}

export function explode(reason) {
  throw new Error(`exploded: ${reason}`);
}

export function nap(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(`woke after ${ms} ms`), ms));
}
