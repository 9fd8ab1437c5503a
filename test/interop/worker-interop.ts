import path from 'node:path';
import { FIXTURES, spawnRqts, type RqtsProcess } from '../helpers/rqts-process.js';
import { PYTHON, runProcess, runPython } from '../helpers/python.js';

// Shared by the worker-*.test.ts interop files: one way to ask Python RQ 1.13 a question
// and get a JSON answer, and the --path roots both kinds of worker load job functions from.

/** Python job functions (pytasks.py, record.py) for `rq worker --path`. */
export const PY_FIXTURES = path.join(FIXTURES, 'py');
/** JS job functions owned by the interop tests (record.js, latch.js). */
export const INTEROP_FIXTURES = path.join(FIXTURES, 'interop');

// Every snippet runs after this prelude: a connection, the JSON serializer, and `describe(w)`,
// which reads a worker the way rq info and rq-dashboard do (Worker.refresh()).
const PRELUDE = `
import os, json, sys
from redis import Redis
from rq import Queue, Worker
from rq.job import Job
from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry
from rq.serializers import JSONSerializer
conn = Redis.from_url(os.environ['REDIS_URL'])
def queue(name):
    return Queue(name, connection=conn, serializer=JSONSerializer)
def fetch(job_id):
    return Job.fetch(job_id, connection=conn, serializer=JSONSerializer)
def describe(w):
    return {'name': w.name, 'state': w.state, 'queues': w.queue_names(), 'current_job_id': w.get_current_job_id(),
            'successful': w.successful_job_count, 'failed': w.failed_job_count,
            'total_working_time': w.total_working_time, 'pid': w.pid, 'hostname': w.hostname,
            'has_birth': w.birth_date is not None, 'has_heartbeat': w.last_heartbeat is not None}
def out(value):
    print(json.dumps(value, default=str))
`;

/** Runs a Python snippet against the test's Redis; returns what its last `out(...)` printed. */
export async function py<T>(redisUrl: string, body: string, env: Record<string, string> = {}): Promise<T> {
  const run = await runPython(PRELUDE + body, { REDIS_URL: redisUrl, ...env });
  if (run.code !== 0) throw new Error(`python exited ${run.code}:\n${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null') as T;
}

export interface PyWorkerView {
  name: string;
  state: string;
  queues: string[];
  current_job_id: string | null;
  successful: number;
  failed: number;
  total_working_time: number;
  pid: number;
  hostname: string;
  has_birth: boolean;
  has_heartbeat: boolean;
}

/** `python3 -m rq.cli info --url …` output (RQ 1.13's text). */
export async function rqInfo(redisUrl: string): Promise<string> {
  const info = await runProcess(PYTHON, ['-m', 'rq.cli', 'info', '--url', redisUrl]);
  if (info.code !== 0) throw new Error(`rq info exited ${info.code}:\n${info.stderr}`);
  return info.stdout;
}

/** Starts the built rqts CLI worker (run `npx tsc -p tsconfig.build.json` first). */
export function startRqtsWorker(
  redisUrl: string,
  args: string[],
  env: Record<string, string> = {},
): RqtsProcess {
  return spawnRqts(['worker', '--url', redisUrl, ...args], env);
}

/**
 * Starts an rqts worker named `name` on `queues` with both --path roots (test/fixtures and
 * the interop fixtures, recording into this Redis); resolves once it listens for work.
 */
export async function startListeningRqtsWorker(
  redisUrl: string,
  name: string,
  queues: string[],
): Promise<RqtsProcess> {
  const worker = startRqtsWorker(
    redisUrl,
    ['--path', FIXTURES, '--path', INTEROP_FIXTURES, '--name', name, ...queues],
    { FIXTURE_REDIS_URL: redisUrl },
  );
  await worker.waitForOutput(`*** Listening for work on ${queues.join(', ')}`, 30_000);
  return worker;
}

/** The exc_string RQ records when a horse is SIGKILLed (kill-horse), docs/protocol.md §6.7. */
export const HORSE_KILLED = 'Work-horse terminated unexpectedly; waitpid returned 9 (signal 9); ';
/** What an rqts worker records for the same death: RQ's text first, then what it saw. */
export const RQTS_HORSE_KILLED =
  /^Work-horse terminated unexpectedly; waitpid returned 9 \(signal 9\); killed by a kill-horse command \(peak RSS /;
/** The exc_string RQ records for stop-job. */
export const STOPPED = 'Job stopped by user, work-horse terminated.';

export interface PyJobView {
  status: string;
  exc: string | null;
  in_failed: boolean;
  return_value: unknown;
}

/** A snippet that reads one job as Python sees it (status, latest result, failed registry). */
export const viewJob = (id: string): string => `
job = fetch('${id}')
latest = job.latest_result()
out({'status': job.get_status(), 'exc': latest.exc_string if latest else None,
     'in_failed': job.id in FailedJobRegistry(queue=queue(job.origin)), 'return_value': job.return_value()})
`;

export const viewWorkers = `out([describe(w) for w in Worker.all(connection=conn)])`;
