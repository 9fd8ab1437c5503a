// Filtering and sorting, as pure functions over rows and column definitions.

export interface Filter {
  text: string;
  regex: boolean;
}

export const NO_FILTER: Filter = { text: '', regex: false };

/** Qualifiers a filter understands: `queue:emails state:busy flag:stale func:send`. */
export const QUALIFIERS = ['queue', 'state', 'flag', 'func'] as const;
export type Qualifier = (typeof QUALIFIERS)[number];
/** What a row offers the qualifiers (a qualifier the row lacks matches nothing). */
export type RowFields = Partial<Record<Qualifier, readonly string[]>>;

export interface CompiledFilter {
  test(haystack: string, fields?: RowFields): boolean;
  /** Set when a regular expression does not compile; the filter then matches everything. */
  error: string | undefined;
}

const QUALIFIED = new RegExp(`^(${QUALIFIERS.join('|')}):(.*)$`, 'i');

/**
 * Splits `queue:emails state:busy timeout` into qualified terms and the free text, which
 * is a substring (or, with `regex`, a regular expression) over the row's haystack.
 */
export function parseFilter(text: string): { terms: [Qualifier, string][]; free: string } {
  const terms: [Qualifier, string][] = [];
  const free: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const m = QUALIFIED.exec(word);
    if (m?.[1] && m[2] !== undefined) terms.push([m[1].toLowerCase() as Qualifier, m[2].toLowerCase()]);
    else free.push(word);
  }
  return { terms, free: free.join(' ') };
}

export function compileFilter(filter: Filter): CompiledFilter {
  if (filter.text.trim() === '') return { test: () => true, error: undefined };
  const { terms, free } = parseFilter(filter.text);
  const qualified = (fields: RowFields | undefined): boolean =>
    terms.every(([q, value]) => (fields?.[q] ?? []).some((v) => v.toLowerCase().includes(value)));
  if (filter.regex && free !== '') {
    try {
      const re = new RegExp(free, 'i');
      return { test: (h, f) => qualified(f) && re.test(h), error: undefined };
    } catch (error) {
      return { test: () => true, error: `bad regular expression: ${(error as Error).message}` };
    }
  }
  const needle = free.toLowerCase();
  return { test: (h, f) => qualified(f) && h.toLowerCase().includes(needle), error: undefined };
}

export function filterRows<Row>(
  rows: readonly Row[],
  haystack: (row: Row) => string,
  filter: Filter,
  fields?: (row: Row) => RowFields,
): { rows: Row[]; error: string | undefined } {
  const compiled = compileFilter(filter);
  if (filter.text === '') return { rows: [...rows], error: undefined };
  return { rows: rows.filter((r) => compiled.test(haystack(r), fields?.(r))), error: compiled.error };
}

export interface SortState {
  column: string;
  descending: boolean;
}

export interface Sortable<Row> {
  id: string;
  sortValue?: (row: Row) => string | number | undefined;
}

/** Stable sort by one column; undefined values go last either way; ties keep `tieBreak` order. */
export function sortRows<Row>(
  rows: readonly Row[],
  columns: readonly Sortable<Row>[],
  sort: SortState,
  tieBreak: (row: Row) => string,
): Row[] {
  const column = columns.find((c) => c.id === sort.column);
  const value = column?.sortValue;
  const direction = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    if (value) {
      const va = value(a);
      const vb = value(b);
      if (va === undefined && vb !== undefined) return 1;
      if (vb === undefined && va !== undefined) return -1;
      if (va !== undefined && vb !== undefined && va !== vb) {
        const cmp =
          typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
        if (cmp !== 0) return cmp * direction;
      }
    }
    return tieBreak(a).localeCompare(tieBreak(b));
  });
}

/**
 * The sort prompt's keys: each sortable column gets the first letter of its title not taken
 * by an earlier column (NAME n, STATE s, QUEUES q, …), or none when every letter is.
 */
export function sortLetters<Row>(
  columns: readonly (Sortable<Row> & { title: string })[],
): { letter: string; id: string; title: string }[] {
  const taken = new Set<string>();
  const keys: { letter: string; id: string; title: string }[] = [];
  for (const c of columns) {
    if (!c.sortValue) continue;
    const letter = [...c.title.toLowerCase()].find((ch) => /[a-z]/.test(ch) && !taken.has(ch));
    if (!letter) continue;
    taken.add(letter);
    keys.push({ letter, id: c.id, title: c.title });
  }
  return keys;
}

/** Next sortable column id after (or before) the current one. */
export function cycleSort<Row>(columns: readonly Sortable<Row>[], sort: SortState, step: 1 | -1): SortState {
  const sortable = columns.filter((c) => c.sortValue);
  if (sortable.length === 0) return sort;
  const at = sortable.findIndex((c) => c.id === sort.column);
  const next = sortable[(at + step + sortable.length) % sortable.length] ?? sortable[0];
  return { column: next?.id ?? sort.column, descending: sort.descending };
}
