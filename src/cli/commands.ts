import type { CommandDescriptor } from './command.js';
import { resumeCommand } from './resume.js';
import { suspendCommand } from './suspend.js';

// THE list of subcommands, in the order `rqts --help` shows them. Adding one is an import
// and an entry here (see command.ts for the descriptor).
export const commands: readonly CommandDescriptor[] = [suspendCommand, resumeCommand];
