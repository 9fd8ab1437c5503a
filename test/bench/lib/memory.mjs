import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { childPids } from './processes.mjs';

// Memory of a process tree (a worker and its horse, BullMQ and its sandbox child), read from
// /proc at one instant. Three figures, because each answers a different question:
//  - PSS (smaps_rollup `Pss`, summed): every page divided among all the processes that map it.
//    Shared pages are counted once across the tree, but a page the tree shares with processes
//    outside it (the node or python binary, run by others on the machine) is divided among
//    those too, so PSS drops a little when the machine runs more of the same program.
//  - distinct pages: the physical frames the tree maps, each counted once (from
//    /proc/<pid>/pagemap, which needs root for the frame numbers). Independent of what else
//    runs; `undefined` where the kernel hides frame numbers.
//  - RSS (VmRSS, summed): the old figure, shared pages counted once per process.

const PAGE = 4096;

/** The process and all its descendants. */
export function treePids(pid) {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) pids.push(...childPids(pids[i]));
  return pids;
}

function rollupKib(pid, field) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  } catch {
    return 0; // gone
  }
}

function rssKib(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Frame numbers of the resident pages of one process, added to `frames`; false if the kernel
 * reports no frame numbers (not root) so the figure cannot be formed.
 */
function addFrames(pid, frames) {
  let smaps;
  let fd;
  try {
    smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
    fd = openSync(`/proc/${pid}/pagemap`, 'r');
  } catch {
    return true; // gone: nothing to add
  }
  try {
    let sawPresent = false;
    let sawFrame = false;
    let range;
    for (const line of smaps.split('\n')) {
      const header = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
      if (header) {
        range = [parseInt(header[1], 16) / PAGE, parseInt(header[2], 16) / PAGE];
        continue;
      }
      // Only mappings with resident pages are read: V8 reserves gigabytes it never touches.
      const rss = /^Rss:\s+(\d+) kB/.exec(line);
      if (!rss || !range || Number(rss[1]) === 0) continue;
      const [first, end] = range;
      const buffer = Buffer.alloc((end - first) * 8);
      const read = readSync(fd, buffer, 0, buffer.length, first * 8);
      for (let offset = 0; offset + 8 <= read; offset += 8) {
        const high = buffer.readUInt32LE(offset + 4);
        if (high >>> 31 === 0) continue; // not present
        sawPresent = true;
        const frame = (high & 0x7fffff) * 2 ** 32 + buffer.readUInt32LE(offset);
        if (frame !== 0) sawFrame = true;
        frames.add(frame);
      }
    }
    return sawFrame || !sawPresent;
  } finally {
    closeSync(fd);
  }
}

/** The tree's memory now: { processes, pssBytes, distinctBytes (or undefined), rssBytes }. */
export function treeMemory(pid) {
  const pids = treePids(pid);
  const frames = new Set();
  let framesKnown = true;
  for (const p of pids) framesKnown = addFrames(p, frames) && framesKnown;
  const kib = (read) => pids.reduce((sum, p) => sum + read(p), 0) * 1024;
  return {
    processes: pids.length,
    pssBytes: kib((p) => rollupKib(p, 'Pss')),
    distinctBytes: framesKnown ? frames.size * PAGE : undefined,
    rssBytes: kib(rssKib),
  };
}
