import { resolveExport } from '../../model/load-export.js';
import { decompress, looksLikePickle, resolveSerializer } from '../../model/serializer.js';

// The launch dialog's function check, in a process of its own: resolving a job's function
// imports the user's module, and that must neither run user code inside the console nor
// leave a stale copy in its module cache (a fixed file would still look broken). It is the
// worker's own lookup (resolveExport), not a second resolver.
//
// stdin: {"paths": [...], "serializer": "...", "jobs": [{"id": "...", "data": base64|null}]}
// stdout: {"ok": true, "checked": N} or {"ok": false, "id", "func", "reason"} for the first miss.

interface Input {
  paths: string[];
  serializer: string;
  jobs: { id: string; data: string | null }[];
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Input;
  const roots = input.paths.length > 0 ? input.paths : ['.'];
  const say = (answer: object): void => void process.stdout.write(`${JSON.stringify(answer)}\n`);
  let serializer;
  try {
    serializer = await resolveSerializer(input.serializer, roots);
  } catch (error) {
    return say({ ok: false, id: '', func: input.serializer, reason: (error as Error).message });
  }
  const resolved = new Map<string, string | undefined>();
  let checked = 0;
  for (const job of input.jobs) {
    if (job.data === null) continue; // hash gone: the worker drops such ids
    const plain = decompress(Buffer.from(job.data, 'base64'));
    if (looksLikePickle(plain))
      return say({
        ok: false,
        id: job.id,
        func: '(pickled)',
        reason: 'its payload is pickled, which rqts workers cannot read (launch Python RQ workers)',
      });
    let func: unknown;
    try {
      func = (serializer.loads(plain) as unknown[])[0];
    } catch {
      continue; // unreadable under this serializer: its name cannot be checked
    }
    if (typeof func !== 'string') continue;
    if (!resolved.has(func)) {
      try {
        await resolveExport(func, roots);
        resolved.set(func, undefined);
      } catch (error) {
        resolved.set(func, (error as Error).message);
      }
    }
    checked++;
    const reason = resolved.get(func);
    if (reason !== undefined) return say({ ok: false, id: job.id, func, reason });
  }
  say({ ok: true, checked });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stdout.write(`${JSON.stringify({ ok: false, id: '', func: '', reason: String(error) })}\n`);
    process.exit(0);
  },
);
