// The business item's one reader: the state store reads it back, and the alert Lambda reads it from
// the table stream (businessItem in items.ts writes it). Validated, never cast.
import * as z from 'zod';
import type { BusinessState } from '../../engine/model.js';

export class BusinessItemError extends Error {
  override readonly name = 'BusinessItemError';
}

const evidenceSchema = z.object({
  doc: z.string(),
  stepId: z.string(),
  endpoint: z.string(),
  status: z.number(),
  body: z.string(),
  at: z.string(),
  rule: z.string(),
});

const businessItemSchema = z.object({
  entity: z.literal('business'),
  businessId: z.string().min(1),
  condition: z.enum(['ok', 'spam_flagged']),
  since: z.string(),
  evidence: evidenceSchema.optional(),
  affectedDocs: z.array(z.string()).default([]),
  version: z.number().int(),
  remedy: z.string().optional(),
  runId: z.string().optional(),
  updatedAt: z.string(),
});

/** The business state a business item holds; throws BusinessItemError naming what is wrong. */
export function parseBusinessItem(item: Readonly<Record<string, unknown>>): BusinessState {
  const parsed = businessItemSchema.safeParse(item);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`)
      .join('; ');
    throw new BusinessItemError(`business item ${String(item.pk)} is malformed: ${problems}`);
  }
  const { entity: _entity, ...state } = parsed.data;
  return state;
}
