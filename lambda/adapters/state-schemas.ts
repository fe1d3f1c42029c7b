// zod schemas for what the state stores read back (local files, DynamoDB items): storage is an edge
// (a person may edit or truncate a file, another version may have written an item), so nothing read
// is trusted or cast.
import * as z from 'zod';
import type { BusinessState, DocResult } from '../engine/model.js';
import type { DocHistoryEntry, DocState, DocUptime, HealthRecord, RunRecord } from '../engine/ports.js';

const outcome = z.enum(['pass', 'fail', 'error', 'blocked', 'invalid', 'skip']);
const docStatus = z.enum(['active', 'pending', 'skipped', 'failed', 'retired']);
const method = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const phase = z.enum(['prerequisite', 'test']);
const summary = z.object({
  total: z.number(),
  pass: z.number(),
  fail: z.number(),
  error: z.number(),
  blocked: z.number(),
  invalid: z.number(),
  skip: z.number(),
});

export const docStateSchema: z.ZodType<DocState> = z.object({
  doc: z.string(),
  endpoint: z.string().optional(),
  domain: z.string(),
  status: docStatus.optional(),
  outcome,
  since: z.string(),
  consecutiveFailures: z.number().int().nonnegative(),
  lastRunId: z.string(),
  lastRunAt: z.string(),
  reason: z.string().optional(),
  lastSkip: z.object({ runId: z.string(), at: z.string(), reason: z.string().optional() }).optional(),
  removed: z.object({ runId: z.string(), at: z.string() }).optional(),
});

export const docHistoryEntrySchema: z.ZodType<DocHistoryEntry> = z.object({
  runId: z.string(),
  at: z.string(),
  outcome,
  durationMs: z.number(),
  failingStep: z.string().optional(),
  reason: z.string().optional(),
});

export const docUptimeSchema: z.ZodType<DocUptime> = z.object({
  doc: z.string(),
  day: z.string(),
  runs: z.number().int().nonnegative(),
  passed: z.number().int().nonnegative(),
  counted: z.number().int().nonnegative(),
});

export const healthKindSchema = z.enum(['incident', 'condition', 'mute']);

export const healthRecordSchema: z.ZodType<HealthRecord> = z.object({
  kind: healthKindSchema,
  key: z.string(),
  version: z.number().int().positive(),
  data: z.record(z.string(), z.unknown()),
  updatedAt: z.string(),
});

export const runRecordSchema: z.ZodType<RunRecord> = z.object({
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  status: z.enum(['running', 'finished', 'failed', 'refused', 'abandoned', 'interrupted']),
  reason: z.string().optional(),
  capacity: z.string().optional(),
  shards: z.number().int().nonnegative().optional(),
  trigger: z.string().optional(),
  summary: summary.optional(),
  filters: z.record(z.string(), z.unknown()).optional(),
  missing: z.array(z.string()).optional(),
});

const evidence = z.object({
  doc: z.string(),
  stepId: z.string(),
  endpoint: z.string(),
  status: z.number(),
  body: z.string(),
  at: z.string(),
  rule: z.string(),
});

export const businessStateSchema: z.ZodType<BusinessState> = z.object({
  businessId: z.string(),
  condition: z.enum(['ok', 'spam_flagged']),
  since: z.string(),
  evidence: evidence.optional(),
  affectedDocs: z.array(z.string()),
  version: z.number().int().nonnegative(),
  remedy: z.string().optional(),
  runId: z.string().optional(),
  updatedAt: z.string(),
});

const finding = z.object({
  doc: z.string(),
  line: z.number(),
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
});

const stepResult = z.object({
  id: z.string(),
  phase,
  line: z.number(),
  method,
  url: z.string().optional(),
  status: z.number().optional(),
  expected: z.array(z.number()),
  outcome: z.enum(['pass', 'fail', 'error', 'skip']),
  durationMs: z.number(),
  error: z.string().optional(),
  bodyExcerpt: z.string().optional(),
  condition: z
    .object({ condition: z.literal('spam_flagged'), rule: z.string(), confirmed: z.boolean() })
    .optional(),
});

// The doc's promise findings (#15): kept so the status page can show a drifted contract or an auth finding.
const authFinding = z.object({
  tokenType: z.string(),
  documented: z.enum(['accepted', 'refused']),
  expectedStatus: z.number().optional(),
  step: z.string(),
  status: z.number().optional(),
  finding: z.enum(['ok', 'auth.accepted', 'auth.refused', 'auth.status']),
});

const contractCheck = z.object({
  step: z.string(),
  operation: z.string(),
  spec: z.string(),
  valid: z.boolean(),
  findings: z.array(z.object({ pointer: z.string(), message: z.string() })),
});

export const docResultSchema: z.ZodType<DocResult> = z.object({
  doc: z.string(),
  endpoint: z.string().optional(),
  domain: z.string(),
  tags: z.array(z.string()).optional(),
  status: docStatus.optional(),
  outcome,
  reason: z.string().optional(),
  durationMs: z.number(),
  startedAt: z.string(),
  steps: z.array(stepResult),
  findings: z.array(finding).optional(),
  auth: z.array(authFinding).optional(),
  contract: z.array(contractCheck).optional(),
});

export const leaseSchema = z.object({
  name: z.string(),
  owner: z.string(),
  acquiredAt: z.string(),
  expiresAt: z.number(),
});
export type Lease = z.infer<typeof leaseSchema>;
