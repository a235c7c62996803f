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
 * Sampling defaults chosen by the musicality measures (`node dist/benchmarks/sampling.js`,
 * 2026-12-03, `benchmarks/results/sampling-2026-12-03b.json`): pieces written like each
 * validation piece, over the notes' temperature 0.6-1 x top-p 0.9/0.95/1 and the rhythm's (time
 * shift, duration) sampled like the notes or at the model's own distribution (1 / 1, 1 / 0.95).
 * The rhythm at 1 / 1 came closer to real than sharing the notes' settings on mean |z| at every
 * notes setting, and on 1-NN accuracy at 11 of 14 (2 tied): a sharpened shift
 * distribution over-plays its mode, 0 (another note at the same onset), so chords thickened
 * (3.0-3.6 notes per onset against the real 2.2) and onsets crowded onto the beat. Settings
 * within 0.05 of the best 1-NN accuracy (0.70) are a tie, the noise of 87 pieces; among them
 * notes at 0.6 / 1 with the rhythm at 1 / 1 came closest to real on the measures (mean |z| 0.32
 * against 0.42-0.54; 1-NN 0.72, notes per onset 2.39). Chosen on the previous checkpoint; the
 * shipped one is checked at these settings in the README.
 */
export const DEFAULT_TEMPERATURE = 0.6;
export const DEFAULT_TOP_P = 1;
/** The time shift's and duration's sampling (PiecePlan.rhythm); a request's temperature and top-p are for the notes. */
export const DEFAULT_RHYTHM_SAMPLING = { temperature: 1, topP: 1 } as const;
/**
 * How strongly a note is kept from repeating its part's previous pitch (PiecePlan.repeatPenalty):
 * in nats, the repeat's probability after temperature is divided by e^repeatPenalty (see
 * compose.ts). Chosen by `node dist/benchmarks/sampling.js --temperatures 0.6,0.7 --top-ps 1
 * --rhythms 1/1 --repeat-penalties 0,0.5,1,1.5,2 --copies 2` (2026-12-03,
 * `benchmarks/results/sampling-2026-12-03-penalty.json`, validation split, same tie rule): every
 * setting's 1-NN accuracy fell within 0.05 of the best (0.747-0.782), and notes at 0.6 / 1 with
 * 1.5 nats came closest on the measures (mean |z| 0.262 against 0.456 with no penalty). There,
 * against penalty 0: repeats 0.112 (real 0.116) against 0.248, longest run median 3 against 4
 * (real 2), steps 0.500 against 0.553 (real 0.549: repeats count as steps), leaps 0.054 against
 * 0.055 (real 0.100), local key clarity 0.935 against 0.936 (real 0.946), 1-NN 0.782 against
 * 0.747 (inside the noise). On the test split, 1.5 against 0 nats (`sampling-2026-12-03-penalty0.json`):
 * repeats 0.113 against 0.237 (real 0.103), mean |z| 0.185 against 0.451, 1-NN 0.816 against
 * 0.897, key clarity 0.927 against 0.939 (real 0.929). The temperature stays 0.6: at 0.7 key
 * clarity fell to 0.91.
 */
export const DEFAULT_REPEAT_PENALTY = 1.5;
export const MAX_REPEAT_PENALTY = 5;
/**
 * How strongly the notes follow the piece's key (PiecePlan.keyGuidance): classifier-free
 * guidance on the pitch head, 1 the model as trained, 0 as if no key had been given. Chosen by
 * `node dist/benchmarks/sampling.js --temperatures 0.6 --top-ps 1 --rhythms 1/1 --key-guidances
 * 1,2,3` and `... 1.25,1.5` (2026-12-03, `benchmarks/results/sampling-2026-12-03-guidance*.json`,
 * validation, beside two training runs) and `partita bench conditioning --key-guidance W`:
 *
 * | guidance | 1-NN | mean abs z | local key clarity (real 0.946) | pitch-class entropy (real 2.98) | asked key exact / related |
 * | 1    | 0.782 | 0.262 | 0.935 | 2.92 | 0.57 / 0.88 |
 * | 1.25 | 0.747 | 0.318 | 0.952 | 2.79 | 0.69 / 0.96 |
 * | 1.5  | 0.759 | 0.442 | 0.966 | 2.68 | 0.70 / 0.97 |
 * | 2    | 0.862 | 0.729 | 0.984 | 2.48 | 0.72 / 0.98 |
 * | 3    | 0.908 | 0.946 | 0.995 | 2.14 | 0.76 / 0.96 |
 *
 * 1 and 1.25 tie on 1-NN (within the 0.05 noise); 1.25 has the best 1-NN, key clarity as real
 * music's, and asked keys come out 12 points more often, for 0.06 more mean |z| (mostly
 * polyphony, 2.34 against 2.24, real 2.16). Stronger guidance narrows the notes to the scale:
 * fewer pitch classes, longer runs, further from real music.
 */
export const DEFAULT_KEY_GUIDANCE = 1.25;
export const MAX_KEY_GUIDANCE = 4;
/**
 * How strongly a compound metre's rhythm (6/8, 12/8) leans away from the simple metre with the
 * same bar (PiecePlan.metreGuidance); 1 the model as trained.
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
  /** How strongly the notes follow the key (1: as the model has it); see DEFAULT_KEY_GUIDANCE. */
  keyGuidance: z.number().min(0).max(MAX_KEY_GUIDANCE).default(DEFAULT_KEY_GUIDANCE),
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
 * A parsed request always carries repeatPenalty, keyGuidance and metreGuidance; they are optional here for
 * requests stored before they existed and ones built in code, which planPiece gives the defaults.
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
