"""Sample tasks for `rqts console --demo`, for Python RQ workers:

    rq worker -S rq.serializers.JSONSerializer --path examples/demo default

Same names as examples/demo/tasks.js, so both kinds of worker can share the demo queues.
"""
import time


def quick(n=1):
    return int(n) * 2


def slow(seconds=3):
    time.sleep(float(seconds))
    return "slept %ss" % seconds


def failing(reason="demo failure"):
    raise RuntimeError(str(reason))


def hang():
    while True:
        time.sleep(60)
