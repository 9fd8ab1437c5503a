# The job every Python RQ system runs in `npm run faults`, the twin of faults_tasks.mjs: it counts
# its start and its end on the recorder Redis, which the faults never touch.
import time

import redis


def record(recorder_url, cell, job_id, ms):
    recorder = redis.Redis.from_url(recorder_url)
    try:
        recorder.hincrby(cell + ':runs', job_id, 1)
        time.sleep(ms / 1000)
        recorder.hincrby(cell + ':done', job_id, 1)
        return job_id
    finally:
        recorder.close()
