import { readFileSync, statSync } from 'node:fs';
import { type ChatInputCommandInteraction, EmbedBuilder, type GuildMember, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { KEY_NAMES } from '../../model/analysis/keys.js';
import { METRES } from '../../model/analysis/metre.js';
import { COMPOSERS, composerLabel } from '../../model/codecs/composers.js';
import { MAX_SECONDS, MIN_SECONDS } from '../../model/compose/request.js';
import { ENSEMBLES } from '../../model/ensembles.js';
import { INSTRUMENTS, instrumentLabel } from '../../model/instruments.js';
import type { PieceRecord } from '../../store/index.js';
import { isFinalEvent, type Studio } from '../../studio/index.js';
import type { BotCommand, BotContext } from './command.js';

/** Discord refuses attachments above this on servers without boosts. */
const ATTACHMENT_LIMIT_BYTES = 10 * 1024 * 1024;

const INSTRUMENT_CHOICES = [
  ...INSTRUMENTS.map((spec) => ({ name: instrumentLabel(spec.name), value: spec.name })),
  ...ENSEMBLES.map((ensemble) => ({ name: ensemble.label, value: ensemble.name })),
];

const data = new SlashCommandBuilder()
  .setName('compose')
  .setDescription('Write a new classical piece with the LSTM and post it (and play it in your voice channel)')
  .addStringOption((option) =>
    option
      .setName('instrument')
      .setDescription('An instrument or an ensemble')
      .setRequired(true)
      .addChoices(...INSTRUMENT_CHOICES),
  )
  .addStringOption((option) =>
    option
      .setName('composer')
      .setDescription("Whose style (MusicNet's ten composers)")
      .addChoices(...COMPOSERS.map((composer) => ({ name: composerLabel(composer), value: composer }))),
  )
  .addIntegerOption((option) =>
    option.setName('seconds').setDescription('How long, in seconds').setMinValue(MIN_SECONDS).setMaxValue(MAX_SECONDS),
  )
  .addNumberOption((option) =>
    option.setName('creativity').setDescription('Sampling temperature: low is safe, high is adventurous').setMinValue(0.1).setMaxValue(2),
  )
  .addIntegerOption((option) => option.setName('seed').setDescription('The same seed writes the same piece').setMinValue(0))
  .addStringOption((option) =>
    option
      .setName('key')
      .setDescription('The key (default: as the model likes)')
      .addChoices(...KEY_NAMES.map((name) => ({ name: name.replace(/-/g, ' '), value: name }))),
  )
  .addStringOption((option) =>
    option
      .setName('metre')
      .setDescription('The time signature (default 4/4)')
      .addChoices(...METRES.map((metre) => ({ name: metre, value: metre }))),
  )
  .addBooleanOption((option) => option.setName('voice').setDescription('Play it in your voice channel while it is written'))
  .toJSON();

function describePiece(piece: PieceRecord): string {
  const { header } = piece;
  const composer = header.composer ? ` in the style of ${composerLabel(header.composer)}` : '';
  const key = header.key ? ` in ${header.key.replace(/-/g, ' ')}` : '';
  return `${(header.parts ?? []).map((part) => part.name).join(', ') || header.instruments.map(instrumentLabel).join(', ')}${composer}${key}, ${header.timeSignature.join('/')}`;
}

function embedFor(piece: PieceRecord, instrumentLabel: string, publicUrl: string): EmbedBuilder {
  const url = `${publicUrl}/pieces/${piece.id}`;
  return new EmbedBuilder()
    .setTitle(`partita: ${instrumentLabel}`)
    .setURL(url)
    .setDescription(`${describePiece(piece)}. [Open it in the web player](${url}).`)
    .addFields(
      { name: 'Instrument', value: instrumentLabel, inline: true },
      { name: 'Composer', value: piece.header.composer ? composerLabel(piece.header.composer) : 'any', inline: true },
      { name: 'Length', value: `${Math.round(piece.header.seconds)} s`, inline: true },
      { name: 'Seed', value: String(piece.seed), inline: true },
      { name: 'Notes', value: String(piece.noteCount), inline: true },
    );
}

interface Attachment {
  attachment: Buffer;
  name: string;
}

/**
 * The files to attach, within Discord's limit for the whole message: the MIDI, one audio file
 * (Opus first, it is smallest), the score's first system as a PNG (the embed shows it) and the
 * MusicXML. What does not fit is left out; the web player has everything.
 */
async function attachments(studio: Studio, piece: PieceRecord): Promise<{ files: Attachment[]; image?: string }> {
  const files: Attachment[] = [];
  let left = ATTACHMENT_LIMIT_BYTES;
  const add = (attachment: Buffer, name: string): boolean => {
    if (attachment.length > left) return false;
    files.push({ attachment, name });
    left -= attachment.length;
    return true;
  };
  for (const kind of ['mid', 'ogg', 'mp3'] as const) {
    const path = await studio.localFile(piece, kind);
    if (!path || statSync(path).size > left) continue;
    add(readFileSync(path), `partita-${piece.id}.${kind}`);
    if (kind !== 'mid') break;
  }
  let image: string | undefined;
  const png = await studio.score(piece.id, 'png');
  if (png.ok && add(png.bytes, `partita-${piece.id}-score.png`)) image = `attachment://partita-${piece.id}-score.png`;
  const musicXml = await studio.score(piece.id, 'musicxml');
  if (musicXml.ok) add(musicXml.bytes, `partita-${piece.id}.musicxml`);
  return { files, ...(image ? { image } : {}) };
}

/** Joins the caller's voice channel and plays the piece as it is rendered; says why not when it cannot. */
async function startVoice(interaction: ChatInputCommandInteraction, context: BotContext, pieceId: string): Promise<string> {
  const guild = interaction.guild;
  const channelId = guild ? (interaction.member as GuildMember | null)?.voice?.channelId : undefined;
  if (!guild || !channelId) return 'Join a voice channel to hear it live next time.';
  if (context.voice.isPlaying(guild.id)) return 'Another piece is playing in this server: /stop it first to hear this one live.';
  const opus = await waitForAudio(context.studio, pieceId);
  if (!opus) return '';
  try {
    await context.voice.play(guild, channelId, pieceId, opus);
    return '';
  } catch (error) {
    return `Could not play it in voice: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The piece's live audio once its worker starts on it (it may wait in the queue first). */
async function waitForAudio(studio: Studio, pieceId: string): Promise<AsyncIterableIterator<readonly Uint8Array[]> | undefined> {
  const events = await studio.subscribe(pieceId);
  if (!events) return undefined;
  try {
    for await (const event of events) {
      const opus = await studio.subscribeOpus(pieceId);
      if (opus) return opus;
      if (isFinalEvent(event)) return undefined;
    }
  } finally {
    await events.return?.();
  }
  return undefined;
}

async function waitUntilFinished(studio: Studio, pieceId: string): Promise<{ piece?: PieceRecord; failure?: string }> {
  const events = await studio.subscribe(pieceId);
  if (!events) return { failure: 'the piece was lost' };
  for await (const event of events) {
    if (event.type === 'done') return { piece: event.piece };
    if (event.type === 'failed') return { failure: event.message };
  }
  return { failure: 'the piece stopped before it was finished' };
}

export const composeCommand: BotCommand = {
  data,
  async execute(interaction, context) {
    const wait = context.limiter.take(interaction.user.id);
    if (wait > 0) {
      await interaction.reply({
        content: `You are composing a lot: try again in ${wait} s.`,
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    const instrument = interaction.options.getString('instrument', true);
    const submitted = await context.studio.submit(
      {
        fields: {
          instrument,
          composer: interaction.options.getString('composer') ?? undefined,
          seconds: interaction.options.getInteger('seconds') ?? undefined,
          key: interaction.options.getString('key') ?? undefined,
          metre: interaction.options.getString('metre') ?? undefined,
          temperature: interaction.options.getNumber('creativity') ?? undefined,
          seed: interaction.options.getInteger('seed') ?? undefined,
        },
      },
      'discord',
    );
    if (!submitted.ok) {
      const retry = submitted.error.retryAfterSeconds ? ` Try again in ${submitted.error.retryAfterSeconds} s.` : '';
      await interaction.reply({ content: `Cannot compose that: ${submitted.error.message}.${retry}`, flags: MessageFlags.Ephemeral });
      return;
    }
    const piece = submitted.piece;
    await interaction.deferReply();
    // Listening for the end first keeps the piece from counting as abandoned while voice connects.
    const finished = waitUntilFinished(context.studio, piece.id);
    const voiceNote = interaction.options.getBoolean('voice') ? await startVoice(interaction, context, piece.id) : '';
    const { piece: done, failure } = await finished;
    const label = INSTRUMENT_CHOICES.find((choice) => choice.value === instrument)?.name ?? instrument;
    if (!done) {
      await interaction.editReply({ content: `The piece could not be written: ${failure ?? 'unknown error'}.` });
      return;
    }
    const { files, image } = await attachments(context.studio, done);
    const embed = embedFor(done, label, context.config.publicUrl);
    if (image) embed.setImage(image);
    await interaction.editReply({
      content: [`Here is your piece (${describePiece(done)}).`, voiceNote].filter(Boolean).join(' '),
      embeds: [embed],
      files,
    });
  },
};
