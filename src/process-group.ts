// Signals a process group: a horse (and a pool member) is spawned `detached`, the leader of
// its own group, so whatever its job started goes with it. Below every room: the worker, the
// pool and the console all kill groups they started.

/**
 * Sends `signal` to the group led by `pid`, or to the process alone when it leads no group
 * (it was not spawned detached, or the group is gone). Never throws: a process that has
 * already exited is the outcome wanted.
 */
export function signalGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
