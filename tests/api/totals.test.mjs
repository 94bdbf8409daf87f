// totals.test.mjs - list totals stay exact after every kind of write, for
// the administrator, a manager over a team and a salesperson, in the plain
// list, a search and a filter, also when the cached totals are past
// TOTAL_CACHE_SECONDS and served while the refresher counts them again
// (total_cache.h); a salesperson's total never counts another's records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, filterParam, ok, created } from './harness.mjs';

const srv = new Server();
const PW = 'Total#2026pass';
let admin, boss, rep1, rep2, rep1Id, rep2Id;
const Q = encodeURIComponent('计数');
const CITY = filterParam({ field: 'city', op: 'eq', value: '南京' });
const LISTS = ['', `&q=${Q}`, `&filter=${CITY}`];

// every list's total as each user sees it
async function totals() {
  const out = {};
  for (const [who, cl] of [['admin', admin], ['boss', boss], ['rep1', rep1], ['rep2', rep2]])
    out[who] = await Promise.all(LISTS.map(async l => ok(await cl.get(`/api/v1/accounts?limit=1${l}`)).total));
  return out;
}
// the same, counted from the rows each user can read (limit 200 is plenty here)
async function counted() {
  const out = {};
  for (const [who, cl] of [['admin', admin], ['boss', boss], ['rep1', rep1], ['rep2', rep2]])
    out[who] = await Promise.all(LISTS.map(async l => ok(await cl.get(`/api/v1/accounts?limit=200${l}`)).items.length));
  return out;
}

before(async () => {
  await srv.start();
  admin = await srv.client();
  const all = { view: true, create: true, edit: true, delete: true, export: true };
  const profile = created(await admin.post('/api/v1/profiles', { name: '销售', permissions: { accounts: all } }));
  const bossRole = created(await admin.post('/api/v1/roles', { name: '销售经理', profile_ids: [profile.id] }));
  const repRole = created(await admin.post('/api/v1/roles', { name: '销售代表', parent_id: bossRole.id, profile_ids: [profile.id] }));
  created(await admin.post('/api/v1/users', { username: 'boss', name: '赵经理', password: PW, role_id: bossRole.id }));
  rep1Id = created(await admin.post('/api/v1/users', { username: 'rep1', name: '代表1', password: PW, role_id: repRole.id })).id;
  rep2Id = created(await admin.post('/api/v1/users', { username: 'rep2', name: '代表2', password: PW, role_id: repRole.id })).id;
  boss = await srv.client('boss', PW);
  rep1 = await srv.client('rep1', PW);
  rep2 = await srv.client('rep2', PW);
  let k = 0;
  for (const owner of [rep1Id, rep2Id, admin.user.id, null])
    for (let i = 0; i < 4; i++, k++)
      created(await admin.post('/api/v1/accounts', { name: `计数${k}号有限公司`, city: k % 2 ? '南京' : '上海', owner_id: owner }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

async function expectExact(what) {
  const t = await totals();
  assert.deepEqual(t, await counted(), what);
  return t;
}

test('totals are exact after create, delete, restore and a change of owner, cached or not', async () => {
  const start = await expectExact('at start');
  assert.equal(start.rep1[0], 4, 'a salesperson counts his own only');
  assert.equal(start.boss[0], 8, 'the manager counts his team');
  // past TOTAL_CACHE_SECONDS: the next reads are served from the cache while recounted
  await new Promise(r => setTimeout(r, 2100));
  await expectExact('served while refreshed');
  const made = created(await rep1.post('/api/v1/accounts', { name: '计数新建有限公司', city: '南京' }));
  let t = await expectExact('after a create');
  assert.equal(t.rep1[0], 5);
  assert.equal(t.rep2[0], 4);
  assert.equal((await rep1.del(`/api/v1/accounts/${made.id}`)).status, 204);
  t = await expectExact('after a delete');
  assert.equal(t.rep1[0], 4);
  ok(await rep1.post(`/api/v1/accounts/${made.id}/restore`));
  t = await expectExact('after a restore');
  assert.equal(t.rep1[2], 3);
  ok(await admin.post(`/api/v1/accounts/${made.id}/assign`, { owner_id: rep2Id }));
  t = await expectExact('after a change of owner');
  assert.deepEqual([t.rep1[0], t.rep2[0], t.boss[0]], [4, 5, 9]);
  ok(await admin.post(`/api/v1/accounts/${made.id}/assign`, { owner_id: null }));
  t = await expectExact('after the pool');
  assert.deepEqual([t.rep2[0], t.boss[0]], [4, 8]);
  ok(await admin.patch(`/api/v1/accounts/${made.id}`, { city: '上海' }));
  await expectExact('after an edit of the filtered field');
});

// A plain list's total is read from the counts kept per owner as rows are
// written (entity/owner_counts.h); the same list with a filter every row
// passes is counted with COUNT(*), so the two must agree for every user
// after every kind of write, also writes that do not go through one
// record (a merge, an import, a claim from the pool).
const ALL_ROWS = `&filter=${filterParam({ field: 'id', op: 'gt', value: 0 })}`;
async function keptAgrees(what, clients) {
  const out = {};
  for (const [who, cl] of Object.entries(clients)) {
    const kept = ok(await cl.get('/api/v1/accounts?limit=1')).total;
    const counted = ok(await cl.get(`/api/v1/accounts?limit=1${ALL_ROWS}`)).total;
    const rows = ok(await cl.get('/api/v1/accounts?limit=500')).items.length;
    assert.equal(kept, counted, `${what}: ${who} kept = counted`);
    assert.equal(kept, rows, `${what}: ${who} kept = rows`);
    const pool = ok(await cl.get('/api/v1/accounts?pool=true&limit=1')).total;
    assert.equal(pool, ok(await cl.get(`/api/v1/accounts?pool=true&limit=500${ALL_ROWS}`)).items.length, `${what}: ${who} pool`);
    out[who] = kept;
  }
  return out;
}

test('kept per-owner totals after a merge, an import, a claim, for view_all and public sharing', async () => {
  const users = { admin, boss, rep1, rep2 };
  let t = await keptAgrees('at start', users);
  // a merge: the sources go to the recycle bin
  const a = created(await rep1.post('/api/v1/accounts', { name: '合并目标有限公司' }));
  const b = created(await rep1.post('/api/v1/accounts', { name: '合并来源有限公司' }));
  t = await keptAgrees('before the merge', users);
  const merged = await rep1.post('/api/v1/accounts/merge', { target_id: a.id, source_ids: [b.id] });
  assert.equal(merged.status, 200, merged.text);
  const after = await keptAgrees('after a merge', users);
  assert.equal(after.rep1, t.rep1 - 1);
  // an import of three, one of them to the pool
  const csv = { 'Content-Type': 'text/csv' };
  const imp = await admin.req('POST', `/api/v1/accounts/import?wait=true&owner=${rep2Id}`, { raw: '客户名称\n导入一公司\n导入二公司\n', headers: csv });
  assert.equal(imp.status, 200, imp.text);
  const pooled = await admin.req('POST', '/api/v1/accounts/import?wait=true&owner=pool', { raw: '客户名称\n导入公海公司\n', headers: csv });
  assert.equal(pooled.status, 200, pooled.text);
  const imported = await keptAgrees('after imports', users);
  assert.equal(imported.rep2, after.rep2 + 2);
  assert.equal(imported.admin, after.admin + 3, 'the administrator counts the pool too');
  // a claim from the pool
  const inPool = ok(await rep1.get('/api/v1/accounts?pool=true&limit=1')).items[0];
  ok(await rep1.post(`/api/v1/accounts/${inPool.id}/claim`));
  const claimed = await keptAgrees('after a claim', users);
  assert.equal(claimed.rep1, imported.rep1 + 1);
  // view_all: a profile that reads every customer, for a user without subordinates
  const all = created(await admin.post('/api/v1/profiles', { name: '售后', permissions: { accounts: { view: true, view_all: true } } }));
  const role = created(await admin.post('/api/v1/roles', { name: '售后', profile_ids: [all.id] }));
  created(await admin.post('/api/v1/users', { username: 'after', name: '售后', password: PW, role_id: role.id }));
  const viewer = await srv.client('after', PW);
  const seen = await keptAgrees('view_all', { ...users, viewer });
  assert.equal(seen.viewer, seen.admin, 'view_all reads the pool as well, as the list does');
  // public sharing: everyone reads every customer
  const sharing = await admin.req('PUT', '/api/v1/sharing', { body: { accounts: 'public_read' } });
  assert.equal(sharing.status, 200, sharing.text);
  const open = await keptAgrees('public_read', users);
  assert.equal(open.rep1, open.admin);
  ok(await admin.req('PUT', '/api/v1/sharing', { body: { accounts: 'private' } }));
  await keptAgrees('private again', users);
});
