import type { Line } from '../data/detail.js';

/** Where a text screen's scroll really is: the wanted one, clamped to the last screenful. */
export function clampScroll(lines: readonly Line[], scroll: number, height: number): number {
  return Math.min(scroll, Math.max(0, lines.length - height));
}
