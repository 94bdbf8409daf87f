// company_view.test.mjs - a teacher reads the sandbox companies of their
// own students (X-Kehu-Company), read-only: lists, records, search,
// export, history and metadata answer as the student's company; every
// write is refused; another teacher, a student and a plain user are
// refused; a platform administrator may look into any company.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
const CSV = { 'Content-Type': 'text/csv; charset=utf-8' };
let platform, teacher, teacher2, plain, student, other;
let sandbox, otherSandbox, account;

const as = company => ({ headers: { 'X-Kehu-Company': String(company) } });

async function signInFirst(no, password) {
  const login = await srv.request('POST', '/api/v1/session', { body: { username: no, password } });
  assert.equal(login.status, 200, login.text);
  const h = { Cookie: login.headers.get('set-cookie').split(';')[0], 'X-CSRF-Token': login.json.csrf_token };
  const r = await srv.request('POST', '/api/v1/session/password',
    { body: { old_password: password, new_password: PW }, headers: h });
  assert.equal(r.status, 204, r.text);
  return srv.client(no, PW);
}

before(async () => {
  await srv.start();
  platform = await srv.client();
  for (const [username, name] of [['li_t', '李老师'], ['he_t', '何老师'], ['qian', '钱职员']])
    assert.equal((await platform.post('/api/v1/users', { username, name, password: PW })).status, 201);
  const users = (await platform.get('/api/v1/users')).json.items;
  for (const u of ['li_t', 'he_t'])
    assert.equal((await platform.req('PUT', `/api/v1/teachers/${users.find(x => x.username === u).id}`)).status, 204);
  teacher = await srv.client('li_t', PW);
  teacher2 = await srv.client('he_t', PW);
  plain = await srv.client('qian', PW);
  const klass = (await teacher.post('/api/v1/classes', { name: '工商管理2401班' })).json;
  const r = await teacher.req('POST', `/api/v1/classes/${klass.id}/students/import`,
    { raw: '学号,姓名\n2024020101,孙悦\n2024020102,周航\n', headers: CSV });
  assert.equal(r.status, 201, r.text);
  student = await signInFirst('2024020101', r.json.students[0].password);
  other = await signInFirst('2024020102', r.json.students[1].password);
  sandbox = student.user.company_id;
  otherSandbox = other.user.company_id;
  account = (await student.post('/api/v1/accounts', { name: '苏州禾丰农业科技有限公司', phone: '0512-65551234' })).json;
  assert.ok(account.id);
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('the teacher reads the student\'s company as the student left it', async () => {
  const list = await teacher.get('/api/v1/accounts', as(sandbox));
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.items.map(a => a.name), ['苏州禾丰农业科技有限公司']);
  assert.equal((await teacher.get('/api/v1/accounts')).json.items.some(a => a.id === account.id), false,
    'without the header the teacher is in their own company');
  const one = await teacher.get(`/api/v1/accounts/${account.id}`, as(sandbox));
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.phone, '0512-65551234');
  assert.equal((await teacher.get(`/api/v1/accounts/${account.id}/history`, as(sandbox))).status, 200);
  const found = await teacher.get('/api/v1/search?q=' + encodeURIComponent('禾丰'), as(sandbox));
  assert.equal(found.status, 200, found.text);
  assert.match(found.text, /禾丰/);
  // a download the browser fetches itself names the company in the query
  const csv = await teacher.get(`/api/v1/accounts/export?format=csv&as_company=${sandbox}`);
  assert.equal(csv.status, 200);
  assert.match(csv.text, /苏州禾丰农业科技有限公司/);
  assertError(assert, await teacher.post(`/api/v1/accounts?as_company=${sandbox}`, { name: '经由参数' }), 403, 'read_only_view');
  const me = (await teacher.get('/api/v1/session', as(sandbox))).json.user;
  assert.equal(me.company_id, sandbox);
  assert.equal(me.home_company_id, teacher.user.company_id);
  assert.equal(me.is_teacher, false, 'no teaching rights while looking');
  assert.equal((await teacher.get('/api/v1/session')).json.user.home_company_id, null);
});

test('the student\'s own custom field is in the metadata the teacher reads', async () => {
  const f = await student.post('/api/v1/metadata/entities/accounts/fields', { label_zh: '拜访计划', type: 'text' });
  assert.equal(f.status, 201, f.text);
  const names = meta => meta.entities.find(e => e.name === 'accounts').fields.map(x => x.name);
  assert.ok(names((await teacher.get('/api/v1/metadata', as(sandbox))).json).includes(f.json.name));
  assert.ok(!names((await teacher.get('/api/v1/metadata')).json).includes(f.json.name));
  // read only: the metadata offers no change, so the forms offer none
  const accounts = (await teacher.get('/api/v1/metadata', as(sandbox))).json.entities.find(e => e.name === 'accounts');
  assert.equal(accounts.permissions.view, true);
  assert.equal(accounts.permissions.create, false);
  assert.equal(accounts.permissions.edit, false);
  assert.equal(accounts.permissions.delete, false);
});

test('nothing is written while looking', async () => {
  assertError(assert, await teacher.patch(`/api/v1/accounts/${account.id}`, { name: '改名' }, as(sandbox)), 403, 'read_only_view');
  assertError(assert, await teacher.post('/api/v1/accounts', { name: '老师代建' }, as(sandbox)), 403, 'read_only_view');
  assertError(assert, await teacher.del(`/api/v1/accounts/${account.id}`, as(sandbox)), 403, 'read_only_view');
  assert.equal((await student.get(`/api/v1/accounts/${account.id}`)).json.name, '苏州禾丰农业科技有限公司');
  assert.equal((await student.get('/api/v1/accounts')).json.total, 1);
});

test('only the student\'s own teacher, or a platform administrator, may look', async () => {
  assertError(assert, await teacher2.get('/api/v1/accounts', as(sandbox)), 403, 'company_not_viewable');
  assertError(assert, await plain.get('/api/v1/accounts', as(sandbox)), 403, 'company_not_viewable');
  assertError(assert, await other.get('/api/v1/accounts', as(sandbox)), 403, 'company_not_viewable');
  assertError(assert, await student.get('/api/v1/accounts', as(teacher.user.company_id)), 403, 'company_not_viewable');
  assertError(assert, await teacher.get('/api/v1/accounts', as(999999)), 403, 'company_not_viewable');
  // the teacher's own company in the header is simply their own
  assert.equal((await teacher.get('/api/v1/accounts', as(teacher.user.company_id))).status, 200);
  const seen = await platform.get('/api/v1/accounts', as(otherSandbox));
  assert.equal(seen.status, 200, seen.text);
  assert.equal(seen.json.total, 0);
  assertError(assert, await platform.get('/api/v1/accounts', as(999999)), 403, 'company_not_viewable');
  // no platform rights while looking: the list of companies is the one looked at
  assert.deepEqual((await platform.get('/api/v1/companies', as(otherSandbox))).json.items.map(c => c.id), [otherSandbox]);
});

test('a header that is not a company id is refused', async () => {
  for (const bad of ['abc', '-3', '0', '12x', '99999999999999999999', ' '])
    assertError(assert, await teacher.get('/api/v1/accounts', { headers: { 'X-Kehu-Company': bad } }), 400, 'bad_company');
});
