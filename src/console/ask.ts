import type { Command } from './data/actions.js';
import type { ControllerContext } from './controller-context.js';
import { bindingOf, type BindingId } from './keymap.js';
import type { ConfirmRequest } from './ui-state.js';

// Whether an action asks first is the keymap's `confirm` field, and only that: every
// action key hands its command here with the dialog it would show.

/** The commands an 'unless-harmless' binding runs without asking: nothing is lost or stopped. */
const HARMLESS: ReadonlySet<Command['kind']> = new Set(['requeue', 'resume']);

/** Whether the binding's `confirm` field asks before this command runs. */
export function needsConfirm(id: BindingId, command: Command): boolean {
  const policy = bindingOf(id).confirm;
  return policy === 'always' || (policy === 'unless-harmless' && !HARMLESS.has(command.kind));
}

/** Opens the confirmation the keymap asks for on this binding, or runs the command at once. */
export function ask(ctx: ControllerContext, id: BindingId, request: ConfirmRequest): void {
  if (needsConfirm(id, request.command))
    return ctx.dispatch({ type: 'openLayer', layer: { type: 'confirm', request, focus: 'cancel' } });
  void ctx.actions.run(request.command);
}
