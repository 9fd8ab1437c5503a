// Filtering and sorting, as pure functions over rows and column definitions.

export interface Filter {
  text: string;
  regex: boolean;
}

export const NO_FILTER: Filter = { text: '', regex: false };

export interface CompiledFilter {
  test(haystack: string): boolean;
  /** Set when a regular expression does not compile; the filter then matches everything. */
  error: string | undefined;
}

export function compileFilter(filter: Filter): CompiledFilter {
  if (filter.text === '') return { test: () => true, error: undefined };
  if (filter.regex) {
    try {
      const re = new RegExp(filter.text, 'i');
      return { test: (h) => re.test(h), error: undefined };
    } catch (error) {
      return { test: () => true, error: `bad regular expression: ${(error as Error).message}` };
    }
  }
  const needle = filter.text.toLowerCase();
  return { test: (h) => h.toLowerCase().includes(needle), error: undefined };
}

export function filterRows<Row>(
  rows: readonly Row[],
  haystack: (row: Row) => string,
  filter: Filter,
): { rows: Row[]; error: string | undefined } {
  const compiled = compileFilter(filter);
  if (filter.text === '') return { rows: [...rows], error: undefined };
  return { rows: rows.filter((r) => compiled.test(haystack(r))), error: compiled.error };
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

/** Next sortable column id after (or before) the current one. */
export function cycleSort<Row>(columns: readonly Sortable<Row>[], sort: SortState, step: 1 | -1): SortState {
  const sortable = columns.filter((c) => c.sortValue);
  if (sortable.length === 0) return sort;
  const at = sortable.findIndex((c) => c.id === sort.column);
  const next = sortable[(at + step + sortable.length) % sortable.length] ?? sortable[0];
  return { column: next?.id ?? sort.column, descending: sort.descending };
}
