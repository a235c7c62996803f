import type { BotCommand } from './command.js';
import { composeCommand } from './compose.js';
import { instrumentsCommand } from './instruments.js';
import { stopCommand } from './stop.js';

export const COMMANDS: readonly BotCommand[] = [composeCommand, stopCommand, instrumentsCommand];
export type { BotCommand, BotContext } from './command.js';
