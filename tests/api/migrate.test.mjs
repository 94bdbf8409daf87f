// migrate.test.mjs - a database made before companies (tests/fixtures/
// pre-companies.db.gz: written by the release before them, with two
// customers, a receipt, the sharing of customers set to public read and a
// user lina) opens in this version: everything lands in the default
// company, nothing is lost, auto-numbers and balances go on, the sharing
// stays, and the administrator becomes a platform administrator whose new
// companies see none of it. SQLite only: the fixture is a file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kehu-migrate-'));
const srv = new Server();
let admin, lina;

before(async () => {
  const db = join(dir, 'old.db');
  writeFileSync(db, gunzipSync(readFileSync(join(here, '../fixtures/pre-companies.db.gz'))));
  await srv.start({ db, dir });
  admin = await srv.client();
  lina = await srv.client('lina', 'Pass#2026word');
});
after(async () => { await srv.stop(); rmSync(dir, { recursive: true, force: true }); });

test('the records, users and settings of before land in the default company', async () => {
  assert.equal(admin.user.company_id, 1);
  assert.equal(admin.user.platform_admin, true, 'the administrator of before runs the platform');
  assert.equal(lina.user.company_id, 1);
  assert.equal(lina.user.platform_admin, false);
  const list = (await admin.get('/api/v1/accounts')).json;
  assert.deepEqual(list.items.map(a => a.name).sort(), ['迁移前客户乙', '迁移前客户甲']);
  assert.ok(list.items.every(a => a.company_id === 1));
  const companies = (await admin.get('/api/v1/companies')).json.items;
  assert.deepEqual(companies.map(c => [c.id, c.code]), [[1, 'default']]);
  // the sharing set before (customers public read) still holds for lina
  assert.equal((await admin.get('/api/v1/sharing')).json.accounts, 'public_read');
  assert.equal((await lina.get('/api/v1/accounts')).json.total, 2);
});

test('auto-numbers, balances and uniqueness go on where they were', async () => {
  const next = await admin.post('/api/v1/accounts', { name: '迁移后客户' });
  assert.equal(next.status, 201, next.text);
  assert.equal(next.json.code, 'KH-000003');
  assert.equal((await admin.post('/api/v1/accounts', { name: '迁移前客户甲' })).status, 409);
  const bal = (await admin.get('/api/v1/receipts/balances?name=by_account&account_id=1')).json;
  assert.equal(bal.items.length, 1, JSON.stringify(bal));
  assert.equal(bal.items[0].entries, 1);
  const more = await admin.post('/api/v1/receipts', { account_id: 1, amount: 100 });
  assert.equal(more.status, 201, more.text);
  assert.equal((await admin.get('/api/v1/receipts/balances?name=by_account&account_id=1')).json.items[0].entries, 2);
});

test('a company created after the migration sees nothing of before', async () => {
  const c = await admin.post('/api/v1/companies', {
    name: '新开公司', admin: { username: 'boss_new', name: '新公司管理员', password: 'Pass#2026word' } });
  assert.equal(c.status, 201, c.text);
  const boss = await srv.client('boss_new', 'Pass#2026word');
  assert.equal((await boss.get('/api/v1/accounts')).json.total, 0);
  assert.equal((await boss.get('/api/v1/users')).json.total, 1);
  assert.equal((await boss.get('/api/v1/sharing')).json.accounts, 'private', 'sharing is per company');
  const first = await boss.post('/api/v1/accounts', { name: '迁移前客户甲' });
  assert.equal(first.status, 201, 'the name is free in another company');
  assert.equal(first.json.code, 'KH-000001');
});
