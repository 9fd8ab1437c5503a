import { useCallback, useReducer, useRef, type RefObject } from 'react';
import { INITIAL_UI, uiReducer, type UiAction, type UiState } from '../ui-state.js';

/**
 * The UI state, and a dispatch that also keeps a ref current. Keys can arrive faster than
 * React renders (fast typing, a paste): the controller must judge each key against the
 * state the previous keys produced, not the last render's.
 */
export function useUiState(): {
  ui: UiState;
  uiRef: RefObject<UiState>;
  dispatch: (action: UiAction) => void;
} {
  const [ui, reactDispatch] = useReducer(uiReducer, INITIAL_UI);
  const uiRef = useRef(ui);
  const dispatch = useCallback((action: UiAction) => {
    uiRef.current = uiReducer(uiRef.current, action);
    reactDispatch(action);
  }, []);
  return { ui, uiRef, dispatch };
}
