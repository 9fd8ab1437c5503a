import { describe, expect, it } from 'vitest';
import { formatBytes, WORKER_COLUMNS, workerFlagsText } from '../../src/console/data/columns.js';
import { deriveWorkerRow } from '../../src/console/data/derive.js';
import { planLayout } from '../../src/console/data/layout.js';
import type { CurrentJob, WorkerEntry } from '../../src/console/data/snapshot.js';
import { workerRecordFromHash } from '../../src/model/worker-record.js';
import { formatTimestamp } from '../../src/model/time.js';

// The MEM column and MEM-HIGH flag, from the horse_rss and horse_mem_limit fields an rqts
// worker writes at each busy heartbeat (Python workers write neither).

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const MiB = 1024 * 1024;
const mem = WORKER_COLUMNS.find((c) => c.id === 'mem');

function row(hash: Record<string, string>) {
  const entry: WorkerEntry = {
    name: 'w',
    record: workerRecordFromHash('w', hash),
    listeners: 1,
    pttlMs: 80_000,
  };
  const job: CurrentJob = {
    id: 'j1',
    description: 'tasks.big()',
    status: 'started',
    origin: 'q',
    timeout: 180,
    startedAt: new Date(NOW - 2000),
    exists: true,
  };
  return deriveWorkerRow(entry, new Map([['j1', job]]), NOW, new Set());
}

const busy = {
  state: 'busy',
  current_job: 'j1',
  last_heartbeat: formatTimestamp(new Date(NOW - 1000)),
  queues: 'q',
};
const rqts = { ...busy, python_version: 'rqts 0.1.0', version: '2.0.0' };

describe('horse memory on the workers screen', () => {
  it('shows an rqts horse RSS, and MEM-HIGH at 90% of its limit', () => {
    const ok = row({ ...rqts, horse_rss: String(80 * MiB), horse_mem_limit: String(256 * MiB) });
    expect(mem?.text(ok, NOW)).toBe('80M');
    expect(ok.flags).not.toContain('mem-high');
    const high = row({ ...rqts, horse_rss: String(240 * MiB), horse_mem_limit: String(256 * MiB) });
    expect(mem?.text(high, NOW)).toBe('240M');
    expect(workerFlagsText(high.flags)).toBe('MEM-HIGH');
    expect(mem?.tone?.(high)).toBe('bad');
  });

  it("MEM-HIGH judges the cgroup's usage too: the worker and horse share the limit", () => {
    const shared = row({
      ...rqts,
      horse_rss: String(150 * MiB),
      horse_mem_used: String(240 * MiB),
      horse_mem_limit: String(256 * MiB),
    });
    expect(mem?.text(shared, NOW)).toBe('150M');
    expect(shared.flags).toContain('mem-high');
    const roomy = row({
      ...rqts,
      horse_rss: String(150 * MiB),
      horse_mem_used: String(200 * MiB),
      horse_mem_limit: String(256 * MiB),
    });
    expect(roomy.flags).not.toContain('mem-high');
  });

  it('needs a known limit for MEM-HIGH, and says — for a Python worker', () => {
    const noLimit = row({ ...rqts, horse_rss: String(4000 * MiB) });
    expect(noLimit.flags).toEqual([]);
    expect(mem?.text(row({ ...busy, version: '1.16.2', python_version: '3.11' }), NOW)).toBe('—');
    // An idle worker's horse_rss is its last job's: not shown as current.
    expect(mem?.text(row({ ...rqts, current_job: '', state: 'idle', horse_rss: '999' }), NOW)).toBe('');
  });

  it('gives way to state and flags on 80 columns', () => {
    const r = row({ ...rqts, horse_rss: String(240 * MiB), horse_mem_limit: String(256 * MiB) });
    const cells = [WORKER_COLUMNS.map((c) => c.text(r, NOW))];
    const plan = planLayout(WORKER_COLUMNS, cells, 80);
    const shown = plan.shown.map((i) => WORKER_COLUMNS[i]?.id);
    expect(shown).toEqual(expect.arrayContaining(['name', 'state', 'flags']));
    expect(plan.shown.length).toBeGreaterThan(3);
  });

  it('formats bytes in a few characters', () => {
    expect(formatBytes(512)).toBe('512B');
    expect(formatBytes(1536)).toBe('1.5K');
    expect(formatBytes(87 * MiB)).toBe('87M');
    expect(formatBytes(1.9 * 1024 * MiB)).toBe('1.9G');
  });
});
