// Python-compatible text forms: json.dumps with its default separators and
// ensure_ascii (what RQ's JSONSerializer writes), and repr() for call strings.

export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return asciiJsonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const maybeJson = value as { toJSON?: () => unknown };
    if (typeof maybeJson.toJSON === 'function') return pythonJsonDumps(maybeJson.toJSON());
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== 'function');
    return `{${entries.map(([k, v]) => `${asciiJsonString(k)}: ${pythonJsonDumps(v)}`).join(', ')}}`;
  }
  throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
}

function asciiJsonString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${reprString(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

const REPR_LIMIT = 75;

function cut(text: string, limit: number | undefined): string {
  return limit !== undefined && text.length > limit ? `${text.slice(0, limit)}...` : text;
}

/** RQ's get_call_string: `func(arg, k=v)`, kwargs sorted, each repr cut to 75 chars unless `full`. */
export function callString(funcName: string, args: readonly unknown[], kwargs: Record<string, unknown>, full = false): string {
  const limit = full ? undefined : REPR_LIMIT;
  const parts = args.map((a) => cut(pythonRepr(a), limit));
  for (const key of Object.keys(kwargs).sort()) parts.push(`${key}=${cut(pythonRepr(kwargs[key]), limit)}`);
  return `${funcName}(${parts.join(', ')})`;
}
