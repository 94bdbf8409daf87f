// records.test.mjs - the generic records API on accounts and contacts:
// create/read/update/delete/restore, links with display names, auto-numbers,
// defaults, uniqueness, optimistic concurrency, history, related lists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const srv = new Server();
let admin;

before(async () => { await srv.start(); admin = await srv.client(); });
after(async () => { await srv.stop(); srv.cleanup(); });

test('create a customer with a Chinese name: 201, defaults, auto-number, stamps, ETag', async () => {
  const r = await admin.post('/api/v1/accounts', {
    name: '南京奥派信息技术有限责任公司', industry: 'it', annual_revenue: 12345678.9,
    phone: '025-83333333', city: '南京', employees: 320, next_contact_at: '2026-12-01T09:30:00+08:00',
  });
  assert.equal(r.status, 201, r.text);
  const a = r.json;
  assert.equal(a.name, '南京奥派信息技术有限责任公司');
  assert.match(a.code, /^KH-\d{6}$/);
  assert.equal(a.type, 'customer', 'default picklist value applied');
  assert.equal(a.is_hot, false);
  assert.equal(a.annual_revenue, 12345678.9, 'money is exact');
  assert.equal(a.next_contact_at, '2026-12-01T01:30:00Z', 'datetime stored as UTC');
  assert.equal(a.version, 1);
  assert.equal(a.owner_id, admin.user.id);
  assert.equal(a.owner_name, '系统管理员');
  assert.match(a.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(a.created_by, admin.user.id);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.equal(r.headers.get('location'), `/api/v1/accounts/${a.id}`);

  const again = await admin.get(`/api/v1/accounts/${a.id}`);
  assert.equal(again.status, 200);
  assert.deepEqual(again.json, a);
  const cached = await admin.get(`/api/v1/accounts/${a.id}`, { headers: { 'If-None-Match': '"1"' } });
  assert.equal(cached.status, 304);
});

test('auto-numbers increase and never repeat', async () => {
  const a = (await admin.post('/api/v1/accounts', { name: '上海贝尔通信设备有限公司' })).json;
  const b = (await admin.post('/api/v1/accounts', { name: '杭州娃哈哈食品有限公司' })).json;
  assert.equal(Number(b.code.slice(3)), Number(a.code.slice(3)) + 1);
});

test('exact duplicate customer name is refused with 409 duplicate', async () => {
  await admin.post('/api/v1/accounts', { name: '苏州金螳螂建筑装饰股份有限公司' });
  const dup = await admin.post('/api/v1/accounts', { name: '苏州金螳螂建筑装饰股份有限公司' });
  assertError(assert, dup, 409, 'duplicate');
  assert.equal(dup.json.error.fields.name, 'duplicate');
});

test('a contact links to its customer and shows the customer name', async () => {
  const acc = (await admin.post('/api/v1/accounts', { name: '武汉长江通信产业集团股份有限公司' })).json;
  const r = await admin.post('/api/v1/contacts', { name: '欧阳晓东', account_id: acc.id, title: '采购经理',
    mobile: '13912345678', email: 'ouyang@example.cn', gender: 'male', birthday: '1985-06-15' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.account_id, acc.id);
  assert.equal(r.json.account_name, '武汉长江通信产业集团股份有限公司');
  const rel = await admin.get(`/api/v1/accounts/${acc.id}/related/contacts`);
  assert.equal(rel.status, 200);
  assert.equal(rel.json.total, 1);
  assert.equal(rel.json.items[0].name, '欧阳晓东');
  const missing = await admin.post('/api/v1/contacts', { name: '王芳', account_id: 999999 });
  assertError(assert, missing, 422, 'validation_failed');
  assert.equal(missing.json.error.fields.account_id, 'not_found');
  assertError(assert, await admin.get(`/api/v1/accounts/${acc.id}/related/nothing`), 404, 'not_found');
});

test('update changes only what was sent, bumps version and writes field history', async () => {
  const acc = (await admin.post('/api/v1/accounts', { name: '青岛海尔智家股份有限公司', grade: 'B' })).json;
  const r = await admin.patch(`/api/v1/accounts/${acc.id}`, { grade: 'A', city: '青岛', annual_revenue: '100.50' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.grade, 'A');
  assert.equal(r.json.city, '青岛');
  assert.equal(r.json.annual_revenue, 100.5);
  assert.equal(r.json.name, acc.name);
  assert.equal(r.json.version, 2);
  const same = await admin.patch(`/api/v1/accounts/${acc.id}`, { grade: 'A' });
  assert.equal(same.status, 200);
  const h = await admin.get(`/api/v1/accounts/${acc.id}/history`);
  assert.equal(h.status, 200);
  const updates = h.json.items.filter(i => i.action === 'update');
  const grade = updates.filter(i => i.field === 'grade');
  assert.equal(grade.length, 1, 'an unchanged value is not logged again');
  assert.equal(grade[0].old_value, 'B');
  assert.equal(grade[0].new_value, 'A');
  assert.equal(grade[0].field_label, '客户等级');
  assert.equal(grade[0].changed_by_name, '系统管理员');
  assert.equal(updates.find(i => i.field === 'annual_revenue').new_value, '100.50');
  assert.ok(h.json.items.some(i => i.action === 'create'));
  const en = await admin.get(`/api/v1/accounts/${acc.id}/history`, { headers: { 'Accept-Language': 'en' } });
  assert.equal(en.json.items.find(i => i.field === 'grade').field_label, 'Grade');
});

test('a stale version answers 409 conflict with the current record; nothing is overwritten', async () => {
  const acc = (await admin.post('/api/v1/accounts', { name: '成都天府软件园有限公司' })).json;
  const first = await admin.patch(`/api/v1/accounts/${acc.id}`, { city: '成都' }, { headers: { 'If-Match': '"1"' } });
  assert.equal(first.status, 200, first.text);
  const stale = await admin.patch(`/api/v1/accounts/${acc.id}`, { city: '重庆' }, { headers: { 'If-Match': '"1"' } });
  assertError(assert, stale, 409, 'conflict');
  assert.equal(stale.json.error.current.city, '成都');
  assert.equal(stale.json.error.current.version, 2);
  const viaBody = await admin.patch(`/api/v1/accounts/${acc.id}`, { city: '重庆', version: 1 });
  assertError(assert, viaBody, 409, 'conflict');
  const ok = await admin.patch(`/api/v1/accounts/${acc.id}`, { city: '重庆', version: 2 });
  assert.equal(ok.status, 200);
  const staleDelete = await admin.del(`/api/v1/accounts/${acc.id}`, { headers: { 'If-Match': '"2"' } });
  assertError(assert, staleDelete, 409, 'conflict');
  assert.equal((await admin.get(`/api/v1/accounts/${acc.id}`)).json.city, '重庆');
});

test('delete moves to the recycle bin, restore brings it back', async () => {
  const acc = (await admin.post('/api/v1/accounts', { name: '厦门建发股份有限公司' })).json;
  const d = await admin.del(`/api/v1/accounts/${acc.id}`);
  assert.equal(d.status, 204);
  assertError(assert, await admin.get(`/api/v1/accounts/${acc.id}`), 404, 'not_found');
  assertError(assert, await admin.del(`/api/v1/accounts/${acc.id}`), 404, 'not_found');
  const live = await admin.get(`/api/v1/accounts?q=${encodeURIComponent('厦门建发')}`);
  assert.equal(live.json.total, 0);
  const bin = await admin.get(`/api/v1/accounts?deleted=true&q=${encodeURIComponent('厦门建发')}`);
  assert.equal(bin.json.total, 1);
  assert.equal(bin.json.items[0].id, acc.id);
  // A deleted name may be reused; restoring the old one then collides.
  const twin = await admin.post('/api/v1/accounts', { name: '厦门建发股份有限公司' });
  assert.equal(twin.status, 201);
  assertError(assert, await admin.post(`/api/v1/accounts/${acc.id}/restore`), 409, 'duplicate');
  await admin.del(`/api/v1/accounts/${twin.json.id}`);
  const r = await admin.post(`/api/v1/accounts/${acc.id}/restore`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, '厦门建发股份有限公司');
  assertError(assert, await admin.post(`/api/v1/accounts/${acc.id}/restore`), 404, 'not_found');
  const actions = (await admin.get(`/api/v1/accounts/${acc.id}/history`)).json.items.map(i => i.action);
  assert.deepEqual(actions.slice(0, 3), ['restore', 'delete', 'create']);
});

test('required fields and clearing a required field give 422 with field errors', async () => {
  const r = await admin.post('/api/v1/accounts', { city: '北京' });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.name, 'required');
  assert.equal(r.json.error.message, '「客户名称」不能为空');
  const en = await admin.post('/api/v1/accounts', { city: '北京' }, { headers: { 'Accept-Language': 'en-US,en;q=0.9' } });
  assert.equal(en.json.error.message, 'Account name is required');
  const acc = (await admin.post('/api/v1/accounts', { name: '北京百度网讯科技有限公司' })).json;
  const clear = await admin.patch(`/api/v1/accounts/${acc.id}`, { name: null });
  assertError(assert, clear, 422, 'validation_failed');
  assert.equal(clear.json.error.fields.name, 'required');
  const blank = await admin.patch(`/api/v1/accounts/${acc.id}`, { name: '   ' });
  assertError(assert, blank, 422, 'validation_failed');
});

// Empty, null and blank (ASCII and full-width spaces, as a Chinese input
// method types them) are all "not filled in", on create and on PATCH.
const BLANKS = ['', null, '   ', '\u3000', ' \u3000\t\u00a0'];

test('a required field given as "", null or only spaces is 422 on create and on PATCH', async () => {
  const count = async () => (await admin.get('/api/v1/accounts?limit=1')).json.total;
  const before = await count();
  for (const name of BLANKS) {
    const r = await admin.post('/api/v1/accounts', { name, city: '空白必填' });
    assertError(assert, r, 422, 'validation_failed');
    assert.equal(r.json.error.fields.name, 'required', `create with name ${JSON.stringify(name)}`);
    const c = await admin.post('/api/v1/contacts', { name });
    assertError(assert, c, 422, 'validation_failed');
    assert.equal(c.json.error.fields.name, 'required', `contact with name ${JSON.stringify(name)}`);
  }
  assert.equal(await count(), before, 'no record was created');
  const acc = (await admin.post('/api/v1/accounts', { name: '必填字段检查有限公司' })).json;
  for (const name of BLANKS) {
    const r = await admin.patch(`/api/v1/accounts/${acc.id}`, { name });
    assertError(assert, r, 422, 'validation_failed');
    assert.equal(r.json.error.fields.name, 'required', `PATCH with name ${JSON.stringify(name)}`);
  }
  const back = (await admin.get(`/api/v1/accounts/${acc.id}`)).json;
  assert.equal(back.name, '必填字段检查有限公司');
  assert.equal(back.version, acc.version);
});

test('server-owned fields cannot be set by clients', async () => {
  const r = await admin.post('/api/v1/accounts', { name: '深圳腾讯计算机系统有限公司', id: 5, created_at: '2000-01-01T00:00:00Z', code: 'KH-999999' });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.id, 'read_only');
  assert.equal(r.json.error.fields.created_at, 'read_only');
  assert.equal(r.json.error.fields.code, 'read_only');
  const none = await admin.get(`/api/v1/accounts?q=${encodeURIComponent('深圳腾讯')}`);
  assert.equal(none.json.total, 0, 'nothing half-written');
});

test('mass update changes many records at once, or none of them', async () => {
  const ids = [];
  for (const n of ['批量一有限公司', '批量二有限公司', '批量三有限公司']) ids.push((await admin.post('/api/v1/accounts', { name: n })).json.id);
  const r = await admin.post('/api/v1/accounts/mass-update', { ids, values: { grade: 'A', city: '南京' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.updated, 3);
  for (const id of ids) {
    const a = (await admin.get(`/api/v1/accounts/${id}`)).json;
    assert.equal(a.grade, 'A');
    assert.equal(a.city, '南京');
  }
  const bad = await admin.post('/api/v1/accounts/mass-update', { ids: [...ids, 999999], values: { city: '上海' } });
  assertError(assert, bad, 404, 'not_found');
  assert.match(bad.json.error.message, /999999/);
  assert.equal((await admin.get(`/api/v1/accounts/${ids[0]}`)).json.city, '南京', 'nothing changed');
  assertError(assert, await admin.post('/api/v1/accounts/mass-update', { ids, values: { grade: 'Z' } }), 422, 'validation_failed');
  assertError(assert, await admin.post('/api/v1/accounts/mass-update', { ids: [], values: { city: 'x' } }), 422);
  assertError(assert, await admin.post('/api/v1/accounts/mass-update', { ids, values: { name: '同名有限公司' } }), 409, 'duplicate');
  assert.equal((await admin.get(`/api/v1/accounts/${ids[0]}`)).json.name, '批量一有限公司');
});

test('records in the recycle bin carry their deletion time and can be sorted by it', async () => {
  const x = (await admin.post('/api/v1/accounts', { name: '回收站排序甲有限公司' })).json;
  assert.equal(x.deleted_at, null);
  await admin.del(`/api/v1/accounts/${x.id}`);
  const bin = (await admin.get('/api/v1/accounts?deleted=true&sort=-deleted_at')).json.items;
  assert.equal(bin[0].id, x.id);
  assert.match(bin[0].deleted_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assertError(assert, await admin.patch(`/api/v1/accounts/${bin[0].id}`, { deleted_at: null }), 422, 'validation_failed');
  const live = (await admin.post('/api/v1/accounts', { name: '回收站排序乙有限公司' })).json;
  assertError(assert, await admin.patch(`/api/v1/accounts/${live.id}`, { deleted_at: '2026-01-01T00:00:00Z' }), 422);
});
