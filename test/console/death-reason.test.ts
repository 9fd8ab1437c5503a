import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deathReasonOf, horseDeathOf } from '../../src/console/data/death.js';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned, spawnRqts } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { startConsole } from './harness.js';
import { KEYS } from './render.js';

// Job detail leads with why the horse died, read from the failure text rqts writes.

describe('the death reason in job detail', () => {
  it('reads the reason rqts appends after RQ text', () => {
    expect(
      deathReasonOf(
        'Work-horse terminated unexpectedly; waitpid returned 9 (signal 9); SIGKILL from outside (peak RSS 80 MiB, no memory limit)',
      ),
    ).toBe('SIGKILL from outside (peak RSS 80 MiB, no memory limit)');
    expect(
      deathReasonOf(
        'Work-horse terminated unexpectedly; waitpid returned 9 (signal 9); killed by the OOM killer (SIGKILL) (peak RSS 255 MiB, memory limit 256 MiB)',
      ),
    ).toMatch(/^killed by the OOM killer/);
    expect(
      deathReasonOf('Work-horse terminated unexpectedly; waitpid returned 256; crashed with exit code 1'),
    ).toBe('crashed with exit code 1');
  });

  it('says nothing for Python RQ text or other failures', () => {
    expect(
      deathReasonOf('Work-horse terminated unexpectedly; waitpid returned 9 (signal 9); '),
    ).toBeUndefined();
    expect(deathReasonOf('Traceback (most recent call last):\nValueError: boom')).toBeUndefined();
    expect(deathReasonOf(undefined)).toBeUndefined();
  });

  it("the timeline tells any horse death, Python RQ's with what it says", () => {
    expect(horseDeathOf('Work-horse terminated unexpectedly; waitpid returned 9 (signal 9); ')).toBe(
      'waitpid returned 9 (signal 9) (Python RQ gives no reason)',
    );
    expect(horseDeathOf('Traceback (most recent call last):\nValueError: boom')).toBeUndefined();
  });
});

describe('the death reason on screen', () => {
  let redis: TestRedis;
  useRedis((r) => (redis = r), killSpawned);

  it('job detail of a job whose horse exited leads with "horse died"', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rqts-death-'));
    writeFileSync(path.join(dir, 'tasks.js'), 'export async function die() { process.exit(3); }\n');
    spawnRqts(['worker', 'dies', '--url', redis.url, '--path', dir, '--name', 'die-w']);
    const job = await new Queue('dies', redis.client).enqueue('tasks.die', []);
    await waitFor(
      async () => (await redis.client.zscore(keys.registry('failed', 'dies'), job.id)) !== null,
      20_000,
      'the job failed',
    );
    const c = startConsole(redis.url, { intervalMs: 250, columns: 200 });
    try {
      await c.r.press('2');
      await c.r.waitForFrame(/dies/);
      await c.r.press(KEYS.enter, KEYS.right, KEYS.right); // queued -> started -> failed
      await c.r.waitForFrame((f) => f.includes(job.id.slice(0, 8)));
      await c.r.press(KEYS.enter);
      const frame = await c.r.waitForFrame(/horse died/);
      const lines = frame.split('\n');
      const at = lines.findIndex((l) => l.includes('horse died'));
      expect(lines[at]).toMatch(/horse died\s+crashed with exit code 3/);
      expect(at).toBeLessThan(lines.findIndex((l) => l.includes('listed in')));
    } finally {
      await c.close();
    }
  });

  it('the event timeline says whose horse died, running which job, and why', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rqts-death-'));
    const go = path.join(dir, 'go');
    writeFileSync(
      path.join(dir, 'tasks.js'),
      [
        "import { existsSync } from 'node:fs';",
        // Runs until the test says go, so the console has seen it busy first.
        'export async function dieWhenTold(go) {',
        '  while (!existsSync(go)) await new Promise((r) => setTimeout(r, 50));',
        '  process.exit(3);',
        '}',
        '',
      ].join('\n'),
    );
    const c = startConsole(redis.url, { intervalMs: 250, columns: 200 });
    try {
      spawnRqts(['worker', 'dies2', '--url', redis.url, '--path', dir, '--name', 'die-w2']);
      const job = await new Queue('dies2', redis.client).enqueue('tasks.dieWhenTold', [go]);
      await c.r.waitForFrame((f) => /die-w2\s.*busy/.test(f), 20_000);
      writeFileSync(go, '');
      await c.r.press('5');
      const frame = await c.r.waitForFrame(/horse of die-w2 died/, 20_000);
      expect(frame).toContain(`horse of die-w2 died running job ${job.id}: crashed with exit code 3`);
    } finally {
      await c.close();
    }
  });
});
