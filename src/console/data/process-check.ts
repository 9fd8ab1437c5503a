import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { keyOf } from '../keymap.js';

// What the console can learn about a worker's process from this host. A SIGSTOPped process
// still holds its pub/sub subscription, so Redis counts it as a listener: only the process
// table tells "frozen" from "slow", and only for a pid on this host.

export type PidCheck = 'alive' | 'stopped' | 'not-running' | 'other-host' | 'unknown';

/** Whether a worker's pid runs on this host (signal 0 asks without sending anything). */
export function checkPid(pid: number | undefined, host: string | undefined): PidCheck {
  if (pid === undefined || host === undefined) return 'unknown';
  if (host !== hostname()) return 'other-host';
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: a process of another user holds that pid, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'not-running';
  }
  return linuxState(pid) ?? 'alive';
}

/** The state letter of /proc/PID/stat (Linux only); T is stopped, t stopped by a tracer. */
function linuxState(pid: number): PidCheck | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name sits in parentheses and may itself hold ") ": the state follows the last.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'T' || state === 't') return 'stopped';
  if (state === 'Z' || state === 'X') return 'not-running';
  return 'alive';
}

export function pidCheckText(check: PidCheck, pid: number | undefined, host: string | undefined): string {
  const at = `${pid ?? '?'}@${host ?? '?'}`;
  switch (check) {
    case 'alive':
      return `pid ${at} is ALIVE on this host: it may be frozen rather than dead; ${keyOf('action.shutdown')} or a signal first`;
    case 'stopped':
      return `pid ${at} is STOPPED on this host (SIGSTOP): frozen, not dead; SIGCONT resumes it`;
    case 'not-running':
      return `pid ${at} is not running on this host: the worker is gone`;
    case 'other-host':
      return `pid ${at} runs on another host: this console cannot check it`;
    default:
      return `pid ${at}: unknown, cannot check`;
  }
}
