// list.test.mjs - lists: quick search, filter JSON with every operator and
// nesting, sort, paging with exact totals, custom fields in all of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, filterParam } from './harness.mjs';

const srv = new Server();
let admin;
const rows = [
  { name: '南京苏宁易购集团股份有限公司', city: '南京', grade: 'A', employees: 5000, annual_revenue: 900000.5, industry: 'retail' },
  { name: '南京熊猫电子股份有限公司', city: '南京', grade: 'B', employees: 1200, annual_revenue: 1000, industry: 'telecom' },
  { name: '无锡小天鹅电器有限公司', city: '无锡', grade: 'B', employees: 800, annual_revenue: 999.99, industry: 'manufacturing' },
  { name: '杭州海康威视数字技术股份有限公司', city: '杭州', grade: 'A', employees: 9000, industry: 'it' },
  { name: '广州白云山医药集团股份有限公司', city: '广州', grade: 'C', employees: 300, industry: 'healthcare' },
  { name: '100%_纯净水有限公司', city: '广州', grade: 'C', employees: 20, industry: 'fmcg' },
];

before(async () => {
  await srv.start();
  admin = await srv.client();
  for (const r of rows) assert.equal((await admin.post('/api/v1/accounts', r)).status, 201);
});
after(async () => { await srv.stop(); srv.cleanup(); });

const list = async (qs) => {
  const r = await admin.get(`/api/v1/accounts?${qs}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const names = j => j.items.map(i => i.name);

test('list returns items and the exact total; limit and offset page through', async () => {
  const all = await list('limit=500');
  assert.equal(all.total, rows.length);
  const p1 = await list('limit=2&offset=0&sort=name');
  const p2 = await list('limit=2&offset=2&sort=name');
  assert.equal(p1.items.length, 2);
  assert.equal(p1.total, rows.length);
  assert.notDeepEqual(names(p1), names(p2));
  const far = await list('offset=1000');
  assert.equal(far.items.length, 0);
  assert.equal(far.total, rows.length);
});

test('quick search q matches a Chinese substring and escapes LIKE wildcards', async () => {
  assert.deepEqual(names(await list(`q=${encodeURIComponent('熊猫')}`)), ['南京熊猫电子股份有限公司']);
  assert.equal((await list(`q=${encodeURIComponent('南京')}`)).total, 2);
  assert.deepEqual(names(await list(`q=${encodeURIComponent('100%_')}`)), ['100%_纯净水有限公司']);
  assert.equal((await list(`q=${encodeURIComponent('%')}`)).total, 1, '% is a literal, not a wildcard');
  assert.equal((await list(`q=${encodeURIComponent("' OR 1=1 --")}`)).total, 0);
});

test('filter operators: eq ne lt lte gt gte in nin contains starts isnull notnull', async () => {
  const f = async (cond) => (await list(`filter=${filterParam(cond)}&limit=100`)).total;
  assert.equal(await f({ field: 'city', op: 'eq', value: '南京' }), 2);
  assert.equal(await f({ field: 'city', op: 'ne', value: '南京' }), 4);
  assert.equal(await f({ field: 'employees', op: 'lt', value: 800 }), 2);
  assert.equal(await f({ field: 'employees', op: 'lte', value: 800 }), 3);
  assert.equal(await f({ field: 'employees', op: 'gt', value: 1200 }), 2);
  assert.equal(await f({ field: 'employees', op: 'gte', value: 1200 }), 3);
  assert.equal(await f({ field: 'grade', op: 'in', value: ['A', 'C'] }), 4);
  assert.equal(await f({ field: 'grade', op: 'nin', value: ['A', 'C'] }), 2);
  assert.equal(await f({ field: 'name', op: 'contains', value: '股份' }), 4);
  assert.equal(await f({ field: 'name', op: 'starts', value: '南京' }), 2);
  assert.equal(await f({ field: 'annual_revenue', op: 'isnull' }), 3);
  assert.equal(await f({ field: 'annual_revenue', op: 'notnull' }), 3);
  assert.equal(await f({ field: 'annual_revenue', op: 'gte', value: '1000.00' }), 2, 'money compares exactly');
  assert.equal(await f({ field: 'annual_revenue', op: 'lt', value: 1000 }), 1);
});

test('nested and/or filters', async () => {
  const cond = { and: [
    { or: [{ field: 'city', op: 'eq', value: '南京' }, { field: 'city', op: 'eq', value: '杭州' }] },
    { field: 'grade', op: 'eq', value: 'A' },
  ] };
  const j = await list(`filter=${filterParam(cond)}&sort=name`);
  assert.equal(j.total, 2);
  assert.ok(names(j).every(n => n.includes('南京') || n.includes('杭州')));
});

test('sort by one or more fields, ascending and descending', async () => {
  const asc = await list('sort=employees&limit=100');
  const emp = asc.items.map(i => i.employees);
  assert.deepEqual(emp, [...emp].sort((a, b) => a - b));
  const desc = await list('sort=-employees&limit=100');
  assert.deepEqual(desc.items.map(i => i.employees), [...emp].reverse());
  const multi = await list('sort=grade,-employees&limit=100');
  assert.equal(multi.items[0].grade, 'A');
  assert.equal(multi.items[0].employees, 9000);
});

test('unknown fields and operators in filter or sort answer 400, not 500', async () => {
  assertError(assert, await admin.get(`/api/v1/accounts?filter=${filterParam({ field: 'nope', op: 'eq', value: 1 })}`), 400, 'bad_filter');
  assertError(assert, await admin.get(`/api/v1/accounts?filter=${filterParam({ field: 'city', op: 'like', value: 'x' })}`), 400, 'bad_filter');
  assertError(assert, await admin.get(`/api/v1/accounts?filter=${filterParam({ field: 'employees', op: 'eq', value: 'many' })}`), 400);
  assertError(assert, await admin.get(`/api/v1/accounts?filter=${encodeURIComponent('{"and":[')}`), 400, 'bad_filter');
  assertError(assert, await admin.get(`/api/v1/accounts?filter=${filterParam({ field: 'city; DROP TABLE accounts', op: 'eq', value: 1 })}`), 400, 'bad_filter');
  let deep = { field: 'city', op: 'eq', value: 'x' };
  for (let i = 0; i < 40; i++) deep = { and: [deep] };
  assertError(assert, await admin.get(`/api/v1/accounts?filter=${filterParam(deep)}`), 400, 'bad_filter');
  assertError(assert, await admin.get('/api/v1/accounts?sort=password_hash'), 400, 'bad_sort');
  assertError(assert, await admin.get('/api/v1/accounts?sort=description'), 400, 'bad_sort');
  assert.equal((await list('limit=500')).total, rows.length, 'the table is intact');
});

test('huge or malformed limit and offset answer 400', async () => {
  for (const qs of ['limit=501', 'limit=-1', 'limit=abc', 'offset=99999999999999999999', 'offset=-5', 'limit=1e3']) {
    assertError(assert, await admin.get(`/api/v1/accounts?${qs}`), 400, 'bad_param');
  }
});

test('a custom field added at run time works in create, list, filter and sort at once', async () => {
  const f = await admin.post('/api/v1/metadata/entities/accounts/fields', {
    name: 'wechat_account', label_zh: '公众号', label_en: 'WeChat account', type: 'text', max_length: 50 });
  assert.equal(f.status, 201, f.text);
  assert.equal(f.json.name, 'cf_wechat_account');
  const p = await admin.post('/api/v1/metadata/entities/accounts/fields', {
    name: 'channel_level', label_zh: '渠道级别', type: 'picklist',
    options: [{ value: 'gold', label_zh: '金牌', label_en: 'Gold' }, { value: 'silver', label_zh: '银牌' }] });
  assert.equal(p.status, 201, p.text);
  const created = await admin.post('/api/v1/accounts', { name: '合肥科大讯飞股份有限公司', cf_wechat_account: 'iflytek', cf_channel_level: 'gold' });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.cf_wechat_account, 'iflytek');
  const bad = await admin.post('/api/v1/accounts', { name: '合肥某公司', cf_channel_level: 'bronze' });
  assertError(assert, bad, 422, 'validation_failed');
  const j = await list(`filter=${filterParam({ field: 'cf_channel_level', op: 'eq', value: 'gold' })}&sort=-cf_wechat_account`);
  assert.deepEqual(names(j), ['合肥科大讯飞股份有限公司']);
  const meta = await admin.get('/api/v1/metadata');
  const acc = meta.json.entities.find(e => e.name === 'accounts');
  assert.ok(acc.fields.some(x => x.name === 'cf_wechat_account' && x.custom && x.label === '公众号'));
  const dup = await admin.post('/api/v1/metadata/entities/accounts/fields', { name: 'wechat_account', label_zh: '重复', type: 'text' });
  assertError(assert, dup, 409, 'duplicate');
  for (const body of [{ name: 'Bad Name', label_zh: 'x', type: 'text' }, { name: 'ok_name', label_zh: 'x', type: 'nosuch' },
    { name: 'ok_name', type: 'text' }, { name: 'ok_name', label_zh: 'x', type: 'picklist' },
    { name: 'ok_name', label_zh: 'x', type: 'text', extra: 1 }]) {
    assertError(assert, await admin.post('/api/v1/metadata/entities/accounts/fields', body), 422, 'validation_failed');
  }
});

test('picklist options are editable: a new option can be chosen at once, an inactive one cannot', async () => {
  const r = await admin.req('PUT', '/api/v1/metadata/picklists/accounts/grade', { body: { options: [
    { value: 'A', label_zh: 'A 类（重点客户）', label_en: 'A' },
    { value: 'B', label_zh: 'B 类', label_en: 'B' },
    { value: 'C', label_zh: 'C 类', label_en: 'C', active: false },
    { value: 'VIP', label_zh: '战略客户', label_en: 'Strategic' }] } });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.options.some(o => o.value === 'VIP'));
  assert.equal((await admin.post('/api/v1/accounts', { name: '华为技术有限公司', grade: 'VIP' })).status, 201);
  assertError(assert, await admin.post('/api/v1/accounts', { name: '中兴通讯股份有限公司', grade: 'C' }), 422, 'validation_failed');
  assertError(assert, await admin.req('PUT', '/api/v1/metadata/picklists/accounts/name', { body: { options: [] } }), 404);
  assertError(assert, await admin.req('PUT', '/api/v1/metadata/picklists/accounts/grade', { body: { options: [] } }), 422);
  assertError(assert, await admin.req('PUT', '/api/v1/metadata/picklists/accounts/grade', { body: { options: [{ value: 'A', label_zh: 'x' }, { value: 'A', label_zh: 'y' }] } }), 422);
});

test('global search finds customers and contacts', async () => {
  const acc = (await admin.get(`/api/v1/accounts?q=${encodeURIComponent('熊猫')}`)).json.items[0];
  await admin.post('/api/v1/contacts', { name: '熊猫先生', account_id: acc.id });
  const r = await admin.get(`/api/v1/search?q=${encodeURIComponent('熊猫')}`);
  assert.equal(r.status, 200, r.text);
  const hits = r.json.items.map(i => `${i.entity}:${i.title}`);
  assert.ok(hits.includes('accounts:南京熊猫电子股份有限公司'));
  assert.ok(hits.includes('contacts:熊猫先生'));
  assertError(assert, await admin.get('/api/v1/search'), 400, 'bad_param');
});
