import { useMemo } from 'react';
import { deriveModel, type DerivedModel, type ModelInputs } from '../model.js';
import type { UiState } from '../ui-state.js';
import type { ConsoleData } from './useConsoleData.js';
import type { ScreenText } from './useScreenText.js';

/** The rows each screen shows (filtered, sorted, paged), and the inputs they came from. */
export function useModel(
  ui: UiState,
  data: ConsoleData,
  text: ScreenText,
  pageSize: number,
): { inputs: ModelInputs; model: DerivedModel } {
  const { search, allWorkers, allQueues } = data;
  const snapshot = data.poll.snapshot;
  const lines = data.localState.lines;
  const inputs: ModelInputs = useMemo(
    () => ({
      search,
      snapshot,
      allWorkers,
      allQueues,
      lines,
      pageSize,
      detailLineCount: text.detail.length,
      helpLineCount: text.help.length,
      eventLineCount: text.events.length,
      cronLineCount: text.cron.length,
    }),
    [
      search,
      snapshot,
      allWorkers,
      allQueues,
      lines,
      pageSize,
      text.detail.length,
      text.help.length,
      text.events.length,
      text.cron.length,
    ],
  );
  const model = useMemo(() => deriveModel(ui, inputs), [ui, inputs]);
  return { inputs, model };
}
