// session_cache.test.mjs - each server thread keeps the sessions it resolved
// (src/auth/session_cache.h), checked at every request against the sign-in
// epoch that triggers move (migration 26). What these prove: with every
// thread of every process warm (the session kept everywhere), a revoked
// token or cookie, a deactivated user, a password reset, a changed role or
// profile, a suspended company, and a change written straight into the
// database by another program are all applied at the very next request,
// on every process; and time still counts: the idle timeout ends a kept
// cookie session, a kept session is still touched (last_seen_at, its end
// slid) at most once a minute, and a session slid by another process is
// not refused by one whose entry has the old end.
//
// Three processes on one database: the harness's cluster with
// KEHU_TEST_NODES=3 (its nodes, asked directly), otherwise three started
// here. The server's clock is the file KEHU_TEST_CLOCK names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, BACKEND, assertError, ADMIN_PASSWORD } from './harness.mjs';

const PW = 'Cache#2026pw';
const clockFile = join(mkdtempSync(join(tmpdir(), 'kehu-clock-')), 'now');
const T0 = Math.floor(Date.now() / 1000);
const at = s => new Date((T0 + s) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const setClock = s => writeFileSync(clockFile, at(s));

const srv = new Server();
const extra = []; // the processes started here beside srv (none in a cluster)
let nodes;        // every process on the database
let admin;        // the administrator's client (through srv)
let account;      // a customer every sales user may see
let profile, role, bareRole;

// A client of every node for one secret: a Bearer token, or a cookie (with its CSRF token).
function everywhere({ token, cookie, csrf }) {
  const h = token ? { Authorization: `Bearer ${token}` } : { Cookie: cookie };
  return nodes.map(n => ({
    get: p => n.request('GET', p, { headers: h }),
    del: p => n.request('DELETE', p, { headers: { ...h, ...(csrf ? { 'X-CSRF-Token': csrf } : {}) } }),
  }));
}

// Warms every thread of every node: several requests at once on each (the
// two threads of a node take connections in turn), all answered 200.
async function warm(clients, path = '/api/v1/session') {
  const answers = await Promise.all(clients.flatMap(c => Array.from({ length: 6 }, () => c.get(path))));
  for (const r of answers) assert.equal(r.status, 200, r.text);
}

// The next request on each node, one after the other: its status.
const statuses = async (clients, path = '/api/v1/session') => {
  const out = [];
  for (const c of clients) out.push((await c.get(path)).status);
  return out;
};
const all = (n, status) => Array(n).fill(status);

async function signIn(username, password = PW) {
  const r = await srv.request('POST', '/api/v1/session', { body: { username, password } });
  assert.equal(r.status, 200, r.text);
  return { cookie: r.headers.get('set-cookie').split(';')[0], csrf: r.json.csrf_token, user: r.json.user };
}

async function newUser(username, roleId = role.id) {
  const u = await admin.post('/api/v1/users', { username, name: username, password: PW, role_id: roleId });
  assert.equal(u.status, 201, u.text);
  const c = await srv.client(username, PW);
  return { id: u.json.id, token: c.token, on: everywhere({ token: c.token }) };
}

before(async () => {
  setClock(0);
  const env = { KEHU_TEST_CLOCK: clockFile };
  await srv.start({ env });
  if (srv.nodes) {
    nodes = srv.nodes;
  } else {
    for (let i = 0; i < 2; i++) extra.push(await new Server().start({ db: srv.db, dir: srv.dir, env }));
    nodes = [srv, ...extra];
  }
  admin = await srv.client();
  const ALL = { view: true, create: true, edit: true, delete: true };
  profile = (await admin.post('/api/v1/profiles', { name: '缓存测试销售', permissions: { accounts: ALL } })).json;
  role = (await admin.post('/api/v1/roles', { name: '缓存测试销售员', profile_ids: [profile.id] })).json;
  const none = (await admin.post('/api/v1/profiles', { name: '缓存测试无权限', permissions: {} })).json;
  bareRole = (await admin.post('/api/v1/roles', { name: '缓存测试访客', profile_ids: [none.id] })).json;
  account = (await admin.post('/api/v1/accounts', { name: '缓存测试客户有限公司', owner_id: null })).json;
  assert.ok(profile.id && role.id && bareRole.id && account.id);
});
after(async () => {
  for (const n of extra) await n.stop();
  await srv.stop();
  srv.cleanup();
});

test('a revoked API token is refused by every process at the next request', async () => {
  const u = await newUser('cache_token');
  await warm(u.on);
  const mine = (await srv.request('GET', '/api/v1/tokens', { headers: { Authorization: `Bearer ${u.token}` } })).json.items;
  const del = await srv.request('DELETE', `/api/v1/tokens/${mine[0].id}`, { headers: { Authorization: `Bearer ${u.token}` } });
  assert.equal(del.status, 204, del.text);
  assert.deepEqual(await statuses(u.on), all(nodes.length, 401));
});

test('a cookie signed out on one process is refused by the others', async () => {
  await newUser('cache_cookie');
  const s = await signIn('cache_cookie');
  const on = everywhere(s);
  await warm(on);
  assert.equal((await on[nodes.length - 1].del('/api/v1/session')).status, 204);
  assert.deepEqual(await statuses(on), all(nodes.length, 401));
});

test('a deactivated user is refused at once; a password reset ends the sessions', async () => {
  const u = await newUser('cache_inactive');
  await warm(u.on);
  assert.equal((await admin.patch(`/api/v1/users/${u.id}`, { status: 'inactive' })).status, 200);
  assert.deepEqual(await statuses(u.on), all(nodes.length, 401));

  const v = await newUser('cache_reset');
  await warm(v.on);
  assert.equal((await admin.patch(`/api/v1/users/${v.id}`, { password: 'Other#2026pw' })).status, 200);
  assert.deepEqual(await statuses(v.on), all(nodes.length, 401));
});

test('a changed profile and a changed role apply at the next request', async () => {
  const path = `/api/v1/accounts/${account.id}`;
  const u = await newUser('cache_rights');
  await warm(u.on, path);
  // the profile loses the customers: 403 everywhere
  assert.equal((await admin.patch(`/api/v1/profiles/${profile.id}`, { permissions: { accounts: { view: false } } })).status, 200);
  assert.deepEqual(await statuses(u.on, path), all(nodes.length, 403));
  // and gets them back
  assert.equal((await admin.patch(`/api/v1/profiles/${profile.id}`, { permissions: { accounts: { view: true, edit: true } } })).status, 200);
  await warm(u.on, path);
  // the user moves to a role without rights: 403 everywhere
  assert.equal((await admin.patch(`/api/v1/users/${u.id}`, { role_id: bareRole.id })).status, 200);
  assert.deepEqual(await statuses(u.on, path), all(nodes.length, 403));
  const me = await u.on[nodes.length - 1].get('/api/v1/session');
  assert.equal(me.json.user.role_id, bareRole.id, 'the session answers the new role');
});

test('a suspended company\'s users are refused by every process at once', async () => {
  const c = await admin.post('/api/v1/companies', { name: '缓存测试分公司', admin: { username: 'cache_boss', name: '分公司管理员', password: PW } });
  assert.equal(c.status, 201, c.text);
  const boss = await srv.client('cache_boss', PW);
  const on = everywhere({ token: boss.token });
  await warm(on);
  assert.equal((await admin.patch(`/api/v1/companies/${c.json.id}`, { status: 'suspended' })).status, 200);
  assert.deepEqual(await statuses(on), all(nodes.length, 401));
});

test('a change written into the database by another program is seen at the next request', async () => {
  // no code path of the server runs: only the triggers can tell the processes
  const u = await newUser('cache_sql');
  await warm(u.on);
  srv.sql(`UPDATE users SET status = 'inactive' WHERE id = ${u.id}`);
  assert.deepEqual(await statuses(u.on), all(nodes.length, 401));
  srv.sql(`UPDATE users SET status = 'active' WHERE id = ${u.id}`);
  assert.deepEqual(await statuses(u.on), all(nodes.length, 200));
  srv.sql(`UPDATE sessions SET revoked_at = '${at(0)}' WHERE user_id = ${u.id}`);
  assert.deepEqual(await statuses(u.on), all(nodes.length, 401));
});

test('kept sessions still expire when idle, are touched once a minute, and follow a slide made elsewhere', async () => {
  await newUser('cache_idle');
  const s = await signIn('cache_idle');
  const cookie = everywhere(s);
  const tok = await srv.client('cache_idle', PW);
  const token = everywhere({ token: tok.token });
  await warm(cookie);
  await warm(token);
  const lastSeen = async () => (await srv.request('GET', '/api/v1/tokens', { headers: { Authorization: `Bearer ${tok.token}` } }))
    .json.items.find(t => t.id === tokenId).last_seen_at;
  const tokenId = (await srv.request('GET', '/api/v1/tokens', { headers: { Authorization: `Bearer ${tok.token}` } })).json.items[0].id;

  // two minutes later: the first request on a node touches (kept entries included)
  setClock(120);
  assert.deepEqual(await statuses(token), all(nodes.length, 200));
  assert.equal(await lastSeen(), at(120));
  // within the minute: no second write
  setClock(150);
  assert.deepEqual(await statuses(token), all(nodes.length, 200));
  assert.equal(await lastSeen(), at(120));

  // the cookie is used on the first node only; its end slides there to 12 h after
  setClock(180);
  assert.equal((await cookie[0].get('/api/v1/session')).status, 200);
  // past the end every other node kept (12 h after the sign-in), before the slid one:
  // they read it again and find it slid
  setClock(12 * 3600 + 60);
  assert.deepEqual(await statuses(cookie), all(nodes.length, 200));
  // idle 12 h and more since: refused by all, though every node keeps it
  setClock(24 * 3600 + 180);
  assert.deepEqual(await statuses(cookie), all(nodes.length, 401));
  // an API token has no idle end
  assert.deepEqual(await statuses(token), all(nodes.length, 200));
  setClock(0);
});

test('the administrator still signs in and reads after all of it', async () => {
  const again = await srv.request('POST', '/api/v1/session', { body: { username: 'admin', password: ADMIN_PASSWORD } });
  assert.equal(again.status, 200, again.text);
  assert.equal((await admin.get(`/api/v1/accounts/${account.id}`)).status, 200);
  assertError(assert, await srv.request('GET', '/api/v1/session', { headers: { Authorization: 'Bearer ' + 'x'.repeat(43) } }), 401);
  assert.ok(BACKEND === 'sqlite' || BACKEND === 'postgres');
});
