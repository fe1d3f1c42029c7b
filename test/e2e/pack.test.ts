// The package as a user gets it: `npm pack`, then `npm install -g` of the tarball into a temp prefix,
// then the installed `verifier` bin. Slow-ish (a build, a pack, an install: 10-30 s), kept in the suite
// so a broken `bin`, `files` or a runtime dependency the bundle forgot shows up here.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/shared.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir: string;
let packed: { filename: string; files: { path: string }[] };

function npm(args: string[], cwd = REPO_ROOT) {
  const r = spawnSync(NPM, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', NO_COLOR: '1' },
  });
  expect(r.status, `npm ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verifier-pack-'));
  // The bundle is built once (npm pack would run `prepare` again while other test files read dist/).
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: REPO_ROOT });
  expect(build.status, String(build.stderr)).toBe(0);
  const out = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir]).stdout;
  packed = (JSON.parse(out) as (typeof packed)[])[0] as typeof packed;
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds the CLI bundle, the docs, the seeds, README and LICENSE, and nothing of the sources', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of [
      'package.json',
      'dist/verifier.mjs',
      'docs/format.md',
      'seeds/communication/post_platform_v1_messages.md',
      'seeds/test-files/intake-form.pdf',
      'README.md',
      'LICENSE',
    ])
      expect(files).toContain(f);
    expect(
      files.filter((f) => /^(lambda|lib|cli|test|sandbox|bench|scripts)\/|\.map$|\.ts$/.test(f)),
    ).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.private).toBeUndefined();
    expect(pkg.bin).toEqual({ verifier: 'dist/verifier.mjs' });
    // The bundle needs nothing from node_modules, so installing it pulls in nothing.
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
  });

  it("a clone's npm install is quiet: allowScripts rules on every locked package with an install script", () => {
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
    };
    expect(withScripts.filter((name) => typeof pkg.allowScripts?.[name] !== 'boolean')).toEqual([]);
  });

  it('installs globally from the tarball, offline, and its `verifier` bin works', () => {
    const prefix = join(dir, 'prefix');
    const install = npm(
      [
        'install',
        '-g',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--prefix',
        prefix,
        join(dir, packed.filename),
      ],
      dir,
    );
    expect(install.stderr).not.toMatch(/allowScripts|install scripts/i);
    const bin = join(prefix, process.platform === 'win32' ? 'verifier.cmd' : 'bin/verifier');
    const help = spawnSync(bin, ['--help'], { cwd: dir, encoding: 'utf8' });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: verifier/);
    expect(help.stdout).toMatch(/\blint\b/);
    // The shipped seeds come with it and lint clean from the installed copy.
    const seeds = join(prefix, 'lib/node_modules/verifier/seeds');
    const lint = spawnSync(bin, ['lint', seeds], { cwd: dir, encoding: 'utf8' });
    expect(lint.status, `${lint.stdout}\n${lint.stderr}`).toBe(0);
  });
});
