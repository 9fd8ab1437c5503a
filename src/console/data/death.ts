// A horse's death, read back from the job's failure text (docs/protocol.md: RQ's own words
// come first, so Python tooling keeps matching; rqts adds why after them).

const HORSE_DIED = /^Work-horse terminated unexpectedly; waitpid returned ([^;]*);?(.*)$/m;

/**
 * What an rqts worker saw of a horse's death, from the failure text: RQ's own words come
 * first ("Work-horse terminated unexpectedly; waitpid returned 9 (signal 9); ") and rqts
 * adds the reason after them ("SIGKILL from outside (peak RSS 80 MiB, no memory limit)").
 * Python RQ writes nothing after its text: undefined then.
 */
export function deathReasonOf(failure: string | undefined): string | undefined {
  const reason = HORSE_DIED.exec(failure ?? '')?.[2]?.trim();
  return reason ? reason : undefined;
}

/**
 * Any horse death, for the timeline: rqts's reason when there is one, else what Python RQ
 * says ("waitpid returned 9"), which is still worth a line on the timeline.
 */
export function horseDeathOf(failure: string | undefined): string | undefined {
  const match = HORSE_DIED.exec(failure ?? '');
  if (!match) return undefined;
  return deathReasonOf(failure) ?? `waitpid returned ${match[1]?.trim() ?? '?'} (Python RQ gives no reason)`;
}
