// totals.test.mjs - list totals stay exact after every kind of write, for
// the administrator, a manager over a team and a salesperson, in the plain
// list, a search and a filter, also when the cached totals are past
// TOTAL_CACHE_SECONDS and served while the refresher counts them again
// (total_cache.h); a salesperson's total never counts another's records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, filterParam } from './harness.mjs';

const srv = new Server();
const PW = 'Total#2026pass';
let admin, boss, rep1, rep2, rep1Id, rep2Id;
const ok = r => { assert.equal(r.status, 200, r.text); return r.json; };
const created = r => { assert.equal(r.status, 201, r.text); return r.json; };
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
