import { JSONSerializer, toBuffer, type Serializer } from '../model/serializer.js';
import { describeDeath } from './death-penalty.js';
import type { ExecOutcome } from './executor.js';

// What a job's outcome becomes in Redis, decided in one place for the worker and for a horse
// that records its job itself after its worker died (horse-orphan.ts).

export type OutcomeWrite =
  { kind: 'finish'; value: unknown } | { kind: 'fail'; excString: string; status: 'failed' | 'stopped' };

export function outcomeWrite(
  outcome: ExecOutcome,
  timeout: number,
  serializer: Serializer | undefined,
): OutcomeWrite {
  switch (outcome.kind) {
    case 'succeeded':
      try {
        // A value that crossed the horse's JSON channel always serializes as JSON; only a
        // custom serializer can refuse it.
        if (serializer && serializer !== JSONSerializer) toBuffer(serializer.dumps(outcome.value));
      } catch (error) {
        return {
          kind: 'fail',
          excString: `TypeError: the return value cannot be serialized: ${(error as Error).message}`,
          status: 'failed',
        };
      }
      return { kind: 'finish', value: outcome.value };
    case 'failed':
      return { kind: 'fail', excString: outcome.excString, status: 'failed' };
    case 'died':
      return { kind: 'fail', ...describeDeath(outcome, timeout) };
    default: {
      const unreachable: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unreachable)}`);
    }
  }
}
