// rules.test.mjs - rules of docs/api.md that other files covered only in
// part, each tested at its edges (docs/testing.md lists them): ne/nin and
// empty fields, the filter limits, operators by field type, CSRF on every
// unsafe verb, Location and ETag on create, hidden fields like unknown ones
// in filters and sorts, decimals and money strings, display names beside
// user fields, and a refused write changing nothing.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, filterParam, ADMIN_PASSWORD } from './harness.mjs';

const srv = new Server();
let admin;
const ids = {};

before(async () => {
  await srv.start();
  admin = await srv.client();
  for (const [key, body] of Object.entries({
    nanjing: { name: '规则南京有限公司', city: '南京', grade: 'A', is_hot: true },
    shanghai: { name: '规则上海有限公司', city: '上海', grade: 'B' },
    nocity: { name: '规则无城市有限公司' },
  })) {
    const r = await admin.post('/api/v1/accounts', body);
    assert.equal(r.status, 201, r.text);
    ids[key] = r.json.id;
  }
});

const count = async (filter, client = admin) => {
  const r = await client.get(`/api/v1/accounts?limit=500&filter=${filterParam({ and: [{ field: 'name', op: 'starts', value: '规则' }, filter] })}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.map(i => i.id).sort((a, b) => a - b);
};

test('ne and nin also match records where the field is empty', async () => {
  assert.deepEqual(await count({ field: 'city', op: 'ne', value: '南京' }), [ids.shanghai, ids.nocity]);
  assert.deepEqual(await count({ field: 'grade', op: 'nin', value: ['A'] }), [ids.shanghai, ids.nocity]);
  assert.deepEqual(await count({ field: 'city', op: 'isnull' }), [ids.nocity]);
  assert.deepEqual(await count({ field: 'city', op: 'notnull' }), [ids.nanjing, ids.shanghai]);
});

test('filter limits: nesting depth 8, at most 100 nodes, 500 values in in', async () => {
  const wrap = n => { let f = { field: 'city', op: 'eq', value: '南京' }; for (let i = 0; i < n; i++) f = { and: [f] }; return f; };
  assert.deepEqual(await count(wrap(5)), [ids.nanjing], 'depth 8 with the outer and of count()');
  assertError(assert, await admin.get(`/api/v1/accounts?filter=${filterParam(wrap(8))}`), 400, 'bad_filter');
  const leaves = n => Array.from({ length: n }, (_, i) => ({ field: 'city', op: 'ne', value: `城${i}` }));
  assert.equal((await admin.get(`/api/v1/accounts?filter=${filterParam(leaves(99))}`)).status, 200, '99 conditions and their array');
  assertError(assert, await admin.get(`/api/v1/accounts?filter=${filterParam(leaves(101))}`), 400, 'bad_filter');
  const values = n => ['南京', ...Array.from({ length: n - 1 }, (_, i) => `城${i}`)];
  assert.deepEqual(await count({ field: 'city', op: 'in', value: values(500) }), [ids.nanjing]);
  assertError(assert, await admin.get(`/api/v1/accounts?filter=${filterParam({ field: 'city', op: 'in', value: values(501) })}`), 400, 'bad_filter');
  assertError(assert, await admin.get(`/api/v1/accounts?filter=${filterParam({ field: 'city', op: 'in', value: [] })}`), 400, 'bad_filter');
});

test('lt..gte are refused for booleans and picklists, contains and starts off text', async () => {
  for (const op of ['lt', 'lte', 'gt', 'gte']) {
    assertError(assert, await admin.get(`/api/v1/accounts?filter=${filterParam({ field: 'is_hot', op, value: true })}`), 400, 'bad_filter');
    assertError(assert, await admin.get(`/api/v1/accounts?filter=${filterParam({ field: 'grade', op, value: 'A' })}`), 400, 'bad_filter');
  }
  for (const op of ['contains', 'starts']) {
    assertError(assert, await admin.get(`/api/v1/accounts?filter=${filterParam({ field: 'employees', op, value: '1' })}`), 400, 'bad_filter');
    assertError(assert, await admin.get(`/api/v1/accounts?filter=${filterParam({ field: 'is_hot', op, value: 'x' })}`), 400, 'bad_filter');
  }
  assert.deepEqual(await count({ field: 'is_hot', op: 'eq', value: true }), [ids.nanjing]);
});

test('cookie PATCH, PUT and DELETE need X-CSRF-Token like POST; refused ones change nothing', async () => {
  const login = await srv.request('POST', '/api/v1/session', { body: { username: 'admin', password: ADMIN_PASSWORD } });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const path = `/api/v1/accounts/${ids.shanghai}`;
  for (const [method, p, body] of [['PATCH', path, { city: '伪造' }], ['DELETE', path], ['PUT', '/api/v1/sharing', { accounts: 'public_read' }]]) {
    for (const token of [undefined, 'wrong']) {
      const headers = { Cookie: cookie, ...(token ? { 'X-CSRF-Token': token } : {}) };
      assertError(assert, await srv.request(method, p, { body, headers }), 403, 'csrf_failed');
    }
  }
  const still = (await admin.get(path)).json;
  assert.equal(still.city, '上海');
  assert.equal(still.version, 1);
  assert.equal((await admin.get('/api/v1/sharing')).json.accounts, 'private');
  const ok = await srv.request('PATCH', path, { body: { description: '带令牌' }, headers: { Cookie: cookie, 'X-CSRF-Token': login.json.csrf_token } });
  assert.equal(ok.status, 200, ok.text);
});

test('create answers Location and ETag; GET gives the same ETag', async () => {
  const r = await admin.post('/api/v1/contacts', { name: '规则联系人', account_id: ids.nanjing });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('location'), `/api/v1/contacts/${r.json.id}`);
  assert.equal(r.headers.get('etag'), `"${r.json.version}"`);
  const g = await admin.get(r.headers.get('location'));
  assert.equal(g.status, 200);
  assert.equal(g.headers.get('etag'), r.headers.get('etag'));
  assert.equal(g.json.account_name, '规则南京有限公司', 'a link carries its display name');
  for (const f of ['owner', 'created_by', 'updated_by']) assert.equal(g.json[`${f}_name`], '系统管理员', `${f}_name`);
});

test('a field hidden from the caller is answered exactly like an unknown one in filter and sort', async () => {
  const sales = (await admin.post('/api/v1/profiles', { name: '规则隐藏资信', permissions: { accounts: { view: true } }, field_access: { accounts: { credit_limit: 'hidden' } } })).json;
  const role = (await admin.post('/api/v1/roles', { name: '规则角色', profile_ids: [sales.id] })).json;
  await admin.post('/api/v1/users', { username: 'rules1', name: '规则用户', password: 'Rule#2026pw', role_id: role.id });
  const user = await srv.client('rules1', 'Rule#2026pw');
  const ask = async (field, sort) => {
    const r = await user.get(sort ? `/api/v1/accounts?sort=${field}` : `/api/v1/accounts?filter=${filterParam({ field, op: 'gt', value: 1 })}`);
    return { status: r.status, code: r.json?.error?.code, message: r.json?.error?.message?.replace(field, 'F') };
  };
  for (const sort of [false, true]) {
    const hidden = await ask('credit_limit', sort), unknown = await ask('no_such_field', sort);
    assert.equal(hidden.status, 400);
    assert.deepEqual(hidden, unknown, sort ? 'sort' : 'filter');
  }
});

test('money: exact decimals, "1,234.50" strings, and 422 too_many_decimals for more places', async () => {
  const r = await admin.patch(`/api/v1/accounts/${ids.nocity}`, { annual_revenue: '1,234.50' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.annual_revenue, 1234.5);
  const v = r.json.version;
  const bad = await admin.patch(`/api/v1/accounts/${ids.nocity}`, { annual_revenue: 1.005, city: '不该写入' });
  assertError(assert, bad, 422, 'validation_failed');
  assert.equal(bad.json.error.fields.annual_revenue, 'too_many_decimals');
  const after = (await admin.get(`/api/v1/accounts/${ids.nocity}`)).json;
  assert.deepEqual([after.version, after.city, after.annual_revenue], [v, null, 1234.5], 'the refused write changed nothing');
});
