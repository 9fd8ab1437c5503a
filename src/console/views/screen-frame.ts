import type { UiState } from '../ui-state.js';

/** What every screen draws in: the body's box below the tab line, and the time on screen. */
export interface ScreenFrame {
  ui: UiState;
  width: number;
  /** The body's height (the tab line above it is the screen's too). */
  height: number;
  now: number;
  /** No snapshot yet. */
  loading: boolean;
}
