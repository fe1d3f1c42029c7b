// Synthetic workflow docs that scale the real corpus up (350, 2,000 docs) for the benchmark. They
// follow FORMAT.md and look like the real ones: frontmatter, a prerequisite that extracts an id, test
// steps that use it, bodies with run-time variables, some fallback-routed docs, some chains.
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DOMAINS = ['sales', 'clients', 'scheduling', 'communication', 'apps', 'reviews', 'integrations'];
const RESOURCES = [
  'widgets',
  'coupons',
  'invoices',
  'estimates',
  'resources',
  'rooms',
  'shifts',
  'packages',
  'vouchers',
  'forms',
  'labels',
  'notes',
  'tasks',
  'campaigns',
  'segments',
  'surveys',
  'memberships',
  'gift_cards',
  'locations',
  'devices',
  'templates',
  'webhooks',
  'reports',
  'exports',
]; // prettier-ignore

function singular(resource: string): string {
  return resource.endsWith('s') ? resource.slice(0, -1) : resource;
}

function frontmatter(endpoint: string, domain: string, resource: string, fallback: boolean): string {
  return [
    '---',
    `endpoint: "${endpoint}"`,
    `domain: ${domain}`,
    `tags: [${resource}, bench]`,
    `swagger: "swagger/${domain}/bench_${resource}.json"`,
    'status: verified',
    'savedAt: "2026-02-01T10:00:00.000Z"',
    'verifiedAt: "2026-02-01T10:00:00.000Z"',
    'timesReused: 0',
    'tokens: [staff]',
    ...(fallback ? ['useFallbackApi: true'] : []),
    '---',
  ].join('\n');
}

function listStep(id: string, resource: string, variable: string): string {
  return [
    `  - id: ${id}`,
    `    description: "Fetch one ${singular(resource)} to work with"`,
    '    method: GET',
    `    path: "/platform/v1/bench/${resource}"`,
    '    params:',
    '      business_id: "{{business_id}}"',
    '      per_page: "1"',
    '    extract:',
    `      ${variable}: "$.data.${resource}[0].uid"`,
    '    expect:',
    '      status: [200]',
    '    onFail: abort',
  ].join('\n');
}

function block(steps: readonly string[]): string {
  return ['```yaml', 'steps:', ...steps, '```'].join('\n');
}

/** The markdown of synthetic doc number `n` (deterministic). */
export function syntheticDoc(n: number): { id: string; text: string } {
  const resource = RESOURCES[n % RESOURCES.length] ?? 'widgets';
  const domain = DOMAINS[n % DOMAINS.length] ?? 'sales';
  const one = singular(resource);
  const variable = `${one}_uid`;
  const shape = n % 5;
  const fallback = shape === 3;
  const prereq = [listStep(`get_${resource}`, resource, variable)];
  let method = 'GET';
  let test: string[];
  if (shape === 0) {
    test = [
      [
        `  - id: get_${one}`,
        `    method: GET`,
        `    path: "/platform/v1/bench/${resource}/{{${variable}}}"`,
        '    expect:',
        '      status: 200',
      ].join('\n'),
    ];
  } else if (shape === 1 || shape === 3) {
    method = 'POST';
    test = [
      [
        `  - id: create_${one}`,
        `    description: "Create a ${one}"`,
        '    method: POST',
        `    path: "/platform/v1/bench/${resource}"`,
        '    body:',
        `      ${one}:`,
        '        business_id: "{{business_id}}"',
        '        staff_id: "{{staff_id}}"',
        `        name: "Bench ${one} {{now_timestamp}}"`,
        '        starts_at: "{{future_datetime}}"',
        '        notes: "created by the benchmark"',
        '        quantity: 2',
        '    extract:',
        `      new_${variable}: "$.data.${one}.uid"`,
        '    expect:',
        '      status: [201]',
      ].join('\n'),
    ];
  } else if (shape === 2) {
    method = 'PUT';
    test = [
      [
        `  - id: update_${one}`,
        '    method: PUT',
        `    path: "/platform/v1/bench/${resource}/{{${variable}}}"`,
        '    body:',
        `      ${one}:`,
        '        name: "Updated {{random_string}}"',
        '        updated_on: "{{today_date}}"',
        '    expect:',
        '      status: [200, 201]',
      ].join('\n'),
    ];
  } else {
    prereq.push(
      [
        '  - id: get_staff',
        '    method: GET',
        '    path: "/platform/v1/businesses/{{business_id}}/staffs"',
        '    params:',
        '      per_page: "1"',
        '    extract:',
        '      bench_staff_uid: "$.data.staffs[0].uid"',
        '    expect:',
        '      status: [200]',
      ].join('\n'),
    );
    test = ['history', 'stats'].map((what) =>
      [
        `  - id: get_${one}_${what}`,
        '    method: GET',
        `    path: "/platform/v1/bench/${resource}/{{${variable}}}/${what}"`,
        '    params:',
        '      staff_uid: "{{bench_staff_uid}}"',
        '      from: "{{start_of_month_date}}"',
        '    expect:',
        '      status: [200]',
      ].join('\n'),
    );
  }
  const endpoint = `${method} /platform/v1/bench/${resource}${method === 'POST' ? '' : `/{${variable}}`}`;
  const text = [
    frontmatter(endpoint, domain, resource, fallback),
    '',
    `# ${method === 'POST' ? 'Create' : method === 'PUT' ? 'Update' : 'Get'} ${one} (synthetic ${n})`,
    '',
    '## Summary',
    '',
    `Synthetic doc generated by the benchmark to scale the corpus. It exercises ${endpoint}.`,
    '',
    '## Prerequisites',
    '',
    block(prereq),
    '',
    '## Test Request',
    '',
    block(test),
    '',
    '## Response',
    '',
    '```json',
    `{ "status": "OK", "data": { "${one}": { "uid": "abc123" } } }`,
    '```',
    '',
  ].join('\n');
  const id = `synthetic/${domain}/${method.toLowerCase()}_bench_${resource}_${String(n).padStart(4, '0')}.md`;
  return { id, text };
}

/** Writes synthetic docs `0..count-1` under `root`; returns their ids. */
export async function writeSyntheticDocs(root: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const { id, text } = syntheticDoc(n);
    await mkdir(join(root, id, '..'), { recursive: true });
    await writeFile(join(root, id), text);
    ids.push(id);
  }
  return ids;
}

async function countMarkdown(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile() && e.name.endsWith('.md')) n++;
  return n;
}

export interface DocsDir {
  readonly dir: string;
  readonly corpus: number;
  readonly synthetic: number;
  cleanup(): Promise<void>;
}

/** A temp docs root holding the real corpus plus synthetic docs up to `total` docs. */
export async function prepareDocsDir(corpusDir: string, total: number): Promise<DocsDir> {
  const dir = await mkdtemp(join(tmpdir(), 'verifier-bench-docs-'));
  await cp(corpusDir, dir, { recursive: true, filter: (src) => !src.endsWith('.git') });
  const corpus = await countMarkdown(dir);
  const synthetic = Math.max(0, total - corpus);
  await writeSyntheticDocs(dir, synthetic);
  return { dir, corpus, synthetic, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
