import { useCallback, useLayoutEffect, useRef, type RefObject } from 'react';
import { useInput } from 'ink';
import { handleInput, type ControllerContext } from '../controller.js';
import { deriveModel, type ModelInputs } from '../model.js';
import type { UiState } from '../ui-state.js';

type InkKey = Parameters<Parameters<typeof useInput>[0]>[1];

/**
 * Routes every key to the controller with a stable handler: Ink re-subscribes useInput
 * whenever the handler's identity changes. Each key sees the state the previous keys
 * produced (perhaps not rendered yet), and the rows derived from it: filter, sort and
 * page as they will be on screen.
 */
export function useKeyDispatch(ctx: ControllerContext, uiRef: RefObject<UiState>, inputs: ModelInputs): void {
  const ctxRef = useRef(ctx);
  const inputsRef = useRef(inputs);
  // Keys are handled after the commit that rendered them, so the refs are current by then.
  useLayoutEffect(() => {
    ctxRef.current = ctx;
    inputsRef.current = inputs;
  });
  const onInput = useCallback(
    (input: string, key: InkKey) =>
      handleInput(input, key, () => ({
        ...ctxRef.current,
        ui: uiRef.current,
        model: deriveModel(uiRef.current, inputsRef.current),
      })),
    [uiRef],
  );
  useInput(onInput);
}
