import { launchFields, type UiState } from '../ui-state.js';
import { launchPreviewRows } from '../views/Dialogs.js';
import type { TerminalSize } from './useTerminalSize.js';
import { headerHeight } from '../views/Header.js';
import { switcherHeight } from '../views/ContextSwitcher.js';

/** The smallest terminal the console lays out for; below it, one line says so. */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

/** The lines the open dialog or prompt takes below the body. */
function layerHeight(ui: UiState, width: number, contexts: number): number {
  switch (ui.layer?.type) {
    case 'switcher':
      return switcherHeight(contexts);
    case 'confirm':
      return 6 + ui.layer.request.details.length;
    case 'launch':
      return (
        4 +
        launchFields(ui.layer.draft).length +
        launchPreviewRows(ui.layer.draft, width) +
        (ui.layer.error ? 1 : 0)
      );
    case 'quit':
      return ui.layer.phase === 'stopping' ? 4 : 5;
    case 'filter':
    case 'sort':
      return 1;
    default:
      return 0;
  }
}

export interface ConsoleLayout {
  width: number;
  bodyHeight: number;
  /** Rows per jobs page read from Redis. */
  pageSize: number;
  /** The header's sparklines' width (0: none). */
  sparkWidth: number;
  tooSmall: boolean;
}

// Everything but the body has a known height, so the body fills the rest and the frame
// stays one line short of the terminal (a full frame makes Ink clear the screen).
export function consoleLayout(
  size: TerminalSize,
  ui: UiState,
  bannerShown: boolean,
  /** How many contexts (several Redis at once): a summary line and the switcher's rows. */
  contexts = 0,
): ConsoleLayout {
  const width = Math.max(40, size.columns);
  const chrome =
    headerHeight(contexts) + (bannerShown ? 1 : 0) + 1 + 1 + 1 + layerHeight(ui, width, contexts);
  const bodyHeight = Math.max(3, size.rows - 1 - chrome);
  return {
    width,
    bodyHeight,
    // Jobs screen: one page read in Redis; the page holding the cursor is on screen.
    pageSize: Math.max(1, bodyHeight - 2),
    // The header's sparklines are the first thing to give way on a narrow terminal.
    sparkWidth: width >= 140 ? 20 : width >= 110 ? 10 : 0,
    tooSmall: size.columns < MIN_COLUMNS || size.rows < MIN_ROWS,
  };
}
