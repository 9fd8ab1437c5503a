import React from 'react';
import type { Line } from '../data/detail.js';
import { Tabs } from './Header.js';
import { TextPane } from './TextPane.js';
import { clampScroll } from './scroll.js';

/** Every key, from the keymap (helpLines), scrolled. */
export function HelpScreen(props: {
  lines: readonly Line[];
  scroll: number;
  height: number;
}): React.JSX.Element {
  const { lines, height } = props;
  return (
    <>
      <Tabs screen="help" extra="" />
      <TextPane lines={lines} scroll={clampScroll(lines, props.scroll, height)} height={height} />
    </>
  );
}
