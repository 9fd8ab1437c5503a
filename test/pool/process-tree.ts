import { readdirSync, readFileSync } from 'node:fs';

// The process table, read from /proc: the "no orphans" checks compare a tree captured while
// the pool ran with what is still alive later. Start times guard against a recycled pid.

export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  startTime: number;
  args: string;
}

function readEntry(pid: number): ProcessEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined; // a zombie has exited; only its parent's wait is missing
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), startTime: Number(fields[19]), args };
  } catch {
    return undefined;
  }
}

export function processTable(): ProcessEntry[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readEntry(Number(name)))
    .filter((entry): entry is ProcessEntry => entry !== undefined);
}

/** The process and every descendant, alive right now. */
export function processTree(rootPid: number): ProcessEntry[] {
  const table = processTable();
  const tree: ProcessEntry[] = [];
  const root = table.find((entry) => entry.pid === rootPid);
  if (!root) return tree;
  const queue = [root];
  while (queue.length > 0) {
    const entry = queue.shift() as ProcessEntry;
    tree.push(entry);
    queue.push(...table.filter((candidate) => candidate.ppid === entry.pid));
  }
  return tree;
}

/** Entries (from an earlier snapshot) that still run: same pid, same start time. */
export function stillAlive(entries: readonly ProcessEntry[]): ProcessEntry[] {
  return entries.filter((entry) => readEntry(entry.pid)?.startTime === entry.startTime);
}

export function describe(entries: readonly ProcessEntry[]): string {
  return entries.map((e) => `${e.pid} (ppid ${e.ppid}, pgid ${e.pgid}) ${e.args}`).join('\n');
}
