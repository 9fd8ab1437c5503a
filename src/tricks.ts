// The performance tricks that can be switched off, one name each, so that `npm run bench`
// keeps measuring what every one of them still saves. A supported debug switch, not a test
// hook: RQTS_TRICKS_OFF=stored-zlib,parse-memo (or `all`) in the environment of any rqts
// process, read once when this module loads; child processes (horses, pool members) inherit
// it. docs/performance.md says what each trick saves, how it was measured and how to remove it.

export const TRICKS = [
  /** Small job payloads written as one stored zlib block, and read back without zlib. */
  'stored-zlib',
  /** zlib's inflate output in 1 KiB chunks instead of its default 16 KiB. */
  'small-inflate-chunk',
  /** The last few validated timestamp seconds kept, so a worker's four parses per job mostly hit. */
  'parse-memo',
  /** Hot EVALSHA calls sent as RESP bytes built by rqts instead of through ioredis's script path. */
  'prebuilt-command',
  /** A worker's info and debug lines held up to 25 ms and written together. */
  'batched-log',
  /** A log line's %(asctime)s formatted once per second. */
  'log-asctime-cache',
  /** The running job kept in a plain slot, AsyncLocalStorage only when two jobs overlap. */
  'current-job-slot',
  /** The console's text widths: string-width's length-is-width path for box, arrow and block characters too. */
  'narrow-width',
] as const;

export type Trick = (typeof TRICKS)[number];

const ENV = 'RQTS_TRICKS_OFF';

/** The tricks a RQTS_TRICKS_OFF value names, and the names it has that are no trick. */
export function parseTricksOff(value: string | undefined): { off: Set<Trick>; unknown: string[] } {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.includes('all')) return { off: new Set(TRICKS), unknown: [] };
  const known = new Set<string>(TRICKS);
  return {
    off: new Set(names.filter((name): name is Trick => known.has(name))),
    unknown: names.filter((name) => !known.has(name)),
  };
}

const parsed = parseTricksOff(process.env[ENV]);
if (parsed.unknown.length > 0) {
  // One line, once per process; a typo must not silently measure the tricks as on.
  process.stderr.write(
    `rqts: ${ENV} names no trick ${parsed.unknown.join(', ')}; known: ${TRICKS.join(', ')}, all\n`,
  );
}

/** Whether a trick is in use in this process (modules read it once, at load). */
export function trickOn(trick: Trick): boolean {
  return !parsed.off.has(trick);
}
