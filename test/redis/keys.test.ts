import { describe, expect, it } from 'vitest';
import {
  jobIdFromKey,
  keys,
  queueNameFromKey,
  REGISTRY_KINDS,
  workerNameFromKey,
} from '../../src/redis/keys.js';
import { pythonRqAvailable, runPython } from '../helpers/python.js';

// What keys.ts produces for sample names, next to what Python RQ itself computes.
function ours(): Record<string, string> {
  return {
    allQueues: keys.allQueues,
    allWorkers: keys.allWorkers,
    suspended: keys.suspended,
    queue: keys.queue('q_1'),
    job: keys.job('j:1'),
    jobDependents: keys.jobDependents('j:1'),
    jobDependencies: keys.jobDependencies('j:1'),
    results: keys.results('j:1'),
    worker: keys.worker('w1'),
    workersOfQueue: keys.workersOfQueue('q_1'),
    workerChannel: keys.workerChannel('w1'),
    schedulerLock: keys.schedulerLock('q_1'),
    ...Object.fromEntries(REGISTRY_KINDS.map((kind) => [`registry.${kind}`, keys.registry(kind, 'q_1')])),
  };
}

describe('key names', () => {
  it('match RQ 1.16 (docs/protocol.md §1)', () => {
    expect(ours()).toEqual({
      allQueues: 'rq:queues',
      allWorkers: 'rq:workers',
      suspended: 'rq:suspended',
      queue: 'rq:queue:q_1',
      job: 'rq:job:j:1',
      jobDependents: 'rq:job:j:1:dependents',
      jobDependencies: 'rq:job::j:1:dependencies',
      results: 'rq:results:j:1',
      worker: 'rq:worker:w1',
      workersOfQueue: 'rq:workers:q_1',
      workerChannel: 'rq:pubsub:w1',
      schedulerLock: 'rq:scheduler-lock:q_1',
      'registry.started': 'rq:wip:q_1',
      'registry.finished': 'rq:finished:q_1',
      'registry.failed': 'rq:failed:q_1',
      'registry.deferred': 'rq:deferred:q_1',
      'registry.scheduled': 'rq:scheduled:q_1',
      'registry.canceled': 'rq:canceled:q_1',
    });
    expect(keys.intermediate('q')).toBe('rq:queue:q:intermediate');
    expect(keys.intermediateFirstSeen('q', 'j')).toBe('rq:queue:q:intermediate:first_seen:j');
    expect(keys.cleanRegistriesLock('q')).toBe('rq:clean_registries:q');
  });

  it('name extraction inverts the builders and refuses foreign keys', () => {
    expect(queueNameFromKey(keys.queue('a:b'))).toBe('a:b');
    expect(workerNameFromKey(keys.worker('w'))).toBe('w');
    expect(jobIdFromKey(keys.job('x:y'))).toBe('x:y');
    expect(() => workerNameFromKey('rq:workers')).toThrow(/not a worker key/);
    expect(() => queueNameFromKey('rq:job:x')).toThrow(/not a queue key/);
  });

  it.skipIf(!pythonRqAvailable())('equal the keys Python RQ computes', async () => {
    const py = await runPython(`
import json
from redis import Redis
from rq import Queue, Worker
from rq.job import Job
from rq.results import Result
from rq.scheduler import RQScheduler
from rq.suspension import WORKERS_SUSPENDED
from rq.worker_registration import REDIS_WORKER_KEYS, WORKERS_BY_QUEUE_KEY
from rq.registry import StartedJobRegistry, FinishedJobRegistry, FailedJobRegistry, DeferredJobRegistry, ScheduledJobRegistry, CanceledJobRegistry
from rq.command import PUBSUB_CHANNEL_TEMPLATE
r = Redis(port=1)  # never contacted: keys are computed locally
job = Job(id='j:1', connection=r)
regs = {'started': StartedJobRegistry, 'finished': FinishedJobRegistry, 'failed': FailedJobRegistry,
        'deferred': DeferredJobRegistry, 'scheduled': ScheduledJobRegistry, 'canceled': CanceledJobRegistry}
out = {'allQueues': Queue.redis_queues_keys, 'allWorkers': REDIS_WORKER_KEYS, 'suspended': WORKERS_SUSPENDED,
  'queue': Queue('q_1', connection=r).key, 'job': Job.key_for('j:1').decode(), 'jobDependents': Job.dependents_key_for('j:1'),
  'jobDependencies': job.dependencies_key, 'results': Result.get_key('j:1'),
  'worker': Worker.redis_worker_namespace_prefix + 'w1', 'workersOfQueue': WORKERS_BY_QUEUE_KEY % 'q_1',
  'workerChannel': PUBSUB_CHANNEL_TEMPLATE % 'w1', 'schedulerLock': RQScheduler.get_locking_key('q_1')}
for kind, cls in regs.items():
    out['registry.' + kind] = cls('q_1', connection=r).key
print(json.dumps(out))
`);
    expect(py.code, py.stderr).toBe(0);
    expect(ours()).toEqual(JSON.parse(py.stdout));
  });
});
