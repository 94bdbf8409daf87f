// routes.test.mjs - the routes are declared once (route_doc beside each
// handler): the OpenAPI document generated from the declarations covers
// every route of the dispatch table, passes the validator and two linters
// nobody here wrote, and the route list of docs/api.md is not stale.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Server, KEHU_BIN } from './harness.mjs';

const tests = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srv = new Server();
let doc, dir, file;

before(async () => {
  await srv.start();
  doc = (await srv.request('GET', '/api/v1/openapi.json')).json;
  dir = mkdtempSync(join(tmpdir(), 'kehu-openapi-'));
  file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(doc, null, 1));
});
after(async () => { await srv.stop(); srv.cleanup(); rmSync(dir, { recursive: true, force: true }); });

// "GET /api/v1/:entity/:id" lines, in dispatch order.
const declared = () => execFileSync(KEHU_BIN, ['routes'], { encoding: 'utf8' }).trim().split('\n')
  .map(line => { const [method, pattern] = line.split(' '); return { method, pattern }; });

test('the OpenAPI document is valid and names every route of the dispatch table', async () => {
  await SwaggerParser.validate(structuredClone(doc));
  const routes = declared();
  assert.ok(routes.length > 40, 'the table has the routes');
  const entityPaths = Object.keys(doc.paths).filter(p => p.startsWith('/api/v1/'));
  for (const { method, pattern } of routes) {
    const templ = pattern.replace(/:([a-z_]+)/g, '{$1}');
    let found;
    if (pattern.startsWith('/api/v1/:entity')) {
      // generic: present for the entities it applies to, at least one
      const rest = templ.slice('/api/v1/{entity}'.length);
      found = entityPaths.some(p => {
        const m = p.match(/^\/api\/v1\/([a-z_]+)(.*)$/);
        return m && m[2] === rest && doc.paths[p][method.toLowerCase()]?.operationId;
      });
    } else {
      found = doc.paths[templ]?.[method.toLowerCase()];
    }
    assert.ok(found, `${method} ${pattern} is not in the OpenAPI document`);
  }
  const ops = Object.values(doc.paths).flatMap(item => Object.values(item));
  for (const op of ops) {
    assert.match(op.summary, /\/ \S/, `${op.operationId}: the summary is "中文 / English"`);
    assert.ok(Object.keys(op.responses).some(s => s < '300'), `${op.operationId} has a success answer`);
  }
  assert.equal(new Set(ops.map(o => o.operationId)).size, ops.length, 'operation ids are unique');
  assert.ok(doc.paths['/api/v1/accounts/{id}/claim'], 'accounts have a pool');
  assert.equal(doc.paths['/api/v1/users/{id}'].patch.operationId, 'update_users', 'the users\' own route wins');
  assert.ok(doc.paths['/api/v1/metadata/picklists/{entity}/{field}'].put);
});

test('Spectral (spectral:oas) finds nothing', () => {
  const r = spawnSync(join(tests, 'node_modules/.bin/spectral'),
    ['lint', file, '--ruleset', join(tests, '.spectral.yaml'), '--format', 'json', '--fail-severity', 'hint',
      '--output', join(dir, 'spectral.json')],
    { encoding: 'utf8' });
  const problems = JSON.parse(readFileSync(join(dir, 'spectral.json'), 'utf8'));
  assert.deepEqual(problems.map(p => `${p.code} ${p.path.join('.')}: ${p.message}`), []);
  assert.equal(r.status, 0, r.stderr);
});

test('Redocly (recommended) finds nothing', () => {
  const r = spawnSync(join(tests, 'node_modules/.bin/redocly'),
    ['lint', file, '--config', join(tests, 'redocly.yaml'), '--format', 'json'],
    { encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
  const out = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
  assert.deepEqual(out.problems.map(p => `${p.ruleId}: ${p.message}`), []);
  assert.equal(r.status, 0, r.stderr);
});

test('the route list in docs/api.md is what `kehu routes --markdown` writes', () => {
  const md = readFileSync(join(tests, '../docs/api.md'), 'utf8');
  const start = md.indexOf('<!-- routes:'), end = md.indexOf('<!-- /routes -->');
  assert.ok(start >= 0 && end > start, 'docs/api.md has the generated route list');
  const published = md.slice(start, end + '<!-- /routes -->\n'.length);
  const generated = execFileSync(KEHU_BIN, ['routes', '--markdown'], { encoding: 'utf8' });
  assert.equal(published, generated,
    'docs/api.md is stale: replace its route list by the output of `kehu routes --markdown` (tools/api-routes.sh does it)');
});
