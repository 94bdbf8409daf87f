// metadata.test.mjs - the metadata the UI is built from, and the OpenAPI
// document checked by a validator nobody here wrote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import { Server } from './harness.mjs';

const srv = new Server();
let admin;

before(async () => { await srv.start(); admin = await srv.client(); });
after(async () => { await srv.stop(); srv.cleanup(); });

test('metadata lists entities with Chinese labels, fields, options, layouts and the menu', async () => {
  const r = await admin.get('/api/v1/metadata');
  assert.equal(r.status, 200, r.text);
  const acc = r.json.entities.find(e => e.name === 'accounts');
  assert.equal(acc.label, '客户');
  const name = acc.fields.find(f => f.name === 'name');
  assert.equal(name.label, '客户名称');
  assert.equal(name.required, true);
  const type = acc.fields.find(f => f.name === 'type');
  assert.deepEqual(type.options.map(o => o.label), ['客户', '潜在客户', '代理商(渠道)', '合作伙伴', '供应商', '竞争对手']);
  assert.ok(acc.list_columns.includes('name'));
  assert.ok(acc.groups.some(g => g.label === '基本信息'));
  const contacts = r.json.entities.find(e => e.name === 'contacts');
  const link = contacts.fields.find(f => f.name === 'account_id');
  assert.equal(link.type, 'link');
  assert.equal(link.link_entity, 'accounts');
  assert.equal(link.companion, 'account_name');
  const menu = r.json.menu.find(m => m.key === 'customers');
  assert.equal(menu.label, '客户管理');
  assert.deepEqual(menu.items, ['accounts', 'contacts']);
  const en = await admin.get('/api/v1/metadata', { headers: { 'Accept-Language': 'en' } });
  assert.equal(en.json.entities.find(e => e.name === 'accounts').label, 'Accounts');
});

test('the OpenAPI document is valid OpenAPI 3 and covers every entity and custom fields', async () => {
  await admin.post('/api/v1/metadata/entities/contacts/fields', { name: 'hobby_level', label_zh: '爱好程度', type: 'integer' });
  const r = await srv.request('GET', '/api/v1/openapi.json');
  assert.equal(r.status, 200);
  const doc = r.json;
  assert.equal(doc.openapi, '3.0.3');
  await SwaggerParser.validate(structuredClone(doc));
  for (const p of ['/api/v1/session', '/api/v1/accounts', '/api/v1/accounts/{id}', '/api/v1/contacts/{id}/history', '/api/v1/accounts/{id}/related/{relation}'])
    assert.ok(doc.paths[p], `missing ${p}`);
  assert.ok(doc.components.schemas.contacts.properties.cf_hobby_level);
  assert.deepEqual(doc.components.schemas.accounts_create.required, ['name']);
});

test('a custom field named only in Chinese gets its name and option codes from the pinyin', async () => {
  const r = await admin.post('/api/v1/metadata/entities/contacts/fields', {
    label_zh: '微信群', type: 'picklist',
    options: [{ label_zh: '重点客户群' }, { label_zh: '重点客户群', value: '' }, { value: 'own', label_zh: '自定代码' }],
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.name, 'cf_weixinqun');
  assert.deepEqual(r.json.options.map(o => o.value), ['zhongdiankehuqun', 'zhongdiankehuqun_2', 'own']);
  const again = await admin.post('/api/v1/metadata/entities/contacts/fields', { label_zh: '微信群', type: 'text' });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.name, 'cf_weixinqun_2', 'a free name, not a clash');
  const digits = await admin.post('/api/v1/metadata/entities/contacts/fields', { label_zh: '2026年度', type: 'text' });
  assert.equal(digits.json.name, 'cf_f2026niandu', 'a name starts with a letter');
  // a new option of an existing picklist gets its code the same way
  const put = await admin.req('PUT', '/api/v1/metadata/picklists/contacts/cf_weixinqun',
    { body: { options: [...r.json.options.map(o => ({ value: o.value, label_zh: o.label_zh })), { label_zh: '普通群' }] } });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json.options.map(o => o.value).at(-1), 'putongqun');
  // a name given by hand still wins, and still has to be ASCII
  assert.equal((await admin.post('/api/v1/metadata/entities/contacts/fields', { name: 'wechat', label_zh: '微信', type: 'text' })).json.name, 'cf_wechat');
  assert.equal((await admin.post('/api/v1/metadata/entities/contacts/fields', { name: '微信', label_zh: '微信', type: 'text' })).status, 422);
});

test('a picklist can share another field\'s options: a lead\'s 所属行业 is the customer\'s, changed in one place', async () => {
  const field = async (entity, name) => (await admin.get('/api/v1/metadata')).json.entities
    .find(e => e.name === entity).fields.find(f => f.name === name);
  const leadIndustry = await field('leads', 'industry');
  const accountIndustry = await field('accounts', 'industry');
  assert.equal(leadIndustry.options_from, 'accounts.industry');
  assert.deepEqual(leadIndustry.options.map(o => o.value), accountIndustry.options.map(o => o.value));
  assert.ok(leadIndustry.options.length >= 13);
  assert.equal((await admin.post('/api/v1/leads', { name: '共用行业线索', industry: 'automotive' })).status, 201);
  // an administrator's change through either field is the change of both
  const opts = [...accountIndustry.options.map(o => ({ value: o.value, label_zh: o.label_zh, label_en: o.label_en })),
    { value: 'agriculture', label_zh: '农业', label_en: 'Agriculture' }];
  const r = await admin.req('PUT', '/api/v1/metadata/picklists/leads/industry', { body: { options: opts } });
  assert.equal(r.status, 200, r.text);
  assert.ok((await field('accounts', 'industry')).options.some(o => o.value === 'agriculture'));
  assert.ok((await field('leads', 'industry')).options.some(o => o.value === 'agriculture'));
  assert.equal((await admin.post('/api/v1/accounts', { name: '农业共用客户', industry: 'agriculture' })).status, 201);
});

test('受教育程度 reads from the highest degree down', async () => {
  const edu = (await admin.get('/api/v1/metadata')).json.entities.find(e => e.name === 'contacts')
    .fields.find(f => f.name === 'education');
  assert.deepEqual(edu.options.map(o => o.label), ['博士', '硕士', '本科', '专科', '高中及以下']);
});

// docs/glossary.md: one word per thing, in the textbook's terms. Issue 15
// found 行动记录 called 跟进记录, 销售机会 called 商机 or 商业机会, 丢单
// called 输单, and passwords counted in 字节.
test('one word per thing: the metadata and the web app\'s words use the glossary\'s terms, and passwords count 字符', async () => {
  const NOT = ['跟进记录', '商机', '商业机会', '输单', '字节'];
  const meta = (await admin.get('/api/v1/metadata')).text;
  const zh = readFileSync(new URL('../../web/src/i18n/zh-CN.js', import.meta.url), 'utf8');
  for (const [where, text] of [['GET /metadata', meta], ['web/src/i18n/zh-CN.js', zh]])
    for (const word of NOT) assert.ok(!text.includes(word), `${where} says ${word}`);
  const glossary = readFileSync(new URL('../../docs/glossary.md', import.meta.url), 'utf8');
  for (const row of [/\| 行动记录 \| activity \|.*跟进记录/, /\| 销售机会 \| opportunity \|.*商机, 商业机会/, /\| 赢单 \/ 丢单 \|.*输单/])
    assert.match(glossary, row);
  const policy = JSON.parse(meta).password_policy;
  assert.match(policy.label_zh, /8 至 128 个字符/);
  const short = await admin.post('/api/v1/users', { username: 'duanmima', name: '短密码', password: '密码太短了' });
  assert.equal(short.status, 422, short.text);
  assert.match(short.json.error.message, /字符/);
  assert.doesNotMatch(short.json.error.message, /字节/);
});
