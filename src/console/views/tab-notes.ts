import type { FilterTarget, UiState } from '../ui-state.js';
import { escapeControl } from '../text.js';
import type { TableView } from './TableScreen.js';
import { keyOf } from '../keymap.js';

// What the tab line says beside the tabs: the filter in force, what the layout hid.

/** The filter in force on a table, for the tab line ('' when none). */
export function filterNote(ui: UiState, t: FilterTarget): string {
  const f = ui.filters[t];
  return f.text
    ? ` · filter ${f.regex ? 're' : ''}/${escapeControl(f.text)}/ (${keyOf('nav.back')} clears)`
    : '';
}

/** What the layout left out or scrolled past, for the tab line. */
export function layoutNote(view: TableView<unknown>, wide: boolean): string {
  const { plan } = view;
  if (wide)
    return ` · wide${plan.scrolledPast > 0 ? ` ←${plan.scrolledPast}` : ''}${plan.moreRight ? ' →' : ''} (${keyOf('table.wide')} fits)`;
  return plan.hidden > 0
    ? ` · ${plan.hidden} more col${plan.hidden === 1 ? '' : 's'} (${keyOf('table.wide')})`
    : '';
}

/** The workers or queues tab line: rows shown of all, flagged-only, layout, filter. */
export function tableSummary(
  ui: UiState,
  t: 'workers' | 'queues',
  shown: number,
  total: number,
  view: TableView<unknown>,
): string {
  return `${shown}/${total} ${t}${t === 'workers' && ui.flaggedOnly ? ` · flagged only (${keyOf('table.flaggedOnly')} all)` : ''}${layoutNote(view, ui.wide)}${filterNote(ui, t)}`;
}
