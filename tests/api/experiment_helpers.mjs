// experiment_helpers.mjs - what the experiment tests share: a created
// record, a student's first sign-in (the generated password answers only
// the session routes until it is changed) and a step of a progress answer.
import assert from 'node:assert/strict';
import { assertError } from './harness.mjs';

export async function created(res) {
  assert.equal(res.status, 201, res.text);
  return res.json;
}

export const stepOf = (p, key) => p.steps.find(s => s.key === key);

// Signs in with the first password, checks it opens nothing but the
// session routes, changes it to `newPassword`; a client of the student.
export async function firstSignIn(srv, no, password, newPassword) {
  const login = await srv.request('POST', '/api/v1/session', { body: { username: no, password } });
  assert.equal(login.status, 200, login.text);
  assert.equal(login.json.user.must_change_password, true);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const h = { Cookie: cookie, 'X-CSRF-Token': login.json.csrf_token };
  assertError(assert, await srv.request('GET', '/api/v1/accounts', { headers: h }), 403, 'password_change_required');
  assertError(assert, await srv.request('POST', '/api/v1/tokens', { body: {}, headers: h }), 403, 'password_change_required');
  assert.equal((await srv.request('GET', '/api/v1/session', { headers: h })).json.user.must_change_password, true);
  const changed = await srv.request('POST', '/api/v1/session/password',
    { body: { old_password: password, new_password: newPassword }, headers: h });
  assert.equal(changed.status, 204, changed.text);
  const me = await srv.client(no, newPassword);
  assert.equal(me.user.must_change_password, false);
  return me;
}
