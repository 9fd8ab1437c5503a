import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { decompress } from '../../src/model/serializer.js';
import { FIXTURES, killSpawned, spawnRqts, type RqtsProcess } from '../helpers/rqts-process.js';
import { MASTER_NAME, startSentinelGroup, type SentinelGroup } from '../helpers/sentinel-group.js';
import { waitFor } from '../helpers/wait.js';
import { startConsole } from '../console/harness.js';
import { rqts } from '../cli/run.js';

// A Sentinel failover in the middle of a 1,000-job drain: one primary, one replica, three
// Sentinels, and the primary SIGKILLed once a third of the jobs have run. Each job's run
// is logged outside Redis, so afterwards every job can be accounted for on the new primary.

const JOBS = 1000;
const QUEUE = 'fo';
const TASKS = path.join(FIXTURES, 'production');

interface Accounting {
  jobs: number;
  finishedOnce: number;
  failedWithReason: number;
  ranTwice: number;
  neverRanButFinished: number;
  lost: number;
  unfinished: number;
  reasons: Record<string, number>;
}

async function account(client: Redis, ids: readonly string[], runsFile: string): Promise<Accounting> {
  const runs = new Map<string, number>();
  for (const line of readFileSync(runsFile, 'utf8').split('\n')) {
    const id = line.split(' ')[0];
    if (id) runs.set(id, (runs.get(id) ?? 0) + 1);
  }
  const result: Accounting = {
    jobs: ids.length,
    finishedOnce: 0,
    failedWithReason: 0,
    ranTwice: 0,
    neverRanButFinished: 0,
    lost: 0,
    unfinished: 0,
    reasons: {},
  };
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.hmgetBuffer(keys.job(id), 'status', 'exc_info');
  const replies = (await pipeline.exec()) ?? [];
  ids.forEach((id, i) => {
    const [statusBytes, excBytes] = (replies[i]?.[1] as (Buffer | null)[] | undefined) ?? [];
    const status = statusBytes?.toString('utf8');
    // RQ stores exc_info zlib-compressed.
    const excInfo = excBytes && excBytes.length > 0 ? decompress(excBytes).toString('utf8') : undefined;
    const ran = runs.get(id) ?? 0;
    if (ran > 1) result.ranTwice++;
    if (status === null || status === undefined) result.lost++;
    else if (status === 'finished') {
      if (ran === 0) result.neverRanButFinished++;
      else if (ran === 1) result.finishedOnce++;
    } else if (status === 'failed' && excInfo) {
      result.failedWithReason++;
      const reason = excInfo.trim().split('\n').pop() ?? excInfo;
      result.reasons[reason] = (result.reasons[reason] ?? 0) + 1;
    } else {
      result.unfinished++;
      // Which state it was left in is what a defect report needs.
      const key = `unfinished: ${status}${excInfo ? '' : ' (no exc_info)'}, ran ${ran}x`;
      result.reasons[key] = (result.reasons[key] ?? 0) + 1;
    }
  });
  return result;
}

const CASES = [
  {
    title: 'one rqts worker',
    args: ['worker', QUEUE, '--name', 'fo-w1'],
    prefix: 'rq:worker:fo-w1',
    members: 1,
    cutReplication: false,
  },
  {
    title: 'a pool of 3',
    args: ['worker-pool', QUEUE, '-n', '3', '--name', 'fo-pool'],
    prefix: 'rq:worker:fo-pool-',
    members: 3,
    cutReplication: false,
  },
  // What a SIGKILL leaves only by chance, made certain: the replica is cut off (frozen, its
  // link killed) while 30 more jobs run, so the new primary lacks their ends. Jobs it still
  // has queued run again (RQ's at-least-once); jobs it has started are abandoned, and failed
  // with a reason by the clean-up once their heartbeat TTL is out (about 70 s: a slow case).
  {
    title: 'a pool of 3, its last writes unreplicated',
    args: ['worker-pool', QUEUE, '-n', '3', '--name', 'fo-pool'],
    prefix: 'rq:worker:fo-pool-',
    members: 3,
    cutReplication: true,
  },
];

describe.each(CASES)(
  'Sentinel failover during a 1,000-job drain by $title',
  ({ title, args, prefix, members, cutReplication }) => {
    let group: SentinelGroup;
    let dir: string;
    let frozen: number | undefined;
    beforeAll(async () => {
      group = await startSentinelGroup();
      dir = mkdtempSync(path.join(tmpdir(), 'rqts-failover-'));
    }, 60_000);
    afterAll(async () => {
      if (frozen !== undefined) process.kill(frozen, 'SIGCONT'); // a test that failed mid-cut
      killSpawned();
      await group?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('SIGKILL of the primary mid-drain: every job accounted for, the workers follow to the new primary', async () => {
      const runsFile = path.join(dir, 'runs.log');
      writeFileSync(runsFile, '');
      const queue = new Queue(QUEUE, group.primary.client);
      const ids: string[] = [];
      for (let done = 0; done < JOBS; done += 250) {
        const specs = Array.from({ length: 250 }, (_, i) => ({
          funcName: 'failover_tasks.record',
          args: [done + i],
          timeout: 10,
        }));
        for (const job of await queue.enqueueMany(specs)) ids.push(job.id);
      }
      // The jobs themselves must reach the replica: that part is the producer's to ensure (WAIT).
      expect(await group.primary.client.call('WAIT', '1', '5000')).toBe(1);
      const sentinelUrl = `redis+sentinel://${group.sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',')}/${MASTER_NAME}/0`;
      const ui = members === 1 ? startConsole(sentinelUrl, { readOnly: true }) : undefined;
      const worker: RqtsProcess = spawnRqts(
        [...args, ...group.sentinelFlags, '--sentinel-master', MASTER_NAME, '--path', TASKS],
        { FAILOVER_RUNS: runsFile },
      );
      const registered = async (client: Redis): Promise<number> =>
        (await client.smembers('rq:workers')).filter((k) => k.startsWith(prefix)).length;
      await waitFor(async () => (await registered(group.primary.client)) === members, 30_000, 'the workers');
      await ui?.r.waitForFrame(`, primary 127.0.0.1:${group.primary.port}`, 15_000);
      const ranCount = (): number => readFileSync(runsFile, 'utf8').split('\n').length - 1;
      await waitFor(
        () => ranCount() >= JOBS / 3,
        60_000,
        `a third of the jobs to run; output:\n${worker.output()}`,
      );
      if (cutReplication) {
        frozen = Number(/process_id:(\d+)/.exec(await group.replica.client.info('server'))?.[1]);
        process.kill(frozen, 'SIGSTOP');
        await group.primary.client.call('CLIENT', 'KILL', 'TYPE', 'replica');
        const cut = ranCount();
        await waitFor(() => ranCount() >= cut + 30, 30_000, '30 runs past the cut');
      }
      const ranAtKill = ranCount();
      const killedAt = Date.now();
      await group.primary.stopServer();
      if (frozen !== undefined) process.kill(frozen, 'SIGCONT');
      frozen = undefined;
      const newPrimary = `127.0.0.1:${group.replica.port}`;
      await waitFor(
        async () => (await group.primaryAddress()) === newPrimary,
        30_000,
        'the Sentinels to promote the replica',
      );
      const failoverMs = Date.now() - killedAt;
      const replica = group.replica.client;
      // The workers re-register on the new primary without a restart (the same processes).
      await waitFor(
        async () => (await registered(replica)) === members,
        30_000,
        'the workers on the new primary',
      );
      await waitFor(
        async () => (await replica.llen(`rq:queue:${QUEUE}`)) === 0 && ranCount() >= JOBS,
        90_000,
        `the drain to finish on the new primary; output:\n${worker.output().slice(-3000)}`,
      );
      const resumedMs = Date.now() - killedAt;
      // A job whose start reached the new primary but whose end did not (acknowledged by the
      // old primary, never replicated) is in the started registry, rq:wip:<q>, with nobody
      // running it. It stays there until its heartbeat TTL runs out (timeout + 60 s after it
      // was taken, protocol.md §2.3); then the abandoned-job clean-up (run by rqts info, as by
      // RQ's maintenance) fails it. So the wait is that TTL's, read from the entries' scores.
      const started = keys.registry('started', QUEUE);
      const lastExpiry = Number((await replica.zrange(started, -1, -1, 'WITHSCORES'))[1] ?? 0) * 1000;
      await waitFor(
        async () => {
          await spawnRqts(['info', '--url', group.replica.url, '--only-queues']).exited;
          return (await replica.zcard(started)) === 0;
        },
        Math.max(0, lastExpiry - Date.now()) + 30_000,
        `the started registry to empty (${await replica.zcard(started)} abandoned)`,
        1000,
      );
      await ui?.r.waitForFrame(`, primary ${newPrimary}`, 15_000);
      if (ui) {
        // The failover is in the event timeline, with both addresses.
        await ui.r.press('5');
        await ui.r.waitForFrame(
          `Sentinel failover: primary is now ${newPrimary} (was 127.0.0.1:${group.primary.port})`,
          10_000,
        );
      }
      await ui?.close();
      const result = {
        ...(await account(replica, ids, runsFile)),
        ranAtKill,
        failoverMs,
        drainDoneAfterKillMs: resumedMs,
      };
      console.log(`failover accounting (${title}): ${JSON.stringify(result)}`);
      writeFileSync(path.join(tmpdir(), `rqts-failover-${members}.json`), JSON.stringify(result, null, 2));
      expect(worker.child.exitCode).toBeNull();
      expect(result.lost).toBe(0);
      expect(result.unfinished).toBe(0);
      expect(result.neverRanButFinished).toBe(0);
      expect(result.finishedOnce + result.failedWithReason + result.ranTwice).toBeGreaterThanOrEqual(JOBS);
      expect(result.finishedOnce + result.failedWithReason).toBe(JOBS - result.ranTwice);
      if (cutReplication) {
        // The cut left work to account for: re-runs, and abandoned jobs failed with their reason.
        expect(result.ranTwice).toBeGreaterThan(0);
        expect(result.failedWithReason).toBeGreaterThan(0);
        expect(Object.keys(result.reasons).every((r) => /abandoned/i.test(r))).toBe(true);
      }
      worker.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    }, 240_000);
  },
);

// Redis replicates asynchronously: a write the primary acknowledged but had not yet sent
// to the replica dies with the primary. Measured here with the replica frozen (SIGSTOP)
// while a producer writes 20 MB of (incompressible) jobs, then the primary SIGKILLed; WAIT is what tells a
// producer its write is not yet on a replica, and its cost is measured on a healthy pair.
describe('writes the old primary acknowledged but did not replicate', () => {
  let group: SentinelGroup;
  beforeAll(async () => {
    group = await startSentinelGroup();
  }, 60_000);
  afterAll(async () => {
    await group?.stop();
  });

  it("reaches the primary through RQ's SENTINEL settings, and names a wrong master in one line", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rqts-sentinel-settings-'));
    try {
      const instances = group.sentinelPorts.map((port) => `['127.0.0.1', ${port}]`).join(', ');
      writeFileSync(
        path.join(dir, 'sentinel_settings.js'),
        `export const SENTINEL = { INSTANCES: [${instances}], MASTER_NAME: '${MASTER_NAME}', SOCKET_TIMEOUT: 2, DB: 0 };\n`,
      );
      const run = await rqts(
        ['enqueue', '-c', 'sentinel_settings', '-P', dir, '--queue', 'viasettings', 'tasks.add', ':1', ':2'],
        { cwd: dir },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(await group.primary.client.llen('rq:queue:viasettings')).toBe(1);
      const wrong = await rqts(['info', ...group.sentinelFlags, '--sentinel-master', 'nosuch']);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(wrong.stderr).toMatch(
        /^No primary from the Sentinels of redis\+sentinel:\/\/.*\/nosuch\/0 \(.*\)\. Check --sentinel host:port/,
      );
      await group.primary.client.del('rq:queue:viasettings');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are lost in a failover, and WAIT says so beforehand (measured)', async () => {
    const queue = new Queue('acked', group.primary.client);
    const time = async (n: number, wait: boolean): Promise<number> => {
      const started = performance.now();
      for (let i = 0; i < n; i++) {
        await queue.enqueue('failover_tasks.record', [i]);
        if (wait) await group.primary.client.call('WAIT', '1', '1000');
      }
      return (performance.now() - started) / n;
    };
    const plainMs = await time(300, false);
    const waitedMs = await time(300, true);
    await group.primary.client.del('rq:queue:acked');

    const replicaPid = Number(/process_id:(\d+)/.exec(await group.replica.client.info('server'))?.[1]);
    process.kill(replicaPid, 'SIGSTOP');
    const acked: string[] = [];
    try {
      for (let done = 0; done < 1000; done += 100) {
        const specs = Array.from({ length: 100 }, (_, i) => ({
          funcName: 'failover_tasks.record',
          args: [done + i, randomBytes(15_000).toString('base64')],
        }));
        for (const job of await queue.enqueueMany(specs)) acked.push(job.id);
      }
      const replicated = Number(await group.primary.client.call('WAIT', '1', '200'));
      const info = await group.primary.client.info('replication');
      const lagBytes =
        Number(/master_repl_offset:(\d+)/.exec(info)?.[1]) -
        Number(/slave0:.*offset=(\d+)/.exec(info)?.[1] ?? 0);
      await group.primary.stopServer();
      process.kill(replicaPid, 'SIGCONT');
      await waitFor(
        async () => (await group.primaryAddress()) === `127.0.0.1:${group.replica.port}`,
        30_000,
        'the Sentinels to promote the replica',
      );
      const pipeline = group.replica.client.pipeline();
      for (const id of acked) pipeline.exists(`rq:job:${id}`);
      const present = ((await pipeline.exec()) ?? []).filter(([, v]) => v === 1).length;
      const result = {
        acknowledged: acked.length,
        waitReplicasBeforeKill: replicated,
        replicationLagBytesAtKill: lagBytes,
        onNewPrimary: present,
        lost: acked.length - present,
        enqueueMs: Number(plainMs.toFixed(3)),
        enqueuePlusWaitMs: Number(waitedMs.toFixed(3)),
      };
      console.log(`acknowledged-but-unreplicated writes: ${JSON.stringify(result)}`);
      writeFileSync(path.join(tmpdir(), 'rqts-failover-lost-writes.json'), JSON.stringify(result, null, 2));
      expect(replicated).toBe(0);
      expect(result.lost).toBeGreaterThan(0);
      expect(present + result.lost).toBe(acked.length);
    } finally {
      try {
        process.kill(replicaPid, 'SIGCONT');
      } catch {
        // already running or gone
      }
    }
  }, 120_000);
});
