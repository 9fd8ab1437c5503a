# Times Python RQ's producer side for the bench: `python3 python_enqueue.py single|bulk N QUEUE`
# prints {"seconds", "cpuSeconds"} for N jobs, after a short untimed warm-up. REDIS_URL names the server.
import json
import os
import sys
import time

from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

WARM_UP = 50


def enqueue_single(queue, n):
    for _ in range(n):
        queue.enqueue('bench_tasks.noop')


def specs(n):
    return [Queue.prepare_data('bench_tasks.noop') for _ in range(n)]


def clock(work):
    """Wall seconds and this process's CPU seconds spent in work()."""
    cpu_before, started = time.process_time(), time.perf_counter()
    work()
    return {'seconds': time.perf_counter() - started, 'cpuSeconds': time.process_time() - cpu_before}


def main():
    mode, n, queue_name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    queue = Queue(queue_name, connection=Redis.from_url(os.environ['REDIS_URL']), serializer=JSONSerializer)
    if mode == 'single':
        enqueue_single(queue, WARM_UP)
        timed = clock(lambda: enqueue_single(queue, n))
    elif mode == 'bulk':
        queue.enqueue_many(specs(WARM_UP))
        # The job specs are built before the clock starts, as for rqts and BullMQ.
        prepared = specs(n)
        timed = clock(lambda: queue.enqueue_many(prepared))
    else:
        sys.exit(f'unknown mode {mode!r}: use single or bulk')
    print(json.dumps(timed))


if __name__ == '__main__':
    main()
