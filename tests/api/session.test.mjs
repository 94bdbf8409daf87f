// session.test.mjs - sign-in exactly as the API contract says: cookie
// sessions with CSRF, Bearer tokens, sign-out, throttling, password change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, ADMIN_PASSWORD } from './harness.mjs';

const srv = new Server();

before(async () => { await srv.start(); });
after(async () => { await srv.stop(); srv.cleanup(); });

async function login(username = 'admin', password = ADMIN_PASSWORD, headers = {}) {
  return srv.request('POST', '/api/v1/session', { body: { username, password }, headers });
}

test('sign-in sets an HttpOnly SameSite cookie and returns the user and a CSRF token', async () => {
  const r = await login();
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.username, 'admin');
  assert.equal(r.json.user.is_admin, true);
  assert.equal(r.json.user.password_hash, undefined);
  assert.ok(r.json.csrf_token.length >= 20);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /^kehu_session=[A-Za-z0-9_-]{20,};/);
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=(Lax|Strict)/i);
  assert.match(cookie, /Path=\//);
  const me = await srv.request('GET', '/api/v1/session', { headers: { Cookie: cookie.split(';')[0] } });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.username, 'admin');
  assert.equal(me.json.csrf_token, r.json.csrf_token);
});

test('sign-in is JSON only: a form post, text or no Content-Type is 415 and signs nobody in', async () => {
  const creds = { username: 'admin', password: ADMIN_PASSWORD };
  for (const [type, raw] of [
    ['application/x-www-form-urlencoded', new URLSearchParams(creds).toString()],
    ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="username"\r\n\r\nadmin\r\n--x--\r\n`],
    ['text/plain', JSON.stringify(creds)],
    [null, new TextEncoder().encode(JSON.stringify(creds))], // bytes: fetch adds no Content-Type
  ]) {
    const r = await srv.request('POST', '/api/v1/session', { raw, headers: type ? { 'Content-Type': type } : {} });
    assert.equal(r.status, 415, `${type}: ${r.status} ${r.text}`);
    assert.equal(r.headers.get('set-cookie'), null, `${type}: no session`);
  }
  const ok = await srv.request('POST', '/api/v1/session', { raw: JSON.stringify(creds), headers: { 'Content-Type': 'application/json; charset=utf-8' } });
  assert.equal(ok.status, 200, ok.text);
});

test('every sign-in gets a new session token', async () => {
  const a = (await login()).headers.get('set-cookie').split(';')[0];
  const b = (await login()).headers.get('set-cookie').split(';')[0];
  assert.notEqual(a, b);
});

test('anonymous requests get 401; a forged cookie or token too', async () => {
  assertError(assert, await srv.request('GET', '/api/v1/session'), 401, 'unauthorized');
  assertError(assert, await srv.request('GET', '/api/v1/accounts'), 401, 'unauthorized');
  assertError(assert, await srv.request('GET', '/api/v1/accounts', { headers: { Cookie: 'kehu_session=forged' } }), 401);
  assertError(assert, await srv.request('GET', '/api/v1/accounts', { headers: { Authorization: 'Bearer forged' } }), 401);
});

test('cookie writes need the X-CSRF-Token header; reads do not', async () => {
  const r = await login();
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const body = { name: 'CSRF 测试有限公司' };
  assertError(assert, await srv.request('POST', '/api/v1/accounts', { body, headers: { Cookie: cookie } }), 403, 'csrf_failed');
  assertError(assert, await srv.request('POST', '/api/v1/accounts', { body, headers: { Cookie: cookie, 'X-CSRF-Token': 'wrong' } }), 403, 'csrf_failed');
  const ok = await srv.request('POST', '/api/v1/accounts', { body, headers: { Cookie: cookie, 'X-CSRF-Token': r.json.csrf_token } });
  assert.equal(ok.status, 201, ok.text);
  assert.equal((await srv.request('GET', '/api/v1/accounts', { headers: { Cookie: cookie } })).status, 200);
});

test('Bearer tokens work without CSRF, can be listed and revoked', async () => {
  const admin = await srv.client();
  const r = await admin.post('/api/v1/accounts', { name: 'Bearer 令牌测试公司' });
  assert.equal(r.status, 201);
  const list = await admin.get('/api/v1/tokens');
  assert.equal(list.status, 200);
  assert.ok(list.json.items.length >= 1);
  assert.ok(list.json.items.every(t => t.token === undefined && t.token_hash === undefined));
  const mine = list.json.items[list.json.items.length - 1];
  const del = await admin.del(`/api/v1/tokens/${mine.id}`);
  assert.equal(del.status, 204);
  assertError(assert, await admin.get('/api/v1/accounts'), 401);
});

test('sign-out revokes the session', async () => {
  const r = await login();
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const out = await srv.request('DELETE', '/api/v1/session', { headers: { Cookie: cookie, 'X-CSRF-Token': r.json.csrf_token } });
  assert.equal(out.status, 204);
  assert.match(out.headers.get('set-cookie') || '', /Max-Age=0/);
  assertError(assert, await srv.request('GET', '/api/v1/session', { headers: { Cookie: cookie } }), 401);
});

test('wrong password and unknown user answer the same 401; bad bodies 4xx', async () => {
  const wrong = await login('admin', 'not-the-password');
  const unknown = await login('nobody-here', 'whatever1');
  assertError(assert, wrong, 401, 'invalid_credentials');
  assertError(assert, unknown, 401, 'invalid_credentials');
  assert.equal(wrong.json.error.message, unknown.json.error.message);
  assertError(assert, await srv.request('POST', '/api/v1/session', { body: { username: 'admin' } }), 422);
  assertError(assert, await srv.request('POST', '/api/v1/session', { body: { username: 1, password: [] } }), 422);
  assertError(assert, await srv.request('POST', '/api/v1/session', { raw: '{', headers: { 'Content-Type': 'application/json' } }), 400);
});

test('password change needs the old password and signs out the other sessions', async () => {
  srv.addUser('zhangwei', 'Zhang#2026pw', { name: '张伟' });
  const s1 = await login('zhangwei', 'Zhang#2026pw');
  const s2 = await login('zhangwei', 'Zhang#2026pw');
  const c1 = s1.headers.get('set-cookie').split(';')[0];
  const c2 = s2.headers.get('set-cookie').split(';')[0];
  const h = { Cookie: c1, 'X-CSRF-Token': s1.json.csrf_token };
  const bad = await srv.request('POST', '/api/v1/session/password', { body: { old_password: 'wrong-one', new_password: 'Zhang#2027pw' }, headers: h });
  assertError(assert, bad, 422);
  const weak = await srv.request('POST', '/api/v1/session/password', { body: { old_password: 'Zhang#2026pw', new_password: '123' }, headers: h });
  assertError(assert, weak, 422);
  const ok = await srv.request('POST', '/api/v1/session/password', { body: { old_password: 'Zhang#2026pw', new_password: 'Zhang#2027pw' }, headers: h });
  assert.equal(ok.status, 204, ok.text);
  assertError(assert, await srv.request('GET', '/api/v1/session', { headers: { Cookie: c2 } }), 401);
  assert.equal((await login('zhangwei', 'Zhang#2027pw')).status, 200);
  assertError(assert, await login('zhangwei', 'Zhang#2026pw'), 401);
});

test('repeated failed sign-ins for a user are throttled with 429', async () => {
  srv.addUser('lina', 'LiNa#2026pw', { name: '李娜' });
  let last;
  for (let i = 0; i < 8; i++) last = await login('lina', `wrong-${i}-pw`);
  assertError(assert, last, 429, 'too_many_attempts');
  assertError(assert, await login('lina', 'LiNa#2026pw'), 429, 'too_many_attempts');
});
