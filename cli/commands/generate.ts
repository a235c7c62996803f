import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { composePlanned, planPiece } from '../../model/compose/compose.js';
import { loadComposerModel } from '../../model/compose/composerModel.js';
import type { ComposedNote } from '../../model/compose/note.js';
import { pianoRollSvg } from '../../model/compose/pianoRollSvg.js';
import { MAX_PRIMER_BYTES, parseComposeRequest } from '../../model/compose/request.js';
import { composedToMidi } from '../../model/compose/toMidi.js';
import { engravePdf } from '../../notation/engrave.js';
import { composedToMusicXml } from '../../notation/musicXml.js';
import { loadSynth } from '../../synth/index.js';
import { SHIPPED_MUSICNET_MODEL } from '../shippedModels.js';
import { UsageError } from '../usageError.js';
import { GENERATE_USAGE } from '../usages.js';

export { GENERATE_USAGE };

const OUTPUT_EXTENSIONS = ['.mid', '.midi', '.wav', '.ogg', '.mp3', '.svg', '.musicxml', '.pdf'];

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new UsageError(`--${name} must be a number, got '${value}'`);
  return number;
}

function readPrimerFile(path: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new UsageError(`cannot read the primer ${path}`);
  }
  if (bytes.length > MAX_PRIMER_BYTES) throw new UsageError(`the primer ${path} is larger than ${MAX_PRIMER_BYTES / 1024 / 1024} MB`);
  return bytes;
}

/** Writes one piece to a MIDI or audio file and prints what was written as one JSON line. */
export async function runGenerate(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      checkpoint: { type: 'string' },
      instrument: { type: 'string' },
      composer: { type: 'string' },
      seconds: { type: 'string' },
      tempo: { type: 'string' },
      key: { type: 'string' },
      metre: { type: 'string' },
      temperature: { type: 'string' },
      'top-p': { type: 'string' },
      seed: { type: 'string' },
      primer: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  if (!values.instrument) throw new UsageError(`--instrument is required: ${GENERATE_USAGE}`);
  if (!values.out) throw new UsageError(`--out is required: ${GENERATE_USAGE}`);
  const extension = extname(values.out).toLowerCase();
  if (!OUTPUT_EXTENSIONS.includes(extension))
    throw new UsageError(
      `--out must end in .mid, .wav, .ogg, .mp3, .svg (a piano roll) or .musicxml/.pdf (the score), got '${values.out}'`,
    );
  let request: ReturnType<typeof parseComposeRequest>;
  try {
    request = parseComposeRequest({
      instrument: values.instrument,
      composer: values.composer,
      seconds: numberFlag('seconds', values.seconds),
      tempo: numberFlag('tempo', values.tempo),
      key: values.key,
      metre: values.metre,
      temperature: numberFlag('temperature', values.temperature),
      topP: numberFlag('top-p', values['top-p']),
      seed: numberFlag('seed', values.seed),
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const primer = values.primer ? readPrimerFile(values.primer) : undefined;
  let plan: ReturnType<typeof planPiece>;
  try {
    plan = planPiece({ ...request, primer });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }

  const model = await loadComposerModel(values.checkpoint ?? SHIPPED_MUSICNET_MODEL);
  const started = performance.now();
  const notes: ComposedNote[] = [];
  for await (const note of composePlanned(model, plan)) notes.push(note);
  const composeSeconds = (performance.now() - started) / 1000;
  const title = `partita: ${values.instrument}${plan.header.composer ? ` after ${plan.header.composer}` : ''}, seed ${plan.header.seed}`;
  if (extension === '.mid' || extension === '.midi') {
    writeFileSync(values.out, composedToMidi(plan.header, notes, title));
  } else if (extension === '.musicxml') {
    writeFileSync(values.out, composedToMusicXml(plan.header, notes).xml);
  } else if (extension === '.pdf') {
    writeFileSync(values.out, await engravePdf(composedToMusicXml(plan.header, notes).xml));
  } else if (extension === '.svg') {
    writeFileSync(values.out, pianoRollSvg(plan.header, notes, title));
  } else {
    const synth = await loadSynth();
    try {
      await synth.renderToFile(notes, plan.header, values.out);
    } finally {
      synth.close();
    }
  }
  const { header } = plan;
  process.stdout.write(
    `${JSON.stringify({
      out: values.out,
      instrument: values.instrument,
      instruments: header.instruments,
      parts: header.parts.map((part) => part.name),
      composer: header.composer ?? null,
      key: header.key ?? null,
      metre: header.timeSignature.join('/'),
      seed: header.seed,
      tempo: header.tempo,
      seconds: header.seconds,
      notes: notes.length,
      primer_notes: plan.primer.length,
      compose_seconds: composeSeconds,
    })}\n`,
  );
}
