import { expect, it } from 'vitest';
import { readSnapshot } from '../../src/console/data/snapshot.js';
import { keys } from '../../src/redis/keys.js';
import { describeEachPeer } from '../helpers/peers.js';
import { startPythonWorker } from '../helpers/python-worker.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned, spawnRqts } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { PY_FIXTURES, py } from './worker-interop.js';
import { startConsole } from '../console/harness.js';
import { KEYS } from '../console/render.js';

// What the console's data layer and `rqts info --json` show of a running Python worker of
// each release: its version, and its running job by job id (with the execution for 2.x).

describeEachPeer('a running Python worker seen by the console and rqts info', (peer) => {
  let redis: TestRedis;
  useRedis((started) => (redis = started), killSpawned);

  it('its running job is listed by id with its execution; its version is in the snapshot and --json', async () => {
    await py(redis.url, `queue('seen').enqueue('pytasks.hang', job_id='held-1')\nout(True)`);
    const worker = startPythonWorker(
      redis.url,
      { path: PY_FIXTURES, name: 'pyw', queues: ['seen'] },
      peer.env,
    );
    await waitFor(
      async () => (await redis.client.hget(keys.job('held-1'), 'status')) === 'started',
      30_000,
      `worker running held-1; output:\n${worker.output()}`,
    );

    const snap = await readSnapshot(redis.client, {
      jobPage: { queue: 'seen', kind: 'started', offset: 0, limit: 10 },
      detailJobId: 'held-1',
    });
    const row = snap.jobPage?.jobs[0];
    expect(row).toMatchObject({ id: 'held-1', missing: false, status: 'started', workerName: 'pyw' });
    if (peer.major >= 2) {
      expect(row?.executionId).toMatch(/^[0-9a-f]+$/);
      expect(Date.now() - (row?.executionHeartbeat?.getTime() ?? 0)).toBeLessThan(60_000);
    } else {
      expect(row?.executionId).toBeUndefined();
    }
    expect(snap.detail?.job?.id).toBe('held-1');
    const record = snap.workers.find((w) => w.name === 'pyw')?.record;
    expect(record).toMatchObject({ software: `RQ ${peer.version}`, rqMajor: peer.major });

    const info = spawnRqts(['info', '--url', redis.url, '--json']);
    expect(await info.exited).toBe(0);
    const doc = JSON.parse(info.output()) as { workers: { name: string; software: string }[] };
    expect(doc.workers.find((w) => w.name === 'pyw')?.software).toBe(`RQ ${peer.version}`);

    // On screen: the version column and the fleet's protocol in the header; on Jobs → started,
    // a 2.x job's execution with its own heartbeat age.
    const ui = startConsole(redis.url, { columns: 200 });
    try {
      const shown = peer.version.replace(/\.0$/, '');
      const frame = await ui.r.waitForFrame(
        (f) => /pyw\s.*busy/.test(f) && f.includes(`RQ ${shown}`),
        20_000,
      );
      expect(frame).toContain(`RQ ${peer.major}.x fleet`);
      await ui.r.press('2');
      await ui.r.waitForFrame(/seen/);
      await ui.r.press(KEYS.enter, KEYS.right); // queued -> started
      const started = await ui.r.waitForFrame((f) => f.includes('held-1'), 20_000);
      const row = started.split('\n').find((l) => l.includes('held-1')) ?? '';
      if (peer.major >= 2) expect(row).toMatch(/[0-9a-f]{8} ♥[\d.]+s/);
      else expect(row).not.toContain('♥');
      expect(row).not.toContain('gone');

      // Its detail finds it in the started registry, under its execution for 2.x.
      await ui.r.press(':', ...'held-1', KEYS.enter);
      const detail = await ui.r.waitForFrame(/listed in\s+started registry of seen/, 10_000);
      if (peer.major >= 2)
        expect(detail).toMatch(/listed in\s+started registry of seen \(execution [0-9a-f]+\)/);
      if (peer.major < 2) return;
      // 2.x only: a job's repeats and its group, in its detail.
      await py(
        redis.url,
        [
          'from rq import Repeat',
          'from rq.group import Group',
          "queue('seen').enqueue('pytasks.hang', job_id='rep-1', repeat=Repeat(times=2, interval=30))",
          "Group.create(conn, name='g1').enqueue_many(queue('seen'), [Queue.prepare_data('pytasks.hang', job_id='grp-1')])",
          'out(True)',
        ].join('\n'),
      );
      await ui.r.press(':', ...'rep-1', KEYS.enter);
      await ui.r.waitForFrame(/repeats left\s+2, intervals 30 s/, 10_000);
      await ui.r.press(':', ...'grp-1', KEYS.enter);
      await ui.r.waitForFrame(/group\s+g1/, 10_000);
    } finally {
      await ui.close();
    }
  });
});
