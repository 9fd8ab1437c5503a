import type { Redis } from 'ioredis';
import { keys } from '../../redis/keys.js';
import { escapeControl } from '../text.js';
import { checkPid, type PidCheck } from './process-check.js';

// When a command was heard but nothing happened. Redis counts a SIGSTOPped process as a
// listener (its socket is open, the kernel buffers the message), so "heard by 1" proves
// nothing: the receipt says what the process table shows and offers the step that can
// work. For a worker this console launched that is a signal, in order of force; each is
// checked for its effect. For any other worker the console will not signal a process it
// did not start: the way out is its entry and its job (X, F), once its beat is stale.

export type EscalationSignal = 'SIGCONT' | 'SIGTERM' | 'SIGKILL';

export interface WorkerProcess {
  pid: number | undefined;
  host: string | undefined;
  queues: string[];
}

export async function workerProcess(redis: Redis, worker: string): Promise<WorkerProcess> {
  const [pid, host, queues] = await redis.hmget(keys.worker(worker), 'pid', 'hostname', 'queues');
  return {
    pid: pid ? Number(pid) : undefined,
    host: host ?? undefined,
    queues: queues ? queues.split(',').filter(Boolean) : [],
  };
}

export interface NoEffectAdvice {
  /** Appended to "…, though heard by N". */
  why: string;
  /** Leads the receipt when the process table settles it (a STOPPED pid). */
  headline: string | undefined;
  stopped: boolean;
  step:
    | { kind: 'signal'; signal: EscalationSignal; label: string }
    | { kind: 'remove'; queues: string[]; label: string }
    | undefined;
}

export function adviseNoEffect(proc: WorkerProcess, launched: boolean): NoEffectAdvice {
  const check = checkPid(proc.pid, proc.host);
  const at = `pid ${proc.pid ?? '?'}@${escapeControl(proc.host ?? '?')}`;
  if (check === 'not-running')
    return {
      why: `${at} is not running on this host, yet something listens on its channel`,
      headline: undefined,
      stopped: false,
      step: undefined,
    };
  const stopped = check === 'stopped';
  const headline = stopped ? `${at} is STOPPED (SIGSTOP)` : undefined;
  const why = stopped
    ? 'a stopped process still counts as a listener; the command is buffered and runs when it resumes'
    : 'it may be stopped (SIGSTOP): a stopped process still counts as a listener; the command is buffered until it resumes';
  if (launched) {
    const signal: EscalationSignal = stopped ? 'SIGCONT' : 'SIGTERM';
    return { why, headline, stopped, step: { kind: 'signal', signal, label: signalLabel(signal) } };
  }
  return {
    why,
    headline,
    stopped,
    step: {
      kind: 'remove',
      queues: proc.queues,
      // Not launched here: the console sends no signal to a process it did not start.
      label: 'remove its entry (not launched here: no signals)',
    },
  };
}

export function signalLabel(signal: EscalationSignal): string {
  switch (signal) {
    case 'SIGCONT':
      return 'SIGCONT it';
    case 'SIGTERM':
      return 'SIGTERM it (warm)';
    case 'SIGKILL':
      return 'SIGKILL it + horse';
  }
}

export interface SignalOutcome {
  done: boolean;
  message: string;
  next: EscalationSignal | undefined;
}

/** Whether the signal took: polled by the caller until `done` or its deadline. */
export async function signalEffect(
  redis: Redis,
  worker: string,
  proc: WorkerProcess,
  signal: EscalationSignal,
): Promise<SignalOutcome | undefined> {
  const check: PidCheck = checkPid(proc.pid, proc.host);
  const at = `pid ${proc.pid ?? '?'}`;
  if (signal === 'SIGCONT')
    return check === 'stopped'
      ? undefined
      : { done: true, message: `${at} runs again; the buffered command runs now`, next: undefined };
  if (check === 'not-running')
    return {
      done: true,
      message:
        signal === 'SIGKILL'
          ? `${at} is gone; a job it ran stays in the started registry, flagged ORPHANED`
          : `${at} has exited`,
      next: undefined,
    };
  if (signal === 'SIGTERM') {
    const requested = await redis.hget(keys.worker(worker), 'shutdown_requested_date');
    if (requested)
      return {
        done: true,
        message: `${at} took it: warm shutdown, it exits after its current job`,
        next: undefined,
      };
  }
  return undefined;
}

/** What to say and offer when a signal's effect never showed. */
export function signalNoEffect(
  proc: WorkerProcess,
  signal: EscalationSignal,
  seconds: number,
): { message: string; next: EscalationSignal | undefined } {
  const at = `pid ${proc.pid ?? '?'}`;
  const stopped = checkPid(proc.pid, proc.host) === 'stopped';
  if (signal === 'SIGCONT') return { message: `${at} is still stopped after ${seconds}s`, next: 'SIGKILL' };
  if (signal === 'SIGTERM')
    return {
      message: stopped
        ? `${at} is stopped: SIGTERM waits until it resumes`
        : `${at} still runs after ${seconds}s and has not begun a shutdown`,
      next: 'SIGKILL',
    };
  return {
    message: `${at} still exists after ${seconds}s (a zombie, or another user's process?)`,
    next: undefined,
  };
}
