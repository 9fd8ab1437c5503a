// The job every rqts system runs in `npm run faults`: it counts its own start and its own end on
// the recorder, a redis-server the faults never touch, so a run is counted even when the worker's
// Redis loses it. A connection per call: an open client would keep a SimpleWorker's process alive.
import { Redis } from 'ioredis';

export async function record(recorderUrl, cell, jobId, ms) {
  const recorder = new Redis(recorderUrl, { maxRetriesPerRequest: null });
  recorder.on('error', () => undefined);
  try {
    await recorder.hincrby(`${cell}:runs`, jobId, 1);
    await new Promise((resolve) => setTimeout(resolve, ms));
    await recorder.hincrby(`${cell}:done`, jobId, 1);
    return jobId;
  } finally {
    recorder.disconnect();
  }
}
