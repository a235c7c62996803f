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
  /**
   * Extra features an output head reads beside the fields chosen before it (e.g. the chosen
   * part's last pitch, for the pitch head), in the order a token's context slots hold them.
   */
  headContexts: z.array(z.object({ field: z.number().int().positive(), vocab: z.number().int().positive() })).default([]),
  /**
   * Copy paths (a pointer, as in Magenta's Lookback RNN's "repeat" outputs): head context `slot`
   * names a value of its head's own field (the pitch one bar back, for the pitch head), and while
   * it is below `limit` (above are "none" markers) that value's logit gains a gate the head
   * computes from its features, g = a v + b. A line can then repeat or sequence a motif by
   * raising one number instead of spelling the pitch out of its state.
   */
  copies: z.array(z.object({ slot: z.number().int().nonnegative(), limit: z.number().int().positive() })).default([]),
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

/** Context slots (indices into config.headContexts) that head k reads. */
export function headContextSlots(config: NetworkConfig, field: number): number[] {
  const slots: number[] = [];
  config.headContexts.forEach((context, slot) => {
    if (context.field === field) slots.push(slot);
  });
  return slots;
}

/**
 * Rows of head k's embedding: the fields before it (the fields it is conditioned on), then its
 * context features (headContextSlots order); the last entry is the table's row count.
 */
export function headEmbeddingOffsets(config: NetworkConfig, field: number): number[] {
  const offsets: number[] = [];
  let rows = 0;
  for (let previous = 0; previous < field; previous++) {
    offsets.push(rows);
    rows += config.fields[previous]?.vocab ?? 0;
  }
  for (const slot of headContextSlots(config, field)) {
    offsets.push(rows);
    rows += config.headContexts[slot]?.vocab ?? 0;
  }
  offsets.push(rows);
  return offsets;
}

/** A copy path of head k: the position of its slot among the head's contexts, its bound, its index among the network's copies. */
export interface HeadCopy {
  copy: number;
  position: number;
  limit: number;
}

/** The copy paths head k reads (see NetworkConfig.copies). */
export function headCopies(config: NetworkConfig, field: number): HeadCopy[] {
  const slots = headContextSlots(config, field);
  return config.copies.flatMap((copy, index) => {
    const position = slots.indexOf(copy.slot);
    return position >= 0 ? [{ copy: index, position, limit: copy.limit }] : [];
  });
}
