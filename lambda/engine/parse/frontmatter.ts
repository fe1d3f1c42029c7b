// Frontmatter: split it from the markdown, read it with the YAML core schema, validate each key (FORMAT.md §2).
import type { DocStatus, Finding } from '../model.js';
import { errorAt, quote, warningAt } from './findings.js';
import { ALL_RULES, FRONTMATTER_KEYS, type KeyRule, RULES, readPlainly } from './frontmatter-rules.js';
import { parseYaml } from './yaml-source.js';

export interface FrontmatterSplit {
  /** The YAML between the fences; undefined when the file has no frontmatter. */
  readonly yaml?: string;
  /** Number of lines the frontmatter occupies, fences included (0 when none). */
  readonly lineCount: number;
  readonly error?: Finding;
}

/** Real frontmatter is under 1 KB; YAML this large is not metadata and is slow to read. */
export const MAX_FRONTMATTER_CHARS = 64 * 1024;

const OPEN = /^---[ \t]*$/;
const CLOSE = /^(---|\.\.\.)[ \t]*$/;

export function splitFrontmatter(doc: string, lines: readonly string[]): FrontmatterSplit {
  if (!OPEN.test(lines[0] ?? '')) return { lineCount: 0 };
  for (let i = 1; i < lines.length; i++) {
    if (CLOSE.test(lines[i] ?? '')) return { yaml: lines.slice(1, i).join('\n'), lineCount: i + 1 };
  }
  return {
    lineCount: 0,
    error: errorAt(
      doc,
      1,
      'frontmatter-unclosed',
      'frontmatter opened with "---" on line 1 is never closed; expected a closing "---" line after the last key; add it',
    ),
  };
}

export const STATUS_MAP: Readonly<Record<string, DocStatus>> = {
  verified: 'active',
  success: 'active',
  pass: 'active',
  pending: 'pending',
  skip: 'skipped',
  skipped: 'skipped',
  failed: 'failed',
  deprecated: 'retired',
};

/** Maps a frontmatter status (case-insensitive) to its run policy, or undefined when unknown. */
export function mapStatus(raw: string): DocStatus | undefined {
  const key = raw.trim().toLowerCase();
  return Object.hasOwn(STATUS_MAP, key) ? STATUS_MAP[key] : undefined;
}

export interface FrontmatterFields {
  readonly data: Readonly<Record<string, unknown>>;
  readonly endpoint?: string;
  readonly domain?: string;
  readonly tags: readonly string[];
  readonly status?: DocStatus;
  readonly rawStatus: string;
  readonly useFallbackApi: boolean;
  readonly skipReason?: string;
  readonly expectedOutcome?: readonly number[];
}

/** Reads and validates the frontmatter YAML (which starts on file line 2). */
export function readFrontmatter(
  doc: string,
  yaml: string | undefined,
): { fields: FrontmatterFields; findings: Finding[] } {
  const findings: Finding[] = [];
  const empty: FrontmatterFields = { data: {}, tags: [], rawStatus: '', useFallbackApi: false };
  if (yaml === undefined) {
    findings.push(
      errorAt(
        doc,
        1,
        'missing-frontmatter',
        'no frontmatter found; expected the file to start with a "---" line, YAML keys (at least `status`), and a closing "---"; add the frontmatter block',
      ),
    );
    return { fields: empty, findings };
  }
  if (yaml.length > MAX_FRONTMATTER_CHARS) {
    findings.push(
      errorAt(
        doc,
        1,
        'frontmatter-too-large',
        `frontmatter is ${yaml.length} characters; expected at most ${MAX_FRONTMATTER_CHARS} (real ones are under 1 KB); move the bulk into the markdown body`,
      ),
    );
    return { fields: empty, findings };
  }
  const parsed = parseYaml(yaml, 2);
  for (const issue of parsed.issues)
    findings.push(
      errorAt(
        doc,
        issue.line,
        issue.code,
        `frontmatter: ${issue.message}; fix the YAML between the "---" lines`,
      ),
    );
  if (parsed.issues.length > 0) return { fields: empty, findings };
  const value = parsed.value ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    findings.push(
      errorAt(
        doc,
        2,
        'frontmatter-invalid',
        `frontmatter is ${quote(value)}; expected YAML keys such as "status: verified"; rewrite it as key: value lines`,
      ),
    );
    return { fields: empty, findings };
  }
  const data: Record<string, unknown> = { ...value };
  const lineOf = (key: string): number => parsed.lineAt([key]) ?? 2;
  // A plainly valid frontmatter is read without zod (frontmatter-rules.ts); zod judges any other.
  const plain = readPlainly(data);
  const whole = plain ? { success: true as const, data: plain } : ALL_RULES.safeParse(data);
  const read = <T>(key: keyof typeof RULES, rule: KeyRule<T>): NonNullable<T> | undefined => {
    if (!Object.hasOwn(data, key)) return undefined;
    if (whole.success)
      return ((whole.data as Record<string, T>)[key] ?? undefined) as NonNullable<T> | undefined;
    const result = rule.schema.safeParse(data[key]);
    if (result.success) return result.data ?? undefined;
    const make = rule.severity === 'error' ? errorAt : warningAt;
    findings.push(
      make(
        doc,
        lineOf(key),
        'frontmatter-type',
        `frontmatter ${key}: found ${quote(data[key])}; expected ${rule.expected}; fix the value`,
      ),
    );
    return undefined;
  };
  for (const key of Object.keys(data)) {
    if (!FRONTMATTER_KEYS.has(key)) {
      findings.push(
        warningAt(
          doc,
          lineOf(key),
          'unknown-key',
          `frontmatter: unknown key "${key}"; expected one of ${[...FRONTMATTER_KEYS].join(', ')}; remove it or fix its spelling (it is kept but ignored)`,
        ),
      );
    }
  }
  const rawStatus = read('status', RULES.status);
  let status: DocStatus | undefined;
  if (rawStatus === undefined) {
    if (!Object.hasOwn(data, 'status')) {
      findings.push(
        errorAt(
          doc,
          2,
          'missing-status',
          'frontmatter has no status; expected one of verified, success, pass, pending, skip, skipped, failed, deprecated; add e.g. "status: pending"',
        ),
      );
    }
  } else {
    status = mapStatus(rawStatus);
    if (!status) {
      findings.push(
        errorAt(
          doc,
          lineOf('status'),
          'unknown-status',
          `frontmatter status ${quote(rawStatus)} is not a known status; expected one of verified, success, pass, pending, skip, skipped, failed, deprecated; use one of them`,
        ),
      );
    }
  }
  const endpoint = read('endpoint', RULES.endpoint);
  if (endpoint !== undefined && !/^(GET|POST|PUT|PATCH|DELETE) \/\S*$/.test(endpoint.trim())) {
    findings.push(
      warningAt(
        doc,
        lineOf('endpoint'),
        'bad-endpoint',
        `frontmatter endpoint ${quote(endpoint)} is not "METHOD /path"; expected e.g. "GET /platform/v1/clients"; fix it so reports and fallback routing can use it`,
      ),
    );
  }
  const fields: FrontmatterFields = {
    data,
    endpoint: endpoint?.trim(),
    domain: read('domain', RULES.domain),
    tags: read('tags', RULES.tags) ?? [],
    status,
    rawStatus: rawStatus ?? '',
    useFallbackApi: read('useFallbackApi', RULES.useFallbackApi) ?? false,
    skipReason: read('skipReason', RULES.skipReason),
    expectedOutcome: read('expectedOutcome', RULES.expectedOutcome),
  };
  // Metadata keys are only checked (warnings); their values stay in `data`.
  read('swagger', RULES.swagger);
  read('savedAt', RULES.savedAt);
  read('verifiedAt', RULES.verifiedAt);
  read('timesReused', RULES.timesReused);
  read('tokens', RULES.tokens);
  read('expectedOutcomeReason', RULES.expectedOutcomeReason);
  read('requiresTestData', RULES.requiresTestData);
  read('testDataDescription', RULES.testDataDescription);
  read('notes', RULES.notes);
  return { fields, findings };
}

/** `communication/x.md` → `communication`, for docs whose frontmatter lacks `domain`. */
function defaultDomain(id: string): string {
  const slash = id.indexOf('/');
  return slash > 0 ? id.slice(0, slash) : '';
}

/** The doc fields the frontmatter decides: shared by parseDoc and readDocHeader so they never differ. */
export function headerFields(id: string, f: FrontmatterFields) {
  return {
    id,
    endpoint: f.endpoint,
    domain: f.domain ?? defaultDomain(id),
    tags: f.tags,
    // A doc whose status is unknown is invalid (an error finding); `active` keeps it visible in runs.
    status: f.status ?? 'active',
    rawStatus: f.rawStatus,
    useFallbackApi: f.useFallbackApi,
    skipReason: f.skipReason,
    expectedOutcome: f.expectedOutcome,
  };
}
