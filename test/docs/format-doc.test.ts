// docs/format.md quotes seeds/ by path and by line; those quotes must stay true as the seeds change,
// and the README must point users at it rather than at ../shared, which they do not have.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/shared.js';

const FORMAT = readFileSync(join(REPO_ROOT, 'docs/format.md'), 'utf8');
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

describe('docs/format.md', () => {
  it('names only seed docs that exist', () => {
    const named = [...new Set(FORMAT.match(/seeds\/[\w/.-]+\.(md|pdf)/g) ?? [])];
    expect(named.length).toBeGreaterThanOrEqual(8);
    expect(named.filter((p) => !existsSync(join(REPO_ROOT, p)))).toEqual([]);
  });

  it('quotes the seeds as they are written', () => {
    const seed = (p: string) => readFileSync(join(REPO_ROOT, 'seeds', p), 'utf8');
    const staffs = seed('platform_administration/get_platform_v1_staffs.md');
    for (const line of [
      `owner_staff_id: "$.data.staffs[?(@.role == 'owner')].id"`,
      `member_email: "$.data.staffs[?(@.role != 'owner' && @.active == true)].email"`,
      '| App        | No    | Returns 401                   |',
    ]) {
      expect(staffs).toContain(line);
      expect(FORMAT).toContain(line);
    }
    const messages = seed('communication/post_platform_v1_messages.md');
    const front = messages.split('\n---\n')[0] ?? '';
    expect(FORMAT).toContain(front);
    expect(seed('clients/post_platform_v1_clients_missing_fields.md')).toMatch(/^expectedOutcome: 422$/m);
  });

  it('is linked from the README, which asks nothing of ../shared', () => {
    expect(README).toContain('](docs/format.md)');
    expect(README).not.toMatch(/lint \.\.\/shared|fixed in `\.\.\/shared\/FORMAT\.md`/);
  });
});
