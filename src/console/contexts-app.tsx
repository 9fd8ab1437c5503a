import React, { useMemo, useSyncExternalStore } from 'react';
import { ConsoleApp, type ConsoleAppProps } from './app.js';
import type { ContextSet, ContextsView } from './data/contexts.js';
import { checkQueuedFunctions } from './data/function-check.js';

// The console over a set of contexts: the app on screen is the active context's, remounted
// on a switch (its screen, cursors and filters are that Redis's; its timeline and launched
// workers live on in the context), while every context's poller keeps running behind it.

export type ContextsConsoleProps = Omit<
  ConsoleAppProps,
  'poller' | 'actions' | 'local' | 'display' | 'timeline' | 'search' | 'checkFunctions' | 'contexts'
> & {
  set: ContextSet;
  /** The contexts were named (-u NAME=URL, several -u, CONSOLE_CONTEXTS): show names and the switcher. */
  named: boolean;
};

export function ContextsConsole({ set, named, ...rest }: ContextsConsoleProps): React.JSX.Element {
  const state = useSyncExternalStore(set.subscribe, set.getState);
  const context = set.get(state.active) ?? set.active();
  const contexts: ContextsView | undefined = useMemo(
    () => (named ? { state, switchTo: set.switchTo } : undefined),
    [named, state, set],
  );
  return (
    <ConsoleApp
      key={context.name}
      {...rest}
      poller={context.poller}
      actions={context.actions}
      search={context.search}
      local={context.local}
      display={context.display}
      timeline={context.timeline}
      checkFunctions={(spec) => checkQueuedFunctions(context.client, spec)}
      contexts={contexts}
    />
  );
}
