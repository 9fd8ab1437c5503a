# The no-op job every Python RQ worker in the bench runs (`bench_tasks.noop`, --path test/bench),
# the twin of bench_tasks.mjs so both workers are timed on the same job.


def noop():
    return None
