import React from 'react';
import type { Line } from '../data/detail.js';
import type { Snapshot } from '../data/snapshot.js';
import { cronSummary } from './cron.js';
import { Tabs } from './Header.js';
import { TextPane } from './TextPane.js';
import { clampScroll } from './scroll.js';

export interface CronScreenProps {
  lines: readonly Line[];
  cron: Snapshot['cron'] | undefined;
  scroll: number;
  height: number;
  now: number;
}

export function CronScreen({ lines, cron, scroll, height, now }: CronScreenProps): React.JSX.Element {
  return (
    <>
      <Tabs screen="cron" extra={cronSummary(cron, now)} />
      <TextPane lines={lines} scroll={clampScroll(lines, scroll, height)} height={height} />
    </>
  );
}
