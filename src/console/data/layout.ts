import { displayWidth } from '../text.js';

// How a table's columns share the terminal's width. Widths follow what is on screen (a
// column of "idle"/"busy" does not keep nine columns), columns give way by priority when
// the terminal is narrow (the state and the flags never go), and the wide mode shows every
// column at its full width with the columns after the pinned ones scrolled sideways.

export interface LayoutColumn {
  id: string;
  title: string;
  /** Narrowest useful width (a column whose content is narrower takes less). */
  width: number;
  /** Widest it grows to fit its content; unlimited when absent. */
  max?: number;
  /** Takes a share of the width left once every column fits its content. */
  flex?: number;
  /** 1: always shown; larger numbers give way first on a narrow terminal. */
  priority: number;
  /** Stays on screen while the wide mode scrolls sideways. */
  pin?: boolean;
  /** Hidden when no row on screen has a value (POOL on a fleet without pools). */
  hideEmpty?: boolean;
}

export interface LayoutPlan {
  /** Indices into the column list, in display order. */
  shown: number[];
  /** Width of each shown column (same order as `shown`). */
  widths: number[];
  /** Columns left out for want of room (not counting empty ones). */
  hidden: number;
  /** Wide mode: unpinned columns scrolled past on the left, and whether more follow on the right. */
  scrolledPast: number;
  moreRight: boolean;
}

export interface LayoutOptions {
  wide?: boolean;
  /** Wide mode: how many unpinned columns to scroll past. */
  scroll?: number;
  /** The sorted column's title carries an arrow: one more cell. */
  sorted?: string;
}

/** The width a column's content wants: its title and its widest cell on screen, within its max. */
export function naturalWidths(
  columns: readonly LayoutColumn[],
  cells: readonly (readonly string[])[],
  sorted?: string,
): number[] {
  return columns.map((c, i) => {
    const title = displayWidth(c.title) + (c.id === sorted ? 1 : 0);
    let w = title;
    for (const row of cells) w = Math.max(w, displayWidth(row[i] ?? ''));
    return c.max === undefined ? w : Math.min(c.max, Math.max(title, w));
  });
}

export function planLayout(
  columns: readonly LayoutColumn[],
  cells: readonly (readonly string[])[],
  total: number,
  options: LayoutOptions = {},
): LayoutPlan {
  const natural = naturalWidths(columns, cells, options.sorted);
  const present = columns
    .map((c, i) => i)
    .filter((i) => {
      const c = columns[i];
      return !c?.hideEmpty || cells.some((row) => (row[i] ?? '').trim() !== '');
    });
  if (options.wide) return planWide(columns, natural, present, total, options.scroll ?? 0);

  const min = (i: number): number => Math.min(columns[i]?.width ?? 0, natural[i] ?? 0);
  // A fixed column earns its place only at its full width (a cut "14s/3m…" helps nobody);
  // a flex column (names, descriptions) at its minimum, cut at the end that matters least.
  const need = (i: number): number => (columns[i]?.flex ? min(i) : (natural[i] ?? 0));
  const byPriority = [...present].sort(
    (a, b) => (columns[a]?.priority ?? 9) - (columns[b]?.priority ?? 9) || a - b,
  );
  const chosen = new Set<number>();
  let used = 0;
  for (const i of byPriority) {
    const cost = need(i) + (chosen.size > 0 ? 1 : 0);
    const essential = (columns[i]?.priority ?? 9) <= 1;
    if (!essential && used + cost > total) break;
    chosen.add(i);
    used += cost;
  }
  const shown = present.filter((i) => chosen.has(i));
  const width = new Map(shown.map((i) => [i, need(i)]));
  let spare = total - used;
  // Then the flex columns grow to their content, the most important first, and share
  // what is left, so rows fill the screen exactly.
  for (const i of byPriority) {
    if (!chosen.has(i) || spare <= 0) continue;
    const grow = Math.min(spare, (natural[i] ?? 0) - (width.get(i) ?? 0));
    if (grow > 0) {
      width.set(i, (width.get(i) ?? 0) + grow);
      spare -= grow;
    }
  }
  const flexible = shown.filter((i) => columns[i]?.flex);
  const shares = flexible.reduce((n, i) => n + (columns[i]?.flex ?? 0), 0);
  if (spare > 0 && shares > 0) {
    let given = 0;
    for (const i of flexible) {
      const extra = Math.floor((spare * (columns[i]?.flex ?? 0)) / shares);
      width.set(i, (width.get(i) ?? 0) + extra);
      given += extra;
    }
    const first = flexible[0];
    if (first !== undefined) width.set(first, (width.get(first) ?? 0) + spare - given);
  }
  return {
    shown,
    widths: shown.map((i) => width.get(i) ?? 0),
    hidden: present.length - shown.length,
    scrolledPast: 0,
    moreRight: false,
  };
}

function planWide(
  columns: readonly LayoutColumn[],
  natural: readonly number[],
  present: readonly number[],
  total: number,
  scroll: number,
): LayoutPlan {
  const pinned = present.filter((i) => columns[i]?.pin);
  const rest = present.filter((i) => !columns[i]?.pin);
  const skip = Math.max(0, Math.min(scroll, rest.length - 1));
  const shown = [...pinned, ...rest.slice(skip)];
  const widths = shown.map((i) => natural[i] ?? 0);
  let used = 0;
  let fits = 0;
  for (const w of widths) {
    used += w + (fits > 0 ? 1 : 0);
    if (used > total) break;
    fits++;
  }
  return { shown, widths, hidden: 0, scrolledPast: skip, moreRight: fits < shown.length };
}

/** The most the wide mode can scroll: every unpinned column but the last. */
export function maxScroll(columns: readonly LayoutColumn[]): number {
  return Math.max(0, columns.filter((c) => !c.pin).length - 1);
}
