// The business item's one reader: the state store reads it back, and the alert Lambda reads it from
// the table stream (businessItem in items.ts writes it). Validated, never cast.
import type { BusinessState } from '../../engine/model.js';
import { businessStateSchema } from '../state-schemas.js';

export class BusinessItemError extends Error {
  override readonly name = 'BusinessItemError';
}

/** The business state a business item holds; throws BusinessItemError naming what is wrong. */
export function parseBusinessItem(item: Readonly<Record<string, unknown>>): BusinessState {
  const parsed = businessStateSchema.safeParse(item);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`)
      .join('; ');
    throw new BusinessItemError(
      `business item ${String(item.pk)} / ${String(item.sk)}: unexpected content (${problems}); remove or repair it`,
    );
  }
  return parsed.data;
}
