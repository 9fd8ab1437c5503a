import React from 'react';
import type { LogLine } from '../data/local-workers.js';
import type { UiState } from '../ui-state.js';
import { Tabs } from './Header.js';
import { LogsView } from './LogsView.js';
import { filterNote } from './tab-notes.js';
import { keyOf } from '../keymap.js';

export interface LogsScreenProps {
  ui: UiState;
  /** Filtered. */
  lines: readonly LogLine[];
  window: { cursor: number; start: number };
  width: number;
  height: number;
  launchedAny: boolean;
  logDir: string | undefined;
  launchKey: string | undefined;
}

export function LogsScreen(props: LogsScreenProps): React.JSX.Element {
  const { ui, window: w } = props;
  return (
    <>
      <Tabs
        screen="logs"
        extra={`${ui.followLogs ? 'following' : `paused (${keyOf('nav.bottom')} follows)`}${filterNote(ui, 'logs')}`}
      />
      <LogsView
        lines={props.lines}
        cursor={w.cursor}
        start={w.start}
        height={props.height}
        width={props.width}
        launchedAny={props.launchedAny}
        logDir={props.logDir}
        launchKey={props.launchKey}
      />
    </>
  );
}
