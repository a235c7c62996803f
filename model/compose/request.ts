import { z } from 'zod';
import { KEY_NAMES, parseKeyName } from '../analysis/keys.js';
import { parseMetre } from '../analysis/metre.js';
import { COMPOSERS } from '../codecs/composers.js';
import { findInstrumentation, INSTRUMENTATION_NAMES } from '../ensembles.js';
import { ComposeError } from './errors.js';

/** Longest piece anyone may ask for: five minutes keeps a request's cost bounded. */
export const MAX_SECONDS = 300;
export const MIN_SECONDS = 5;
export const MAX_PRIMER_BYTES = 1024 * 1024;
/**
 * Sampling defaults chosen by the musicality measures (`node dist/benchmarks/sampling.js`), last
 * for the local-key model on 2026-12-04 (validation, 4 copies of each piece,
 * `benchmarks/results/sampling-2026-12-04-localkey-*.json`): the notes' temperature 0.5-0.7,
 * top-p 1, the rhythm (time shift, duration) at the model's own distribution (1 / 1; at 0.85 the
 * chords thicken past real music's, 2.6-2.8 notes per onset against 2.16, as they did with the
 * previous model, `sampling-2026-12-03b.json`). 1-NN accuracies from 0.66 to 0.82 over all 28
 * settings are mostly the noise of 29 real pieces (one setting's validation and test figures
 * differ by up to 0.15), so the choice went by the Done-when thresholds of issue 9: 0.55 keeps
 * steps at 0.51 (real 0.55) and motifs returning (0.18), which 0.6 loses (steps 0.48-0.49);
 * 0.5 narrows the pitch classes (2.68-2.75) and lengthens runs of repeated notes.
 */
export const DEFAULT_TEMPERATURE = 0.55;
export const DEFAULT_TOP_P = 1;
/** The time shift's and duration's sampling (PiecePlan.rhythm); a request's temperature and top-p are for the notes. */
export const DEFAULT_RHYTHM_SAMPLING = { temperature: 1, topP: 1 } as const;
/**
 * How strongly a note is kept from repeating its part's previous pitch (PiecePlan.repeatPenalty):
 * in nats, the repeat's probability after temperature is divided by e^repeatPenalty (see
 * compose.ts). For the local-key model at 0.55 (`sampling-2026-12-04-localkey-guidance.json`):
 * 1 nat against 1.5 gave steps 0.509 against 0.493 (real 0.549; repeats count as steps), motif
 * return 0.183 against 0.169, 1-NN 0.733 against 0.763. The penalty was introduced with the previous
 * model (2026-12-03, `sampling-2026-12-03-penalty*.json`): without it, notes struck again and
 * again (repeats 0.24 against real 0.10-0.12, longest run median 4 against 2).
 */
export const DEFAULT_REPEAT_PENALTY = 1;
export const MAX_REPEAT_PENALTY = 5;
/**
 * How strongly the notes follow the piece's key (PiecePlan.keyGuidance): classifier-free
 * guidance on the pitch head, 1 the model as trained, 0 as if no key had been given. The default
 * depends on who chose the key (defaultKeyGuidance): one the request names is a promise to keep,
 * one drawn from MusicNet's keys is only a starting point, and there the measures want the notes
 * as free as real music's. Measured with the local-key model (models/musicnet-lstm, 2026-12-04)
 * by `node dist/benchmarks/sampling.js --copies 4 --temperatures 0.55,0.6 --top-ps 1 --rhythms
 * 1/1 --key-guidances 0.875,1 --repeat-penalties 1,1.5` (validation,
 * `benchmarks/results/sampling-2026-12-04-localkey-guidance.json`; 0.75 from
 * `sampling-2026-12-04-localkey-low-t.json`, 2 copies) and `partita bench conditioning --key-guidance W`
 * (`conditioning-2026-12-04-localkey-w*.json`):
 *
 * | drawn key, T 0.55, penalty 1 | 1-NN | local key clarity (real 0.946) | pitch-class entropy (real 2.98) |
 * | 0.75  | 0.759 | 0.936 | 2.88 |
 * | 0.875 | 0.733 | 0.952 | 2.75 |
 * | 1     | 0.741 | 0.962 | 2.65 |
 *
 * | asked key (bench conditioning, 6 keys x 30 string quartets) | exact | related |
 * | 1   | 0.81 | 0.93 |
 * | 1.5 | 0.93 | 0.99 |
 * | 2   | 0.97 | 0.99 |
 *
 * 0.875 is the one guidance with the key as clear as real music's and the pitch classes within
 * 0.2 of real; an asked key needs 1.5 to come out in at least 90% of pieces (T 0.6 measured;
 * README has the figures at the shipped defaults). Stronger guidance narrows the notes to the
 * scale: fewer pitch classes, further from real music.
 */
export const DEFAULT_KEY_GUIDANCE = 0.875;
export const ASKED_KEY_GUIDANCE = 1.5;
export const MAX_KEY_GUIDANCE = 4;

/** The key guidance of a request that gives none: firmer when the request names its key. */
export function defaultKeyGuidance(keyAsked: boolean): number {
  return keyAsked ? ASKED_KEY_GUIDANCE : DEFAULT_KEY_GUIDANCE;
}
/**
 * How strongly a compound metre's rhythm (6/8, 12/8) leans away from the simple metre with the
 * same bar (PiecePlan.metreGuidance); 1 the model as trained. With the local-key model at the
 * shipped defaults (`partita bench conditioning --json`, 2026-12-04,
 * `benchmarks/results/conditioning-2026-12-04-localkey-shipped.json`) every asked metre is
 * already strongest in its own onsets at 1: 6/8 0.964 against 0.934 for 3/4, 3/4 0.859 against
 * 0.834 for 4/4, 4/4 0.875 against 0.847 for 3/4. So the guidance stays off by default.
 */
export const DEFAULT_METRE_GUIDANCE = 1;
export const MAX_METRE_GUIDANCE = 4;

/**
 * What to compose. The same fields reach us from the command line, the web API and Discord,
 * so one schema validates all three and its messages are the ones users read.
 */
export const composeRequestSchema = z.object({
  instrument: z.string().refine((name) => findInstrumentation(name) !== undefined, {
    message: `unknown instrument or ensemble; choose one of: ${INSTRUMENTATION_NAMES.join(', ')}`,
  }),
  composer: z.enum(COMPOSERS, { message: `unknown composer; choose one of: ${COMPOSERS.join(', ')}` }).optional(),
  seconds: z.number().min(MIN_SECONDS).max(MAX_SECONDS).default(30),
  /** Beats per minute; without it, the primer's tempo or a moderate 96. */
  tempo: z.number().min(30).max(240).optional(),
  /** A key such as "d-minor" or "e-flat-major"; without it one is drawn from MusicNet's keys by the seed. */
  key: z
    .string()
    .refine((name) => parseKeyName(name) !== undefined, {
      message: `unknown key; use a tonic and a mode, e.g. ${KEY_NAMES[14]} or ${KEY_NAMES[3]}`,
    })
    .optional(),
  /** A time signature such as "3/4" or "6/8"; without it the primer's, or 4/4. */
  metre: z
    .string()
    .refine((text) => parseMetre(text) !== undefined, {
      message: 'unknown metre; write it as N/D, e.g. 4/4, 3/4 or 6/8 (D 1, 2, 4, 8 or 16)',
    })
    .optional(),
  temperature: z.number().min(0.1).max(2).default(DEFAULT_TEMPERATURE),
  topP: z.number().gt(0).max(1).default(DEFAULT_TOP_P),
  /** Nats taken off a note repeating its part's previous pitch (0: none); see DEFAULT_REPEAT_PENALTY. */
  repeatPenalty: z.number().min(0).max(MAX_REPEAT_PENALTY).default(DEFAULT_REPEAT_PENALTY),
  /** How strongly the notes follow the key (1: as the model has it); without it, defaultKeyGuidance. */
  keyGuidance: z.number().min(0).max(MAX_KEY_GUIDANCE).optional(),
  /** How strongly a compound metre's rhythm shows (1: as the model has it); see DEFAULT_METRE_GUIDANCE. */
  metreGuidance: z.number().min(0).max(MAX_METRE_GUIDANCE).default(DEFAULT_METRE_GUIDANCE),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
});

export type ComposeRequestInput = z.input<typeof composeRequestSchema>;
type ParsedRequest = z.output<typeof composeRequestSchema>;
/**
 * A parsed request always carries repeatPenalty and metreGuidance; they are optional here for
 * requests stored before they existed and ones built in code, which planPiece gives the defaults.
 * keyGuidance stays unset unless given, since its default depends on whether the key was asked.
 */
type LaterFields = 'repeatPenalty' | 'keyGuidance' | 'metreGuidance';
export type ComposeRequestFields = Omit<ParsedRequest, LaterFields> & Partial<Pick<ParsedRequest, LaterFields>>;

/** A validated request plus the optional primer MIDI file to continue. */
export interface ComposeRequest extends ComposeRequestFields {
  primer?: Uint8Array;
}

/**
 * Validates a request from any front door; a ComposeError whose message names the field and
 * the problem ("seconds: must be at most 300") when it is not valid.
 */
export function parseComposeRequest(input: unknown): ComposeRequestFields {
  const parsed = composeRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'request';
  throw new ComposeError(`${field}: ${issue?.message ?? 'invalid'}`);
}
