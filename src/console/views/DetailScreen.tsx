import React from 'react';
import type { Line } from '../data/detail.js';
import { Tabs } from './Header.js';
import { TextPane } from './TextPane.js';
import { clampScroll } from './scroll.js';

/** A job's or a worker's detail, scrolled; the tab line says which lines are on screen. */
export function DetailScreen(props: {
  lines: readonly Line[];
  scroll: number;
  height: number;
}): React.JSX.Element {
  const { lines, height } = props;
  const scroll = clampScroll(lines, props.scroll, height);
  const extra =
    lines.length > height
      ? `lines ${scroll + 1}-${Math.min(lines.length, scroll + height)} of ${lines.length}`
      : '';
  return (
    <>
      <Tabs screen="detail" extra={extra} />
      <TextPane lines={lines} scroll={scroll} height={height} />
    </>
  );
}
