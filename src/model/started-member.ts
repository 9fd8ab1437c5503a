import type { Redis } from 'ioredis';

// Members of the started registry (rq:wip:<q>) come in two forms: RQ 1.x (and rqts speaking
// 1.x) write the job id, RQ 2.x writes `job_id:execution_id` (docs/protocol.md §9). Every reader
// of rq:wip goes through here, so a 2.x member is never mistaken for a job id that has no hash.

export interface StartedMember {
  /** The member exactly as stored: what ZREM / ZADD XX must name. */
  member: string;
  jobId: string;
  /** Set for a 2.x member: the id of its `rq:execution:<job_id>:<execution_id>` record. */
  executionId?: string;
}

/** Splits at the first `:`, as RQ 2.x reads its own members; a plain id stays whole. */
export function parseStartedMember(member: string): StartedMember {
  const colon = member.indexOf(':');
  if (colon < 0) return { member, jobId: member };
  return { member, jobId: member.slice(0, colon), executionId: member.slice(colon + 1) };
}

/**
 * The same member read as an RQ 1.x job id that contains a colon (1.x accepted any id). A
 * reader that finds no hash for the split id falls back to this one.
 */
export function legacyReading(parsed: StartedMember): StartedMember | undefined {
  return parsed.executionId === undefined ? undefined : { member: parsed.member, jobId: parsed.member };
}

/** The member a worker writes: composite when it has an execution (speaking 2.x). */
export function startedMember(jobId: string, executionId?: string): string {
  return executionId === undefined ? jobId : `${jobId}:${executionId}`;
}

/** Distinct job ids of some members, in their order. */
export function startedJobIds(members: readonly string[]): string[] {
  return [...new Set(members.map((member) => parseStartedMember(member).jobId))];
}

const GLOB_SPECIAL = /[*?[\]\\]/g;

/** Every member of a started registry that stands for `jobId`: its plain id and its executions. */
export async function startedMembersOf(
  connection: Redis,
  registryKey: string,
  jobId: string,
): Promise<string[]> {
  const found: string[] = [];
  if ((await connection.zscore(registryKey, jobId)) !== null) found.push(jobId);
  const pattern = `${jobId.replace(GLOB_SPECIAL, '\\$&')}:*`;
  let cursor = '0';
  do {
    const [next, flat] = await connection.zscan(registryKey, cursor, 'MATCH', pattern, 'COUNT', 1000);
    for (let i = 0; i < flat.length; i += 2) found.push(flat[i]!);
    cursor = next;
  } while (cursor !== '0');
  return found;
}
