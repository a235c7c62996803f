import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findKey } from '../../model/analysis/keys.js';
import {
  conditionsAt,
  eventFeatures,
  keyedAsComposed,
  scoreCodec,
  scoreConditions,
  scoreNetworkConfig,
  scoreSequences,
} from '../../model/codecs/scoreCodec.js';
import { scoreToGrid, ticksToSteps } from '../../model/encoding/grid.js';
import { EVENT_WIDTH, FIELD_PITCH, gridToEvents, REST_INSTRUMENT } from '../../model/encoding/noteEvents.js';
import { HEAD_FEATURES, INPUT_FEATURES, KEY_FEATURE_SLOT, type MetreChange, PieceContext } from '../../model/encoding/pieceContext.js';
import { startEngine } from '../../model/engine.js';
import { compileMatvecKernel } from '../../model/generate/matvecKernel.js';
import { canonicalBound } from '../../model/generate/sampleEvents.js';
import { logSoftmax } from '../../model/generate/sampling.js';
import { LstmStepper, StepperWeights } from '../../model/generate/stepper.js';
import { readMidi } from '../../model/ingest/readMidi.js';
import { partIndex } from '../../model/instruments.js';
import { LstmNetwork, zeroState } from '../../model/lstm/network.js';
import { initParams } from '../../model/lstm/params.js';
import type { PreparedPiece } from '../../model/prepare/encodeScores.js';
import { StreamBatcher } from '../../model/train/streams.js';
import { MUSICNET_MIDIS } from '../helpers/paths.js';

const EVENTS = 96;

/** The first events of a real quartet (3/4 then 2/2 then 3/4: metre changes included), as prepare stores them. */
function realPiece(): { piece: PreparedPiece; events: Uint16Array } {
  const file = 'Beethoven/2314_qt15_2.mid';
  const found = readMidi(readFileSync(join(MUSICNET_MIDIS, file)), { id: file, title: file, source: file }).score;
  const { notes } = scoreToGrid(found);
  const events = gridToEvents(notes).subarray(0, EVENTS * EVENT_WIDTH);
  const metres: MetreChange[] = found.timeSignatures.map((signature) => ({
    step: ticksToSteps(signature.tick, found.ticksPerBeat),
    signature: [signature.numerator, signature.denominator],
  }));
  const piece = {
    id: file,
    title: file,
    source: file,
    composer: 'beethoven',
    split: 'test',
    instruments: ['violin', 'viola', 'cello'],
    parts: [...new Set(notes.map((note) => partIndex(note.instrument, note.part ?? 0)))].sort((a, b) => a - b),
    key: findKey(notes.map((note) => ({ pitch: note.pitch, duration: note.durationSteps }))),
    metres,
    notes: EVENTS,
    eventOffset: 0,
    eventCount: EVENTS,
    seedOffset: 0,
    seedCount: 0,
    bpm: 120,
    timeSignature: [3, 4],
  } satisfies PreparedPiece;
  return { piece, events };
}

beforeAll(async () => {
  await startEngine();
});

describe('the piece context (bar position, per-part lookback) is computed the same in training and in generation', () => {
  it('stepping a real quartet with PieceContext gives the likelihood of the batched training pass', async () => {
    const config = scoreNetworkConfig({ embedSize: 8, hiddenSize: 8, headSize: 8 });
    const params = initParams(config, 11);
    const codec = scoreCodec(config);
    const { piece, events } = realPiece();
    const [sequence] = scoreSequences([piece], events, EVENT_WIDTH);
    const batcher = new StreamBatcher([sequence as NonNullable<typeof sequence>], codec, 1, EVENTS, 0, false);
    const { score } = new LstmNetwork(config, params).evaluate(batcher.chunk(0, 0), zeroState(config, 1));

    const stepper = new LstmStepper(new StepperWeights(config, params), await compileMatvecKernel());
    const context = new PieceContext(piece.metres, piece.key);
    const pieceRows = scoreConditions({ composer: piece.composer, parts: piece.parts, timeSignature: piece.timeSignature, key: piece.key });
    const stepped = config.fields.map(() => 0);
    const weights = new Float32Array(config.fields.length);
    let previous: number[] | undefined;
    for (let index = 0; index < EVENTS; index++) {
      const event = Array.from(events.subarray(index * EVENT_WIDTH, (index + 1) * EVENT_WIDTH));
      // Training reads the key around each note; generation sets the asked key the same way.
      context.key = sequence?.contexts?.[index * HEAD_FEATURES.length + KEY_FEATURE_SLOT] as number;
      stepper.advance(previous, conditionsAt(pieceRows, context));
      codec.fieldWeights(event, weights, 0);
      for (let field = 0; field < event.length; field++) {
        const logits = stepper.fieldLogits(field, event.slice(0, field), context.headFeaturesFor(field, event));
        const bound = canonicalBound(config, previous, event, field);
        for (let value = 0; value < bound; value++) logits[value] = Number.NEGATIVE_INFINITY;
        stepped[field] = (stepped[field] as number) - (weights[field] as number) * (logSoftmax(logits)[event[field] as number] as number);
      }
      context.push(event);
      previous = event;
    }
    stepped.forEach((nll, field) => {
      expect(nll).toBeCloseTo(score.nllPerField[field] as number, 2);
    });
  });

  it('sees the bar and what the part played one bar back', () => {
    // 3/4: bars of 72 steps. Violin 1 plays C D E on beats, then the next bar starts.
    const violin1 = partIndex(2, 0);
    const context = new PieceContext([{ step: 0, signature: [3, 4] }]);
    for (const [shift, pitch] of [
      [0, 60],
      [24, 62],
      [24, 64],
    ] as const)
      context.push([shift, violin1, pitch, 24, 4]);
    const features = context.headFeatures(24, violin1);
    const named = Object.fromEntries(HEAD_FEATURES.map((feature, slot) => [`${feature.field}:${feature.name}`, features[slot]]));
    expect(named['2:onsetBarPosition']).toBe(0);
    expect(named['2:partLastPitch']).toBe(64);
    expect(named['2:partLastInterval']).toBe(2 + 12);
    expect(named['2:partPitchOneBarBack']).toBe(60);
    expect(named['3:partDurationOneBarBack']).toBe(24);
    // Another part has no line yet.
    expect(context.headFeatures(24, partIndex(2, 1))[2]).toBe(128);
    expect(context.inputFeatures()[0]).toBe(48);
  });

  it('tells compound beats from simple ones where the bar positions are the same', () => {
    const phaseSlot = INPUT_FEATURES.findIndex((feature) => feature.name === 'beatPhase');
    const onsetPhase = HEAD_FEATURES.findIndex((feature) => feature.name === 'onsetBeatPhase');
    const at = (signature: [number, number], step: number) => {
      const context = new PieceContext([{ step: 0, signature }]);
      context.time = step;
      return { input: context.inputFeatures()[phaseSlot], head: context.headFeatures(0, partIndex(0, 0))[onsetPhase] };
    };
    // Step 36 (the second dotted quarter): a beat in 6/8, halfway through the second beat in 3/4.
    expect(at([6, 8], 36)).toEqual({ input: 48, head: 48 });
    expect(at([3, 4], 36)).toEqual({ input: 12, head: 12 });
    expect(at([6, 8], 0).input).not.toBe(at([3, 4], 0).input);
    expect(at([3, 4], 24).input).toBe(0);
    expect(at([2, 2], 24).input).toBe(24);
  });

  it('transposition augmentation moves pitches and pitch features together, as recomputing them would', () => {
    const config = scoreNetworkConfig();
    const codec = scoreCodec(config);
    const { piece, events } = realPiece();
    const [sequence] = scoreSequences([piece], events, EVENT_WIDTH);
    let moved = 0;
    for (let epoch = 0; epoch < 6; epoch++) {
      const variant = codec.augment?.(sequence as NonNullable<typeof sequence>, epoch);
      if (!variant) throw new Error('the score codec augments');
      const shift = (variant.events[FIELD_PITCH] as number) - (events[FIELD_PITCH] as number);
      if (shift !== 0) moved++;
      const keys = Array.from(
        { length: variant.events.length / EVENT_WIDTH },
        (_, index) => variant.contexts?.[index * HEAD_FEATURES.length + KEY_FEATURE_SLOT] as number,
      );
      const again = eventFeatures(variant.events, EVENT_WIDTH, piece.metres, keys);
      expect(Array.from(variant.contexts ?? [])).toEqual(Array.from(again.contexts));
      for (let row = 0; row < events.length; row += EVENT_WIDTH)
        if (events[row + 1] !== REST_INSTRUMENT)
          expect((variant.events[row + FIELD_PITCH] as number) - (events[row + FIELD_PITCH] as number)).toBe(shift);
    }
    expect(moved).toBeGreaterThan(0);
  });

  it('the composed view of a piece has its key at every note, as compose() feeds it, and the rest unchanged', () => {
    const { piece, events } = realPiece();
    const [sequence] = scoreSequences([piece], events, EVENT_WIDTH);
    if (!sequence?.contexts) throw new Error('score sequences carry per-event contexts');
    const composed = keyedAsComposed(sequence);
    const notes = events.length / EVENT_WIDTH;
    const asComposed = eventFeatures(events, EVENT_WIDTH, piece.metres, new Uint8Array(notes).fill(piece.key));
    expect(Array.from(composed.contexts ?? [])).toEqual(Array.from(asComposed.contexts));
    // The local keys it replaces do differ somewhere in a real piece, so the view is not the identity.
    expect(Array.from(composed.contexts ?? [])).not.toEqual(Array.from(sequence.contexts));
    expect(composed.events).toBe(sequence.events);
  });
});
