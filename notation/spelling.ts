/**
 * Pitch spelling on the line of fifths (F C G D A E B = -1 .. 5, sharps +7, flats -7): a key
 * signature is a window on that line, and a chromatic note takes the spelling nearest the key's
 * centre, so D minor's leading tone is C-sharp, not D-flat, and C major's flat sixth is A-flat.
 */

export interface SpelledPitch {
  step: 'C' | 'D' | 'E' | 'F' | 'G' | 'A' | 'B';
  /** -2 .. 2 semitones */
  alter: number;
  octave: number;
}

/** A key as notation needs it: its signature (sharps positive, flats negative) and mode. */
export interface NotatedKey {
  fifths: number;
  mode: 'major' | 'minor';
}

const LETTERS_BY_FIFTH = ['F', 'C', 'G', 'D', 'A', 'E', 'B'] as const;
const LETTER_PITCH_CLASS: Record<SpelledPitch['step'], number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

function modulo(value: number, base: number): number {
  return ((value % base) + base) % base;
}

/** Position of a pitch class on the line of fifths, in 0..11 (7 is its own inverse mod 12). */
function fifthPosition(pitchClass: number): number {
  return modulo(pitchClass * 7, 12);
}

/**
 * The signature of a key given as its index (tonic pitch class + 12 for minor, as in
 * model/analysis/keys.ts), choosing the spelling with fewer accidentals (D-flat major over
 * C-sharp major; E-flat minor over D-sharp minor on a tie).
 */
export function keySignature(key: number): NotatedKey {
  const mode = key >= 12 ? 'minor' : 'major';
  const tonic = fifthPosition(key % 12);
  const fifths = mode === 'major' ? tonic : tonic - 3;
  return { fifths: fifths > 5 ? fifths - 12 : fifths, mode };
}

/** The same key read by an instrument whose written pitch is `semitones` above the sounding one. */
export function transposeSignature(key: NotatedKey, semitones: number): NotatedKey {
  let fifths = key.fifths + fifthPosition(modulo(semitones, 12));
  while (fifths > 6) fifths -= 12;
  while (fifths < -6) fifths += 12;
  return { fifths, mode: key.mode };
}

/** A MIDI pitch spelled for a key. */
export function spellPitch(pitch: number, key: NotatedKey): SpelledPitch {
  const centre = key.fifths + (key.mode === 'minor' ? 3 : 2);
  const base = fifthPosition(modulo(pitch, 12));
  let best = base;
  for (const candidate of [base - 24, base - 12, base, base + 12]) {
    const distance = Math.abs(candidate - centre);
    const bestDistance = Math.abs(best - centre);
    // On a tie minor keys lean sharp (raised sixth and seventh), major keys flat.
    if (distance < bestDistance || (distance === bestDistance && (key.mode === 'minor' ? candidate > best : candidate < best)))
      best = candidate;
  }
  const step = LETTERS_BY_FIFTH[modulo(best + 1, 7)] as SpelledPitch['step'];
  const alter = Math.floor((best + 1) / 7);
  // The octave follows the letter: B-sharp 4 sounds as C5, C-flat 5 as B4.
  const octave = Math.round((pitch - alter - LETTER_PITCH_CLASS[step]) / 12) - 1;
  return { step, alter, octave };
}

/** The alteration a key signature gives each letter. */
export function signatureAlters(key: NotatedKey): Map<SpelledPitch['step'], number> {
  const alters = new Map<SpelledPitch['step'], number>(LETTERS_BY_FIFTH.map((letter) => [letter, 0]));
  for (let index = 0; index < Math.abs(key.fifths); index++) {
    // Sharps are added F C G ..., flats B E A ...
    const letter = key.fifths > 0 ? LETTERS_BY_FIFTH[index] : LETTERS_BY_FIFTH[6 - index];
    if (letter) alters.set(letter, key.fifths > 0 ? 1 : -1);
  }
  return alters;
}
