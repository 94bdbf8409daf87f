// scopes.test.mjs - the profile scopes the teaching labs assume (CRMS
// 售后服务员, ALLPASS AP-S4): 查看全部 (view_all) reads every record of a
// module without making it public, 修改全部 (modify_all) changes every
// record, and a profile inherits its parent profile's rights, its own
// field access winning.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
let admin, seller, service, supervisor, peer, heir;
const ids = {};

async function created(res) {
  assert.equal(res.status, 201, res.text);
  return res.json;
}
async function userWithProfiles(username, name, profileIds, extra = {}) {
  const role = await created(await admin.post('/api/v1/roles', { name: `${name}岗位`, profile_ids: profileIds, ...extra }));
  await created(await admin.post('/api/v1/users', { username, name, password: PW, role_id: role.id }));
  return srv.client(username, PW);
}

before(async () => {
  await srv.start();
  admin = await srv.client();
  const all = { view: true, create: true, edit: true, delete: true };
  const sales = await created(await admin.post('/api/v1/profiles', { name: '销售人员', permissions: { accounts: all, contacts: all } }));
  const readAll = await created(await admin.post('/api/v1/profiles', { name: '售后只读', permissions: { accounts: { view: true, view_all: true } } }));
  const modifyAll = await created(await admin.post('/api/v1/profiles', { name: '客户主管', permissions: { accounts: { view: true, modify_all: true } } }));
  ids.base = (await created(await admin.post('/api/v1/profiles', {
    name: '基础联系人权限', permissions: { contacts: { view: true, create: true } },
    field_access: { contacts: { mobile: 'hidden', email: 'read' } },
  }))).id;
  ids.heir = (await created(await admin.post('/api/v1/profiles', {
    name: '继承的权限', parent_id: ids.base, permissions: { accounts: { view: true, create: true } },
    field_access: { contacts: { mobile: 'read' } },
  }))).id;
  seller = await userWithProfiles('xs1', '销售甲', [sales.id]);
  peer = await userWithProfiles('xs2', '销售乙', [sales.id]);
  service = await userWithProfiles('sh1', '售后服务员', [readAll.id]);
  supervisor = await userWithProfiles('zg1', '客户主管', [modifyAll.id]);
  heir = await userWithProfiles('jc1', '继承者', [ids.heir]);
  ids.account = (await created(await seller.post('/api/v1/accounts', { name: '售后范围测试客户' }))).id;
  ids.contact = (await created(await seller.post('/api/v1/contacts', { name: '范围联系人', account_id: ids.account, mobile: '13800001111' }))).id;
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('查看全部 reads every customer, changes none, and does not make customers public', async () => {
  const list = await service.get('/api/v1/accounts');
  assert.ok(list.json.items.some(a => a.id === ids.account), 'listed');
  assert.equal((await service.get(`/api/v1/accounts/${ids.account}`)).status, 200);
  assert.ok((await service.get('/api/v1/search?q=' + encodeURIComponent('售后范围'))).json.items.some(h => h.id === ids.account));
  assertError(assert, await service.patch(`/api/v1/accounts/${ids.account}`, { city: '南京' }), 403);
  assertError(assert, await service.del(`/api/v1/accounts/${ids.account}`), 403);
  // the sharing stays private: a colleague of the owner sees nothing
  assert.ok(!(await peer.get('/api/v1/accounts')).json.items.some(a => a.id === ids.account));
  assertError(assert, await peer.get(`/api/v1/accounts/${ids.account}`), 404);
  // only for the module granted: contacts stay out of reach
  assertError(assert, await service.get('/api/v1/contacts'), 403);
  const m = (await service.get('/api/v1/metadata')).json.entities.find(e => e.name === 'accounts');
  assert.equal(m.permissions.view_all, true);
  assert.equal(m.permissions.modify_all, false);
  assert.equal(m.permissions.edit, false);
});

test('修改全部 changes and deletes every customer', async () => {
  const r = await supervisor.patch(`/api/v1/accounts/${ids.account}`, { city: '苏州' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await seller.get(`/api/v1/accounts/${ids.account}`)).json.city, '苏州');
  const other = await created(await peer.post('/api/v1/accounts', { name: '主管将删除的客户' }));
  assert.equal((await supervisor.del(`/api/v1/accounts/${other.id}`)).status, 204);
  const m = (await supervisor.get('/api/v1/metadata')).json.entities.find(e => e.name === 'accounts');
  assert.deepEqual([m.permissions.view_all, m.permissions.modify_all, m.permissions.edit, m.permissions.delete], [true, true, true, true]);
  // personal inboxes stay personal whatever the profile says
  const msgs = (await supervisor.get('/api/v1/metadata')).json.entities.find(e => e.name === 'messages');
  assert.equal(msgs.permissions.view_all, false);
});

test('a profile inherits its parent: rights add up, its own field access wins', async () => {
  const m = (await heir.get('/api/v1/metadata')).json.entities;
  const contacts = m.find(e => e.name === 'contacts');
  assert.ok(contacts, 'contacts come from the parent profile');
  assert.equal(contacts.permissions.create, true);
  assert.equal(contacts.permissions.edit, false);
  const field = name => contacts.fields.find(f => f.name === name);
  assert.ok(field('mobile'), 'mobile: the child says read, over the parent\'s hidden');
  assert.equal(field('email').readonly, true, 'email: read, from the parent');
  const acc = await created(await heir.post('/api/v1/accounts', { name: '继承者的客户' }));
  const c = await heir.post('/api/v1/contacts', { name: '继承者的联系人', account_id: acc.id, mobile: '13900002222' });
  assertError(assert, c, 403); // mobile is read-only for this profile
  await created(await heir.post('/api/v1/contacts', { name: '继承者的联系人', account_id: acc.id }));
});

test('inheritance cannot go round in a circle, and an inherited profile cannot be deleted', async () => {
  const r = await admin.patch(`/api/v1/profiles/${ids.base}`, { parent_id: ids.heir });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.parent_id, 'cycle');
  assertError(assert, await admin.patch(`/api/v1/profiles/${ids.heir}`, { parent_id: ids.heir }), 422, 'validation_failed');
  assertError(assert, await admin.del(`/api/v1/profiles/${ids.base}`), 409, 'in_use');
});

test('an unknown scope name is refused', async () => {
  assertError(assert, await admin.post('/api/v1/profiles', { name: '错误范围', permissions: { accounts: { view: true, see_everything: true } } }), 422);
});
