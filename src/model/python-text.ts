// Python-compatible text forms: json.dumps with its default separators and
// ensure_ascii (what RQ's JSONSerializer writes), and repr() for call strings.
// JavaScript has one number type: integral numbers are written as Python ints,
// the others as Python floats (repr's shortest round-trip digits, exponent below 1e-4).

/** Python's repr(float) for a finite non-integral number, or str(int) for an integral one. */
export function pythonNumber(value: number): string {
  if (Number.isInteger(value)) {
    // String(1e21) is "1e+21", which Python would read back as a float.
    return Math.abs(value) >= 1e21 ? BigInt(value).toString() : String(value === 0 ? 0 : value);
  }
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  // Python switches to scientific notation when the decimal point sits 4+ places left.
  if (exponent < -4) return `${mantissa}e-${String(-exponent).padStart(2, '0')}`;
  return String(value);
}

export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return asciiJsonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return pythonNumber(value);
  }
  if (typeof value === 'bigint') return value.toString();
  // Loops rather than map/join: this runs for every job enqueued.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ', ') + pythonJsonDumps(value[i]);
    return `${out}]`;
  }
  if (value instanceof Map) {
    // A Map keeps insertion order for integer-like keys, which a plain object cannot.
    return `{${[...value].map(([k, v]) => `${asciiJsonString(String(k))}: ${pythonJsonDumps(v)}`).join(', ')}}`;
  }
  if (typeof value === 'object') {
    const maybeJson = value as { toJSON?: () => unknown };
    if (typeof maybeJson.toJSON === 'function') return pythonJsonDumps(maybeJson.toJSON());
    const record = value as Record<string, unknown>;
    let out = '{';
    for (const key in record) {
      const v = record[key];
      if (!Object.hasOwn(record, key) || v === undefined || typeof v === 'function') continue;
      out += `${out.length === 1 ? '' : ', '}${asciiJsonString(key)}: ${pythonJsonDumps(v)}`;
    }
    return `${out}}`;
  }
  throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
}

function asciiJsonString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

/**
 * json.loads: standard JSON plus the NaN/Infinity/-Infinity literals Python's json.dumps
 * writes for non-finite floats (JSON.parse rejects them).
 */
export function pythonJsonLoads(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!/NaN|Infinity/.test(text)) throw error;
  }
  const marker = `\u0000${Math.random().toString(36).slice(2)}:`;
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    const literal = ['-Infinity', 'Infinity', 'NaN'].find((word) => text.startsWith(word, i));
    if (literal) {
      out += JSON.stringify(marker + literal);
      i += literal.length - 1;
    } else {
      out += ch;
    }
  }
  return JSON.parse(out, (_key, v: unknown) =>
    typeof v === 'string' && v.startsWith(marker) ? NON_FINITE[v.slice(marker.length)] : v,
  );
}

export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return pythonNumber(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (value instanceof Map)
    return `{${[...value].map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${reprString(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  }
  return `${value as string}`; // only primitives are left here
}

// str.isprintable() is false for these categories (the ASCII space excepted).
const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

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
    else if (ch !== ' ' && NOT_PRINTABLE.test(ch)) out += escapeCodePoint(code);
    else out += ch;
  }
  return out + quote;
}

function escapeCodePoint(code: number): string {
  const hex = code.toString(16);
  if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

const REPR_LIMIT = 75;

function isEmpty(record: Record<string, unknown>): boolean {
  for (const _ in record) return false;
  return true;
}

/** Python slices and measures by code points, not UTF-16 units. */
function cut(text: string, limit: number | undefined): string {
  if (limit === undefined || text.length <= limit) return text;
  const points = Array.from(text);
  return points.length > limit ? `${points.slice(0, limit).join('')}...` : text;
}

function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a, (ch) => ch.codePointAt(0) ?? 0);
  const right = Array.from(b, (ch) => ch.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return (left[i] ?? 0) - (right[i] ?? 0);
  }
  return left.length - right.length;
}

/**
 * RQ's get_call_string: `func(arg, k=v)`, each repr cut to 75 chars unless `full`. RQ sorts
 * the rendered `k=v` texts, not the keys, so `a1=…` comes before `a=…`.
 */
export function callString(
  funcName: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown>,
  full = false,
): string {
  if (args.length === 0 && isEmpty(kwargs)) return `${funcName}()`;
  const limit = full ? undefined : REPR_LIMIT;
  const parts = args.map((a) => cut(pythonRepr(a), limit));
  const rendered = Object.keys(kwargs).map((key) => `${key}=${cut(pythonRepr(kwargs[key]), limit)}`);
  parts.push(...rendered.sort(compareCodePoints));
  return `${funcName}(${parts.join(', ')})`;
}
