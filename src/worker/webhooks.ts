import type { Job } from '../model/job.js';
import { pythonJsonDumps } from '../model/python-text.js';

// RQ 2.10's webhooks (docs/protocol.md §6.12): a job's `webhooks` field lists HTTP requests
// to make once the job has finished, or failed for good. Sent by the worker after the job's
// outcome is written, one after the other; a request that fails or times out is logged and
// changes nothing about the job.

export interface Webhook {
  url: string;
  jobStatus: 'finished' | 'failed';
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Seconds. */
  timeout: number;
}

/** The entries of a `webhooks` field that can be sent; malformed ones are dropped. */
export function parseWebhooks(text: string | undefined): Webhook[] {
  if (!text) return [];
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  const hooks: Webhook[] = [];
  for (const entry of list as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { url, job_status, method, headers, timeout } = entry as Record<string, unknown>;
    if (typeof url !== 'string' || (job_status !== 'finished' && job_status !== 'failed')) continue;
    const headerMap: Record<string, string> = {};
    if (typeof headers === 'object' && headers !== null)
      for (const [name, value] of Object.entries(headers)) headerMap[name] = String(value);
    hooks.push({
      url,
      jobStatus: job_status,
      method: method === 'POST' ? 'POST' : 'GET',
      headers: headerMap,
      timeout: typeof timeout === 'number' && timeout > 0 ? timeout : 10,
    });
  }
  return hooks;
}

/** Python's `datetime.isoformat()` of an aware UTC time: `…T14:22:28.378000+00:00`. */
export function pythonIsoformat(date: Date | undefined): string | null {
  if (!date) return null;
  const iso = date.toISOString(); // 2026-12-02T14:22:28.378Z
  const ms = iso.slice(20, 23);
  // isoformat leaves the fraction out when the microseconds are 0.
  return `${iso.slice(0, 19)}${ms === '000' ? '' : `.${ms}000`}+00:00`;
}

/** The POST body 2.10 sends, keys in its order, written as json.dumps writes it. */
export function webhookBody(job: Job, status: 'finished' | 'failed', excInfo?: string): string {
  const body: Record<string, unknown> = {
    job_id: job.id,
    func_name: job.funcName ?? null,
    status,
    enqueued_at: pythonIsoformat(job.enqueuedAt),
    ended_at: pythonIsoformat(job.endedAt),
  };
  if (status === 'failed') body.exc_info = excInfo ?? null;
  return pythonJsonDumps(body);
}

/** Sends the job's webhooks for `status`; resolves once each was sent or given up. */
export async function sendWebhooks(
  job: Job,
  status: 'finished' | 'failed',
  warn: (message: string) => void,
  excInfo?: string,
): Promise<void> {
  const hooks = parseWebhooks(job.rq2?.webhooks).filter((hook) => hook.jobStatus === status);
  if (hooks.length === 0) return;
  const body = webhookBody(job, status, excInfo);
  for (const hook of hooks) {
    try {
      const response = await fetch(hook.url, {
        method: hook.method,
        headers:
          hook.method === 'POST' ? { 'Content-Type': 'application/json', ...hook.headers } : hook.headers,
        body: hook.method === 'POST' ? body : undefined,
        signal: AbortSignal.timeout(hook.timeout * 1000),
      });
      // The answer's body is not read: release the connection.
      await response.body?.cancel();
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    } catch (error) {
      const reason =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
      warn(`Failed to send webhook to ${hook.url} for job ${job.id}: ${reason}`);
    }
  }
}
