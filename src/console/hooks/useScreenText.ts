import { useMemo } from 'react';
import { jobDetailLines, workerDetailLines, wrapLines, type Line } from '../data/detail.js';
import type { UiState } from '../ui-state.js';
import { eventLines } from '../views/events.js';
import { cronLines } from '../views/cron.js';
import { helpLines } from '../views/HelpView.js';
import type { ConsoleData } from './useConsoleData.js';

export interface ScreenText {
  /** The detail as on screen: wrapped to the terminal's width. */
  detail: Line[];
  /** The detail before wrapping (what the pager is given: it wraps for itself). */
  detailUnwrapped: Line[];
  help: Line[];
  events: Line[];
  cron: Line[];
}

/** The text screens' lines (detail, help, events, cron); only the one on screen is built. */
export function useScreenText(ui: UiState, data: ConsoleData, width: number, readOnly: boolean): ScreenText {
  const { poll, now, allWorkers, slowThresholds } = data;
  const snapshot = poll.snapshot;
  const runtimes = poll.runtimes;
  const runtimesVersion = poll.runtimesVersion;
  const detailUnwrapped: Line[] = useMemo(() => {
    if (ui.screen !== 'detail' || !ui.detail) return [];
    if (ui.detail.kind === 'job')
      return jobDetailLines(
        snapshot?.detail,
        now,
        ui.detail.id,
        (func) => runtimes.stats(func),
        slowThresholds,
        width,
      );
    const name = ui.detail.name;
    return workerDetailLines(
      allWorkers.find((w) => w.name === name),
      snapshot?.workers.find((w) => w.name === name),
      now,
      name,
    );
    // runtimesVersion: the book changes in place; its version says when.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ui.screen, ui.detail, snapshot, allWorkers, now, runtimes, runtimesVersion, slowThresholds, width]);
  const detail = useMemo(() => wrapLines(detailUnwrapped, width), [detailUnwrapped, width]);
  const help = useMemo(() => helpLines(readOnly, width), [readOnly, width]);
  const events = useMemo(
    () => eventLines(data.events.events, ui.filters.events, width),
    [data.events.events, ui.filters.events, width],
  );
  const cron = useMemo(
    () => (ui.screen === 'cron' ? cronLines(snapshot?.cron, now) : []),
    [ui.screen, snapshot, now],
  );
  return { detail, detailUnwrapped, help, events, cron };
}
