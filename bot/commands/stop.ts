import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from './command.js';

export const stopCommand: BotCommand = {
  data: new SlashCommandBuilder()
    .setName('stop')
    .setDescription('Stop the piece playing in this server and leave the voice channel')
    .toJSON(),
  async execute(interaction, context) {
    const stopped = interaction.guildId ? context.voice.stop(interaction.guildId) : false;
    await interaction.reply({ content: stopped ? 'Stopped.' : 'Nothing is playing here.', flags: MessageFlags.Ephemeral });
  },
};
