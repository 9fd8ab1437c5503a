import { displayWidth } from '../text.js';

// Pretty-prints a job's arguments, result or meta the way Python's pprint does: a value
// that fits in the width stays on one line, a longer one opens its brackets, one item a
// line, indented by two. It reads JSON (what rqts decodes) and Python literals (a result
// or an argument stored as its repr, `{'a': [1, None]}`) alike, by brackets, commas and
// quotes only; text it cannot balance is left as it is.

interface Group {
  open: string;
  close: string;
  items: Part[][];
  /** Ends with a comma (`(1,)`: a tuple of one, which the comma makes). */
  trailing: boolean;
}
type Part = string | Group;

const CLOSERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

/** Brackets, commas and quoted strings of `text`, or undefined when they do not balance. */
function parse(text: string): Part[] | undefined {
  let i = 0;
  const readItems = (close: string | undefined): { items: Part[][]; trailing: boolean } | undefined => {
    const items: Part[][] = [];
    let afterComma = false;
    let parts: Part[] = [];
    let buffer = '';
    const flush = (): void => {
      if (buffer !== '') parts.push(buffer);
      buffer = '';
    };
    const endItem = (): void => {
      flush();
      const trimmed = trimItem(parts);
      if (trimmed.length > 0) items.push(trimmed);
      parts = [];
    };
    const empty = (): boolean => parts.length === 0 && buffer.trim() === '';
    while (i < text.length) {
      const c = text[i] ?? '';
      if (c === '"' || c === "'") {
        const end = closingQuote(text, i);
        if (end < 0) return undefined;
        buffer += text.slice(i, end + 1);
        i = end + 1;
      } else if (c in CLOSERS) {
        flush();
        i++;
        const inner = readItems(CLOSERS[c]);
        if (!inner) return undefined;
        parts.push({ open: c, close: CLOSERS[c] ?? '', ...inner });
        afterComma = false;
      } else if (c === '}' || c === ']' || c === ')') {
        if (c !== close) return undefined;
        i++;
        const trailing = afterComma && empty();
        endItem();
        return { items, trailing };
      } else if (c === ',' && close !== undefined) {
        i++;
        endItem();
        afterComma = true;
      } else if (c === ':' && text[i + 1] !== ' ') {
        // JSON's compact `"a":1` reads as pprint's `'a': 1`.
        buffer += ': ';
        i++;
      } else {
        buffer += c;
        i++;
      }
    }
    if (close !== undefined) return undefined;
    endItem();
    return { items, trailing: false };
  };
  const top = readItems(undefined);
  return top && top.items.length === 1 ? top.items[0] : undefined;
}

function closingQuote(text: string, from: number): number {
  const quote = text[from];
  for (let j = from + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === quote) return j;
  }
  return -1;
}

/** An item without the whitespace around it (`, ` separators, newlines in a repr). */
function trimItem(parts: Part[]): Part[] {
  const out = [...parts];
  const first = out[0];
  if (typeof first === 'string') {
    const t = first.trimStart();
    if (t === '') out.shift();
    else out[0] = t;
  }
  const last = out[out.length - 1];
  if (typeof last === 'string') {
    const t = last.trimEnd();
    if (t === '') out.pop();
    else out[out.length - 1] = t;
  }
  return out;
}

const flatPart = (p: Part): string =>
  typeof p === 'string'
    ? p
    : `${p.open}${p.items.map(flatItem).join(', ')}${p.trailing ? ',' : ''}${p.close}`;
const flatItem = (parts: Part[]): string => parts.map(flatPart).join('');

/** An item's lines at this indent: on one line when it fits, else its last group opened. */
function itemLines(parts: Part[], indent: string, width: number, suffix: string): string[] {
  const flat = `${indent}${flatItem(parts)}${suffix}`;
  const last = parts[parts.length - 1];
  if (displayWidth(flat) <= width || last === undefined || typeof last === 'string') return [flat];
  const head = `${indent}${parts.slice(0, -1).map(flatPart).join('')}${last.open}`;
  const inner = `${indent}  `;
  const body = last.items.flatMap((item, n) =>
    itemLines(item, inner, width, n < last.items.length - 1 || last.trailing ? ',' : ''),
  );
  return body.length === 0 ? [flat] : [head, ...body, `${indent}${last.close}${suffix}`];
}

/** A value as pprint-like lines within `width` (JSON for values, a repr string as written). */
export function prettyLines(value: unknown, width: number): string[] {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  const parts = /^\s*[[{(]/.test(text) ? parse(text.trim()) : undefined;
  if (!parts) return text.split('\n');
  return itemLines(parts, '', width, '');
}

/** The value on one line, items separated by ", " (a field's value when it fits). */
export function flatValue(value: unknown): string {
  const lines = prettyLines(value, Number.POSITIVE_INFINITY);
  return lines.join(' ');
}
