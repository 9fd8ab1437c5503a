// Text from Redis (names, descriptions, tracebacks) is hostile until escaped: a job
// description holding "\x1b[2J" must not clear a terminal, in the console or in a worker's
// log, and a CR or LF in it must not forge a line of its own.

// C0 controls, DEL, C1 controls, and the bidi overrides that can reorder what is shown.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/** One-line safe text: every control character is shown as a visible escape. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const named = NAMED[ch];
    if (named) return named;
    const code = ch.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Multi-line safe text (tracebacks, log output): keeps line breaks, escapes the rest. */
export function escapeLines(text: string): string[] {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => escapeControl(line.replace(/\t/g, '    ')));
}

// Everything unsafe but the line feed: a log message may span lines (a traceback).
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_LOG = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** A log message made safe: line breaks kept, every other control character escaped. */
export function escapeLog(text: string): string {
  return UNSAFE_IN_LOG.test(text) ? escapeLines(text).join('\n') : text;
}
