import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { COMPOSERS } from '../../model/codecs/composers.js';
import { ENSEMBLES } from '../../model/ensembles.js';
import { INSTRUMENTS } from '../../model/instruments.js';
import type { BotCommand } from './command.js';

const NOTE_NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];

function noteName(pitch: number): string {
  return `${NOTE_NAMES[pitch % 12]}${Math.floor(pitch / 12) - 1}`;
}

export const instrumentsCommand: BotCommand = {
  data: new SlashCommandBuilder().setName('instruments').setDescription('What /compose can write for, and in whose style').toJSON(),
  async execute(interaction) {
    const lines = [
      '**Instruments** (and the range each plays):',
      ...INSTRUMENTS.map((spec) => `- ${spec.name}: ${noteName(spec.lowestPitch)} to ${noteName(spec.highestPitch)}`),
      '**Ensembles**:',
      ...ENSEMBLES.map((ensemble) => `- ${ensemble.name}: ${ensemble.instruments.join(', ')}`),
      `**Composers**: ${COMPOSERS.join(', ')}`,
    ];
    await interaction.reply({ content: lines.join('\n'), flags: MessageFlags.Ephemeral });
  },
};
