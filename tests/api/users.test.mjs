// users.test.mjs - users as a directory through the records API: everyone
// may read names (owner pickers need them), only administrators may edit
// (the users API itself is in acl.test.mjs),
// and a deactivated user can no longer sign in or use old sessions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const srv = new Server();
let admin, wang;

before(async () => {
  await srv.start();
  srv.addUser('wangfang', 'Wang#2026pw', { name: '王芳' });
  srv.addUser('liuyang', 'Liu#2026pw', { name: '刘洋' });
  admin = await srv.client();
  wang = await srv.client('wangfang', 'Wang#2026pw');
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('every user may list and search the directory; secrets never appear', async () => {
  const r = await wang.get('/api/v1/users?sort=name');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.total, 3);
  assert.deepEqual(r.json.items.map(u => u.name), ['刘洋', '王芳', '系统管理员']);
  for (const u of r.json.items) {
    assert.equal(u.password_hash, undefined);
    assert.ok(!JSON.stringify(u).includes('argon2'));
  }
  assert.deepEqual((await wang.get(`/api/v1/users?q=${encodeURIComponent('王芳')}`)).json.items.map(u => u.username), ['wangfang']);
  assert.deepEqual((await wang.get('/api/v1/users?q=liu')).json.items.map(u => u.username), ['liuyang']);
  assertError(assert, await wang.get('/api/v1/users?filter=' + encodeURIComponent(JSON.stringify({ field: 'password_hash', op: 'notnull' }))), 400, 'bad_filter');
});

test('only administrators change users; they may rename and promote', async () => {
  const liu = (await wang.get('/api/v1/users?q=liu')).json.items[0];
  assertError(assert, await wang.patch(`/api/v1/users/${liu.id}`, { name: '刘阳' }), 403, 'forbidden');
  assertError(assert, await wang.post('/api/v1/users', { username: 'xx', name: 'x', password: 'Pass#2026word' }), 403, 'forbidden');
  assertError(assert, await wang.del(`/api/v1/users/${liu.id}`), 403, 'forbidden');
  const r = await admin.patch(`/api/v1/users/${liu.id}`, { email: 'liuyang@example.cn' });
  assert.equal(r.status, 200, r.text);
  assertError(assert, await admin.patch(`/api/v1/users/${liu.id}`, { username: 'wangfang' }), 409, 'duplicate');
  assertError(assert, await admin.patch(`/api/v1/users/${liu.id}`, { password_hash: 'x' }), 422);
  const promoted = await admin.patch(`/api/v1/users/${liu.id}`, { is_admin: true });
  assert.equal(promoted.status, 200, promoted.text);
  assert.equal((await admin.patch(`/api/v1/users/${liu.id}`, { is_admin: false })).status, 200);
});

test('a deactivated user cannot sign in and their sessions stop working; records stay', async () => {
  const acc = await wang.post('/api/v1/accounts', { name: '王芳的客户有限公司' });
  assert.equal(acc.status, 201);
  const r = await admin.patch(`/api/v1/users/${wang.user.id}`, { status: 'inactive' });
  assert.equal(r.status, 200, r.text);
  assertError(assert, await wang.get('/api/v1/accounts'), 401);
  const login = await srv.request('POST', '/api/v1/session', { body: { username: 'wangfang', password: 'Wang#2026pw' } });
  assertError(assert, login, 403, 'account_disabled');
  const kept = await admin.get(`/api/v1/accounts/${acc.json.id}`);
  assert.equal(kept.status, 200);
  assert.equal(kept.json.owner_name, '王芳');
});

test('the settings menu is for administrators', async () => {
  const liu = await srv.client('liuyang', 'Liu#2026pw');
  const mine = (await liu.get('/api/v1/metadata')).json;
  assert.ok(!mine.menu.some(m => m.key === 'settings'));
  assert.ok(mine.entities.some(e => e.name === 'users'), 'the directory is still described');
  const ownerField = ent => ent.fields.find(f => f.name === 'owner_id');
  assert.equal(ownerField(mine.entities.find(e => e.name === 'accounts')).readonly, true, 'no assign right');
  const adminMeta = (await admin.get('/api/v1/metadata')).json;
  assert.equal(ownerField(adminMeta.entities.find(e => e.name === 'accounts')).readonly, false);
  assert.ok((await admin.get('/api/v1/metadata')).json.menu.some(m => m.key === 'settings' && m.items.includes('users')));
});
