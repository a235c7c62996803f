import type { Context } from 'hono';
import { KEY_NAMES } from '../../model/analysis/keys.js';
import { METRES } from '../../model/analysis/metre.js';
import { COMPOSERS, composerLabel } from '../../model/codecs/composers.js';
import { composeRequestSchema, MAX_PRIMER_BYTES, MAX_SECONDS, MIN_SECONDS } from '../../model/compose/request.js';
import { ENSEMBLES } from '../../model/ensembles.js';
import { INSTRUMENT_COLORS } from '../../model/instrumentColors.js';
import { INSTRUMENTS, instrumentLabel, partName } from '../../model/instruments.js';
import type { Studio } from '../../studio/index.js';

/** "e-flat-major" as people write it: "E♭ major". */
function keyLabel(name: string): string {
  const [tonic = '', accidental, mode] =
    name.split('-').length === 3 ? name.split('-') : [name.split('-')[0], undefined, name.split('-')[1]];
  const sign = accidental === 'flat' ? '♭' : accidental === 'sharp' ? '♯' : '';
  return `${tonic.toUpperCase()}${sign} ${mode}`;
}

function options() {
  const { tempo, temperature, topP } = composeRequestSchema.shape;
  const defaults = composeRequestSchema.parse({ instrument: 'piano' });
  return {
    instruments: INSTRUMENTS.map((spec) => ({
      name: spec.name,
      label: instrumentLabel(spec.name),
      program: spec.program,
      lowestPitch: spec.lowestPitch,
      highestPitch: spec.highestPitch,
      color: INSTRUMENT_COLORS[spec.name],
    })),
    ensembles: ENSEMBLES.map((ensemble) => ({
      name: ensemble.name,
      label: ensemble.label,
      instruments: ensemble.instruments,
      parts: ensemble.parts.map((part) => partName(part, ensemble.parts)),
    })),
    composers: COMPOSERS.map((name) => ({ name, label: composerLabel(name) })),
    keys: KEY_NAMES.map((name) => ({ name, label: keyLabel(name) })),
    metres: METRES,
    limits: {
      minSeconds: MIN_SECONDS,
      maxSeconds: MAX_SECONDS,
      minTempo: tempo.unwrap().minValue,
      maxTempo: tempo.unwrap().maxValue,
      minTemperature: temperature.unwrap().minValue,
      maxTemperature: temperature.unwrap().maxValue,
      maxTopP: topP.unwrap().maxValue,
      maxSeed: composeRequestSchema.shape.seed.unwrap().maxValue,
      maxPrimerBytes: MAX_PRIMER_BYTES,
    },
    defaults,
  };
}

export function healthHandler(studio: Studio) {
  const started = Date.now();
  return async (c: Context) => c.json({ ok: true, uptimeSeconds: Math.round((Date.now() - started) / 1000), ...(await studio.health()) });
}

export function optionsHandler() {
  const body = options();
  return (c: Context) => c.json(body);
}
