import { z } from 'zod';

/** One categorical field of an event, predicted in the order the fields are listed. */
export const fieldSpecSchema = z.object({ name: z.string(), vocab: z.number().int().positive() });
export type FieldSpec = z.infer<typeof fieldSpecSchema>;

/**
 * Everything that shapes the network; stored in every checkpoint so one folder rebuilds it.
 * Field 0 is always the time shift: events with shift 0 share an onset and must come in
 * canonical order, which `orderKeyFields` names (e.g. instrument, then pitch).
 */
export const networkConfigSchema = z.object({
  fields: z.array(fieldSpecSchema).min(1),
  orderKeyFields: z.array(z.number().int().positive()),
  /** Rows of condition embeddings (composers, instruments, ...), summed into every input. */
  conditionVocab: z.number().int().nonnegative(),
  embedSize: z.number().int().positive().default(256),
  hiddenSize: z.number().int().positive().default(256),
  layers: z.number().int().min(1).default(3),
  headSize: z.number().int().positive().default(256),
});
export type NetworkConfig = z.infer<typeof networkConfigSchema>;

/** Row of the input embedding for value v of field k; v = vocab means "before the first event". */
export function inputRowOffsets(config: NetworkConfig): { fieldOffsets: number[]; conditionOffset: number; rows: number } {
  const fieldOffsets: number[] = [];
  let rows = 0;
  for (const field of config.fields) {
    fieldOffsets.push(rows);
    rows += field.vocab + 1;
  }
  return { fieldOffsets, conditionOffset: rows, rows: rows + config.conditionVocab };
}

/** Rows of head k's embedding of the fields before it (the fields it is conditioned on). */
export function headEmbeddingOffsets(config: NetworkConfig, field: number): number[] {
  const offsets: number[] = [];
  let rows = 0;
  for (let previous = 0; previous < field; previous++) {
    offsets.push(rows);
    rows += config.fields[previous]?.vocab ?? 0;
  }
  offsets.push(rows);
  return offsets;
}
