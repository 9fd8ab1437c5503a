// Replies with which Redis refuses a write it would otherwise take: out of memory, still
// loading its data, a replica, a replica cut off from its master. None of them ran the
// command, so the same step may simply be sent again once Redis takes writes again.

const REFUSALS = ['OOM', 'LOADING', 'READONLY', 'MASTERDOWN'] as const;
export type Refusal = (typeof REFUSALS)[number];

/**
 * The reply that explains a failure. A MULTI whose commands Redis refused ends in
 * "EXECABORT Transaction discarded because of previous errors"; the cause is in
 * ioredis's `previousErrors`.
 */
export function realError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const previous = (error as Error & { previousErrors?: unknown[] }).previousErrors;
  if (error.message.startsWith('EXECABORT') && Array.isArray(previous)) {
    const first = previous.find((e): e is Error => e instanceof Error);
    if (first) return first;
  }
  return error;
}

export function refusalOf(error: unknown): Refusal | undefined {
  const message = realError(error).message;
  return REFUSALS.find((code) => message.startsWith(`${code} `) || message === code);
}
