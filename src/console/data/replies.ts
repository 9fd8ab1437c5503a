// Reading a pipeline's replies: ioredis resolves `exec()` with an [error, value] pair per
// command, and the console shows what it can, so one failed reply reads as its fallback.

export type Replies = [Error | null, unknown][];

/** The value of reply `index`, or `fallback` when that command failed, is missing or gave nil. */
export function reply<T>(replies: Replies, index: number, fallback: T): T {
  const entry = replies[index];
  if (!entry || entry[0]) return fallback;
  return (entry[1] ?? fallback) as T;
}
