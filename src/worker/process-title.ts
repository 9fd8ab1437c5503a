import { formatTimestamp } from '../model/time.js';

// The worker's process title, as RQ sets its own: what it does and since when ("rqts:
// Listening on default since …", "rqts: Running tasks.add since …"), for ps and top.

/** A setter that skips a title it set already. */
export function processTitle(): (doing: string) => void {
  let current: string | undefined;
  return (doing) => {
    // Back-to-back jobs of one function keep the title they set first ("Running f since" the
    // run of f began): setting a process title costs a prctl and a copy over argv per call.
    if (doing === current) return;
    current = doing;
    process.title = `rqts: ${doing} since ${formatTimestamp(new Date())}`;
  };
}
