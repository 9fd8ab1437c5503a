# The no-op job every Python RQ worker in the bench runs (`bench_tasks.noop`, --path test/bench),
# the twin of bench_tasks.mjs so both workers are timed on the same job.
import time


def noop():
    return None


def sleep(seconds):
    # The job the idle-memory bench keeps running while it measures Python's forked horse.
    time.sleep(seconds)
