import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendKillHorseCommand, sendStopJobCommand } from '../../src/model/commands.js';
import { FIXTURES, killSpawned, ROOT } from '../helpers/rqts-process.js';
import { pythonRqAvailable, runPython } from '../helpers/python.js';
import { startPythonWorker } from '../helpers/python-worker.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { startRqtsWorker } from './worker-interop.js';
import { peersDir } from '../helpers/peers.js';

// The same jobs, with on_success / on_failure / on_stopped callbacks, enqueued by Python and
// run side by side: one queue drained by a Python RQ worker running cbtasks.py, one by an
// rqts worker running cbtasks.js (same dotted names). Each job must end the same way on both
// (status, registries, retries, result entries, exc_info's exception line) and each callback
// must run as often on rqts as on Python.

const CB_DIR = path.join(FIXTURES, 'callbacks');
// Found as every interop test finds it (test/helpers/peers.ts); a missing folder fails the
// version check below, loudly.
const PEERS_DIR = peersDir() ?? path.resolve(ROOT, '../shared/peers');

interface Peer {
  label: string;
  pythonPath: string | undefined;
  /** RQ 1.15+: Callback objects with timeouts, and on_stopped. */
  callbackTimeouts: boolean;
}

const PEERS: Peer[] = [
  { label: '1.13', pythonPath: undefined, callbackTimeouts: false },
  { label: '1.16.2', pythonPath: path.join(PEERS_DIR, 'rq-1.16.2'), callbackTimeouts: true },
  { label: '2.10', pythonPath: path.join(PEERS_DIR, 'rq-2.10.0'), callbackTimeouts: true },
];

type CallbackRef = [name: string, timeout?: number];

interface Case {
  id: string;
  func: string;
  args?: unknown[];
  timeout?: number;
  retry?: number;
  success?: CallbackRef;
  failure?: CallbackRef;
  stopped?: CallbackRef;
  /** A command sent while the job runs. */
  control?: 'stop' | 'kill';
  needsTimeouts?: boolean;
  /** Goes to a second, lower-priority queue, so it runs after every retry of the others. */
  last?: boolean;
}

const CASES: Case[] = [
  { id: 'ok_success', func: 'ok', success: ['on_success'], failure: ['on_failure'] },
  { id: 'ok_success_raise', func: 'ok', success: ['on_success_raise'], failure: ['on_failure'] },
  {
    id: 'ok_success_slow',
    func: 'ok',
    success: ['on_success_slow', 1],
    failure: ['on_failure'],
    needsTimeouts: true,
  },
  { id: 'boom_failure', func: 'boom', success: ['on_success'], failure: ['on_failure'] },
  { id: 'boom_failure_raise', func: 'boom', failure: ['on_failure_raise'] },
  { id: 'boom_failure_slow', func: 'boom', failure: ['on_failure_slow', 1], needsTimeouts: true },
  { id: 'boom_retry', func: 'boom', failure: ['on_failure'], retry: 1 },
  { id: 'ok_success_raise_retry', func: 'ok', success: ['on_success_raise'], retry: 1 },
  {
    id: 'job_timeout',
    func: 'slow',
    args: [5],
    timeout: 1,
    success: ['on_success'],
    failure: ['on_failure'],
  },
  {
    id: 'killed',
    func: 'slow',
    args: [30],
    success: ['on_success'],
    failure: ['on_failure'],
    control: 'kill',
  },
  {
    id: 'stopped',
    func: 'slow',
    args: [30],
    failure: ['on_failure'],
    stopped: ['on_stopped'],
    control: 'stop',
    needsTimeouts: true,
  },
];

/** Last: a Python worker quits on it (see below). */
const STOPPED_RAISE: Case = {
  last: true,
  id: 'stopped_raise',
  func: 'slow',
  args: [30],
  stopped: ['on_stopped_raise'],
  control: 'stop',
  needsTimeouts: true,
};

const ENQUEUE = `
import os, json
from redis import Redis
from rq import Queue, Retry
from rq.serializers import JSONSerializer
import cbtasks
try:
    from rq import Callback
except ImportError:
    Callback = None
conn = Redis.from_url(os.environ['REDIS_URL'])
def callback(name, timeout=None):
    # RQ 1.13 takes the function itself and stores its dotted name.
    if Callback is None:
        return getattr(cbtasks, name)
    return Callback('cbtasks.' + name, timeout=timeout) if timeout else Callback('cbtasks.' + name)
for queue_name, prefix in json.loads(os.environ['TARGETS']):
    for case in json.loads(os.environ['CASES']):
        q = Queue(queue_name + ('_last' if case.get('last') else ''), connection=conn, serializer=JSONSerializer)
        options = {}
        for kind in ('success', 'failure', 'stopped'):
            if case.get(kind):
                options['on_' + kind] = callback(*case[kind])
        if case.get('retry'):
            options['retry'] = Retry(max=case['retry'])
        if case.get('timeout'):
            options['job_timeout'] = case['timeout']
        q.enqueue('cbtasks.' + case['func'], *case.get('args', []), job_id=prefix + case['id'], **options)
import rq
print(rq.__version__)
`;

// Registries read by member prefix, so RQ 2.x's job_id:execution_id members count too.
const VIEW = `
import os, json
from redis import Redis
from rq.job import Job
from rq.serializers import JSONSerializer
conn = Redis.from_url(os.environ['REDIS_URL'])
def ids_in(key):
    return [m.decode().split(':', 1)[0] for m in conn.zrange(key, 0, -1)]
views = {}
for job_id in json.loads(os.environ['IDS']):
    job = Job.fetch(job_id, connection=conn, serializer=JSONSerializer)
    latest = job.latest_result()
    views[job_id] = {
        'status': job.get_status(),
        'registries': [r for r in ('wip', 'finished', 'failed', 'scheduled', 'deferred', 'canceled')
                       if job_id in ids_in('rq:%s:%s' % (r, job.origin))],
        'queued': job_id.encode() in conn.lrange('rq:queue:' + job.origin, 0, -1),
        'retries_left': job.retries_left,
        'result_type': latest.type.name if latest else None,
        'results': len(job.results()),
        'exc': latest.exc_string if latest else None,
    }
print(json.dumps(views))
`;

interface View {
  status: string;
  registries: string[];
  queued: boolean;
  retries_left: number | null;
  result_type: string | null;
  results: number;
  exc: string | null;
}

function pyEnv(peer: Peer, redis: TestRedis, extra: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: redis.url,
    FIXTURE_REDIS_URL: redis.url,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONPATH: [peer.pythonPath, CB_DIR].filter(Boolean).join(':'),
    ...extra,
  };
}

/** The exception line of a traceback: Python's last line, a JS stack's first; module paths cut. */
function exceptionLine(exc: string | null, side: 'py' | 'ts'): string | null {
  if (!exc) return null;
  const lines = exc
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const line = (side === 'py' ? lines[lines.length - 1] : lines[0]) ?? '';
  // rqts keeps RQ's horse-death text and then says why the horse died: compare RQ's part.
  const rqPart = /^(Work-horse terminated unexpectedly; waitpid returned [^;]*;)/.exec(line);
  if (rqPart) return rqPart[1]!;
  return line.replace(/^(?:[a-z_][\w]*\.)+(?=[A-Z])/, '');
}

function comparable(view: View, side: 'py' | 'ts'): Omit<View, 'exc'> & { exc: string | null } {
  return { ...view, exc: exceptionLine(view.exc, side) };
}

/** Sends each case's command once that side's worker runs the job. */
async function control(redis: TestRedis, cases: Case[], prefix: string): Promise<void> {
  for (const c of cases) {
    if (!c.control) continue;
    const id = prefix + c.id;
    const worker = await waitFor(
      async () => {
        if ((await redis.client.hget(`rq:job:${id}`, 'status')) !== 'started') return undefined;
        return (await redis.client.hget(`rq:job:${id}`, 'worker_name')) || undefined;
      },
      60_000,
      `${id} started`,
    );
    // Let the horse settle into the job (Python's horse reports started before it runs it).
    await waitFor(
      async () => (await redis.client.hget(`rq:worker:${worker}`, 'current_job')) === id,
      10_000,
      `${worker} on ${id}`,
    );
    if (c.control === 'stop') await sendStopJobCommand(redis.client, id);
    else await sendKillHorseCommand(redis.client, worker);
  }
}

describe.skipIf(!pythonRqAvailable())('callbacks: Python worker and rqts worker side by side', () => {
  let redis!: TestRedis;
  useRedis((r) => (redis = r), killSpawned);

  for (const peer of PEERS) {
    it(`RQ ${peer.label}: every job ends alike and every callback runs as often`, async () => {
      const tag = peer.label.replace(/\./g, '_');
      const cases = [...CASES, STOPPED_RAISE].filter((c) => peer.callbackTimeouts || !c.needsTimeouts);
      const pyQueue = `cb_py_${tag}`;
      const tsQueue = `cb_ts_${tag}`;
      const pyPrefix = `py_${tag}_`;
      const tsPrefix = `ts_${tag}_`;
      const enqueued = await runPython(
        ENQUEUE,
        pyEnv(peer, redis, {
          TARGETS: JSON.stringify([
            [pyQueue, pyPrefix],
            [tsQueue, tsPrefix],
          ]),
          CASES: JSON.stringify(cases),
        }),
      );
      expect(enqueued.code, enqueued.stderr).toBe(0);
      // The peer really is the one named (a missing peers folder would silently mean 1.13).
      expect(enqueued.stdout.trim()).toMatch(new RegExp(`^${peer.label.replace(/\./g, '\\.')}`));

      const python = startPythonWorker(
        redis.url,
        { path: CB_DIR, burst: true, queues: [pyQueue, `${pyQueue}_last`] },
        pyEnv(peer, redis),
      );
      const rqts = startRqtsWorker(redis.url, ['--burst', '--path', CB_DIR, tsQueue, `${tsQueue}_last`], {
        FIXTURE_REDIS_URL: redis.url,
      });
      await Promise.all([control(redis, cases, pyPrefix), control(redis, cases, tsPrefix)]);
      expect(await rqts.exited, rqts.output()).toBe(0);
      await python.exited;

      const viewRun = await runPython(
        VIEW,
        pyEnv(peer, redis, {
          IDS: JSON.stringify(cases.flatMap((c) => [pyPrefix + c.id, tsPrefix + c.id])),
        }),
      );
      expect(viewRun.code, viewRun.stderr).toBe(0);
      const views = JSON.parse(viewRun.stdout) as Record<string, View>;
      const calls = await redis.client.lrange('cb:calls', 0, -1);
      const callsOf = (id: string): string[] =>
        calls
          .filter((call) => call.endsWith(`:${id}`))
          .map((call) => call.split(':')[0]!)
          .sort();

      for (const c of cases) {
        const py = views[pyPrefix + c.id]!;
        const ts = views[tsPrefix + c.id]!;
        if (c === STOPPED_RAISE) continue;
        expect(comparable(ts, 'ts'), `${c.id} on rqts vs RQ ${peer.label}`).toEqual(comparable(py, 'py'));
        expect(callsOf(tsPrefix + c.id), `${c.id} callbacks`).toEqual(callsOf(pyPrefix + c.id));
      }
      // Sanity: the cases really exercise what they name (so equal cannot mean equally broken).
      const ts = (id: string): View => views[tsPrefix + id]!;
      expect(ts('ok_success')).toMatchObject({ status: 'finished', result_type: 'SUCCESSFUL' });
      expect(exceptionLine(ts('ok_success_raise').exc, 'ts')).toBe('RuntimeError: success callback boom');
      expect(callsOf(tsPrefix + 'ok_success_raise')).toEqual(['failure', 'success']);
      expect(exceptionLine(ts('boom_failure_raise').exc, 'ts')).toBe('RuntimeError: failure callback boom');
      expect(callsOf(tsPrefix + 'boom_retry')).toEqual(['failure', 'failure']);
      expect(callsOf(tsPrefix + 'job_timeout')).toEqual(['failure']);
      expect(callsOf(tsPrefix + 'killed')).toEqual([]);

      if (cases.includes(STOPPED_RAISE)) {
        // The one deliberate difference: a Python worker lets the stopped callback's error
        // escape its loop and quits, leaving the job started for the abandoned-job clean-up;
        // rqts logs the error and ends the job stopped, as after any stop-job.
        const py = views[pyPrefix + STOPPED_RAISE.id]!;
        const ts = views[tsPrefix + STOPPED_RAISE.id]!;
        expect(py).toMatchObject({ status: 'started', registries: ['wip'] });
        expect(python.output()).toContain('stopped callback boom');
        expect(ts).toMatchObject({ status: 'stopped', registries: ['failed'], result_type: 'FAILED' });
        expect(rqts.output()).toContain('error while executing stopped callback cbtasks.on_stopped_raise');
        expect(callsOf(tsPrefix + STOPPED_RAISE.id)).toEqual(['stopped']);
      }
    }, 180_000);
  }
});
