// proxy.test.mjs - behind a reverse proxy (--trusted-proxy): the client is
// the address the proxy appended to X-Forwarded-For, so sign-in throttling
// per address stops the one client that guesses and not the whole school,
// and the sign-in history names the real client. A client's own claims
// (earlier entries, or the header without a trusted proxy) are not believed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const PW = 'Proxy#2026pw';
const behind = new Server();
const direct = new Server();

const login = (srv, username, password, forwarded) => srv.request('POST', '/api/v1/session',
  { body: { username, password }, headers: forwarded ? { 'X-Forwarded-For': forwarded } : {} });

before(async () => {
  await behind.start({ args: ['--trusted-proxy', '127.0.0.1'] });
  await direct.start();
  for (const srv of [behind, direct]) srv.addUser('teacher_li', PW, { name: '李老师' });
});
after(async () => { await behind.stop(); await direct.stop(); behind.cleanup(); direct.cleanup(); });

test('the address throttled is the client\'s, not the proxy\'s', async () => {
  // one client guesses under many names: after 20 failures its address is refused
  let last;
  for (let i = 0; i < 21; i++) last = await login(behind, `guess${i}`, 'wrong-pw', '203.0.113.5');
  assertError(assert, last, 429, 'too_many_attempts');
  // it cannot escape by claiming another address in front of the proxy's entry
  assertError(assert, await login(behind, 'teacher_li', PW, '198.51.100.99, 203.0.113.5'), 429, 'too_many_attempts');
  // everyone else behind the same proxy signs in
  const ok = await login(behind, 'teacher_li', PW, '198.51.100.7');
  assert.equal(ok.status, 200, ok.text);
  const admin = await behind.client();
  const logins = (await admin.get(`/api/v1/users/${ok.json.user.id}/logins`)).json.items;
  assert.equal(logins[0].address, '198.51.100.7');
  assert.equal(logins[0].success, true);
});

test('a forwarded address that is not one is not believed', async () => {
  const r = await login(behind, 'teacher_li', PW, 'not-an-address');
  assert.equal(r.status, 200);
  const admin = await behind.client();
  assert.equal((await admin.get(`/api/v1/users/${r.json.user.id}/logins`)).json.items[0].address, '127.0.0.1');
});

test('without a trusted proxy the header is the client\'s claim and is ignored', async () => {
  const r = await login(direct, 'teacher_li', PW, '198.51.100.7');
  assert.equal(r.status, 200);
  const admin = await direct.client();
  assert.equal((await admin.get(`/api/v1/users/${r.json.user.id}/logins`)).json.items[0].address, '127.0.0.1');
});
