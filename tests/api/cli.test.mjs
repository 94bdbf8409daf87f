// cli.test.mjs - the kehu command line: asking for help or giving an
// unknown option prints the usage and changes nothing (no database made,
// no admin password printed, no port bound).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEHU_BIN } from './harness.mjs';

function run(args) {
  const dir = mkdtempSync(join(tmpdir(), 'kehu-cli-'));
  try {
    const r = spawnSync(KEHU_BIN, args, { cwd: dir, encoding: 'utf8', timeout: 10000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, files: readdirSync(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const cmd of ['serve', 'init', 'migrate']) {
  test(`kehu ${cmd} --help prints the usage, exits 0 and makes no database`, () => {
    const r = run([cmd, '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /用法 \/ usage: kehu COMMAND/);
    assert.deepEqual(r.files, []);
    assert.doesNotMatch(r.stderr, /password/i);
  });

  test(`kehu ${cmd} with an unknown option names it, exits 2 and makes no database`, () => {
    const r = run([cmd, '--dbx', 'x.db']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /未知选项 \/ unknown option: --dbx/);
    assert.deepEqual(r.files, []);
  });
}

test('an option that needs a value and has none is refused', () => {
  const r = run(['serve', '--listen']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--listen 需要一个值/);
  assert.deepEqual(r.files, []);
});
