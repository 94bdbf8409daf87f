// merge.test.mjs - merging duplicate customers (合并): links, history and
// empty fields move to the record kept; the others go to the recycle bin;
// one transaction; only records the user may change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created } from './harness.mjs';

const srv = new Server();
let admin, wang;

before(async () => {
  await srv.start();
  srv.addUser('wangfang', 'Wang#2026pw', { name: '王芳' });
  admin = await srv.client();
  wang = await srv.client('wangfang', 'Wang#2026pw');
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('merge moves contacts, opportunities, activities and history, fills empty fields, recycles the sources', async () => {
  const keep = await created(await wang.post('/api/v1/accounts', { name: '苏州合并测试有限公司', city: '苏州' }));
  const dup1 = await created(await wang.post('/api/v1/accounts', { name: '苏州合并测试公司', phone: '0512-66668888', city: '吴江' }));
  const dup2 = await created(await wang.post('/api/v1/accounts', { name: '苏州合并测试', website: 'www.hebing.cn' }));
  const contact = await created(await wang.post('/api/v1/contacts', { name: '陈合并', account_id: dup1.id }));
  const opp = await created(await wang.post('/api/v1/opportunities', { name: '合并商机', account_id: dup2.id }));
  const act = await created(await wang.post('/api/v1/activities', { subject: '合并拜访', kind: 'visit', account_id: dup1.id, contact_id: contact.id }));
  await wang.patch(`/api/v1/accounts/${dup1.id}`, { description: '来自重复客户的备注' });

  const r = await wang.post('/api/v1/accounts/merge', { target_id: keep.id, source_ids: [dup1.id, dup2.id], fields: { city: dup1.id } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.phone, '0512-66668888', 'empty field filled');
  assert.equal(r.json.description, '来自重复客户的备注');
  assert.equal(r.json.city, '吴江', 'chosen value wins');
  assert.equal(r.json.name, '苏州合并测试有限公司');
  for (const [path, id] of [['contacts', contact.id], ['opportunities', opp.id], ['activities', act.id]])
    assert.equal((await wang.get(`/api/v1/${path}/${id}`)).json.account_id, keep.id, path);
  const related = await wang.get(`/api/v1/accounts/${keep.id}/related/contacts`);
  assert.deepEqual(related.json.items.map(c => c.id), [contact.id]);
  for (const id of [dup1.id, dup2.id]) assertError(assert, await wang.get(`/api/v1/accounts/${id}`), 404);
  const bin = await wang.get('/api/v1/accounts?deleted=true');
  assert.ok([dup1.id, dup2.id].every(id => bin.json.items.some(a => a.id === id)));
  const hist = (await wang.get(`/api/v1/accounts/${keep.id}/history`)).json.items;
  assert.ok(hist.some(h => h.action === 'merge' && h.old_value === `${dup1.id},${dup2.id}`));
  assert.ok(hist.filter(h => h.action === 'create').length >= 3, 'the sources\' history moved over');
});

test('a duplicate name may move to the target when chosen', async () => {
  const keep = await created(await wang.post('/api/v1/accounts', { name: '无锡甲' }));
  const dup = await created(await wang.post('/api/v1/accounts', { name: '无锡甲科技有限公司' }));
  const r = await wang.post('/api/v1/accounts/merge', { target_id: keep.id, source_ids: [dup.id], fields: { name: dup.id } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, '无锡甲科技有限公司');
});

test('bad merges are refused and change nothing', async () => {
  const a = await created(await wang.post('/api/v1/accounts', { name: '常州乙' }));
  const b = await created(await wang.post('/api/v1/accounts', { name: '常州乙分公司' }));
  const other = await created(await admin.post('/api/v1/accounts', { name: '管理员的常州客户' }));
  assertError(assert, await wang.post('/api/v1/accounts/merge', { target_id: a.id, source_ids: [] }), 422);
  assertError(assert, await wang.post('/api/v1/accounts/merge', { target_id: a.id, source_ids: [a.id] }), 422);
  assertError(assert, await wang.post('/api/v1/accounts/merge', { target_id: a.id, source_ids: [b.id, b.id] }), 422);
  assertError(assert, await wang.post('/api/v1/accounts/merge', { target_id: a.id, source_ids: 'b' }), 422);
  assertError(assert, await wang.post('/api/v1/accounts/merge', { target_id: a.id, source_ids: [b.id], extra: 1 }), 422);
  assertError(assert, await wang.post('/api/v1/accounts/merge', { target_id: a.id, source_ids: [b.id], fields: { name: 999 } }), 422);
  assertError(assert, await wang.post('/api/v1/accounts/merge', { target_id: a.id, source_ids: Array.from({ length: 51 }, (_, i) => 100000 + i) }), 422);
  // someone else's record: not found, and the first source is not recycled either
  assertError(assert, await wang.post('/api/v1/accounts/merge', { target_id: a.id, source_ids: [b.id, other.id] }), 404);
  assert.equal((await wang.get(`/api/v1/accounts/${b.id}`)).status, 200, 'nothing half-done');
  assertError(assert, await wang.post('/api/v1/accounts/merge', { target_id: a.id, source_ids: [b.id], version: 99 }), 409, 'conflict');
  assert.equal((await wang.get(`/api/v1/accounts/${b.id}`)).status, 200);
});
