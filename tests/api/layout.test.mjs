// layout.test.mjs - 窗体布局 (the CRMS lab's form layout task): a company's
// administrator arranges an entity's form (groups, their order and labels,
// the fields of each in order, custom fields anywhere); the company's
// users read it in the metadata, other companies keep the default, bad
// layouts are refused with the group that is wrong, and reset restores.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
let admin, seller, bossB;

const accounts = async who => (await who.get('/api/v1/metadata')).json.entities.find(e => e.name === 'accounts');
const put = (who, body, entity = 'accounts') => who.req('PUT', `/api/v1/metadata/layouts/${entity}`, { body });

before(async () => {
  await srv.start();
  admin = await srv.client();
  srv.addUser('layout_seller', PW, { name: '布局销售' });
  seller = await srv.client('layout_seller', PW);
  assert.equal((await admin.post('/api/v1/companies', {
    name: '布局乙公司', code: 'buju', admin: { username: 'layout_boss', name: '乙方管理员', password: PW } })).status, 201);
  bossB = await srv.client('layout_boss', PW);
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('an administrator arranges the form: groups, their labels and order, fields in order, a custom field anywhere', async () => {
  const before = await accounts(admin);
  const defaultKeys = before.groups.map(g => g.key);
  const cf = await admin.post('/api/v1/metadata/entities/accounts/fields', { label_zh: '售后专员', type: 'text' });
  assert.equal(cf.status, 201, cf.text);
  const layout = { groups: [
    { key: 'aftersales', label_zh: '售后信息', label_en: 'After sales', fields: [cf.json.name, 'phone'] },
    { key: 'basic', label_zh: '客户概况', fields: ['name', 'city', 'grade', 'type'] },
  ] };
  const r = await put(admin, layout);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.groups.slice(0, 2).map(g => [g.key, g.label, g.fields]),
    [['aftersales', '售后信息', [cf.json.name, 'phone']], ['basic', '客户概况', ['name', 'city', 'grade', 'type']]]);
  const meta = await accounts(admin);
  assert.deepEqual(meta.groups.slice(0, 2).map(g => g.key), ['aftersales', 'basic']);
  // the metadata's other groups follow, so no field is lost
  assert.deepEqual(meta.groups.slice(2).map(g => g.key), defaultKeys.filter(k => k !== 'basic'));
  const group = name => meta.fields.find(f => f.name === name).group;
  assert.equal(group('city'), 'basic');
  assert.equal(group('phone'), 'aftersales');
  assert.equal(group(cf.json.name), 'aftersales');
  // the company's users read it too; English labels where given
  const mine = await accounts(seller);
  assert.deepEqual(mine.groups[0].fields, [cf.json.name, 'phone']);
  const en = (await seller.get('/api/v1/metadata', { headers: { 'Accept-Language': 'en' } })).json.entities.find(e => e.name === 'accounts');
  assert.equal(en.groups[0].label, 'After sales');
  // another company keeps the default form
  const other = await accounts(bossB);
  assert.deepEqual(other.groups.map(g => g.key), defaultKeys);
  assert.equal(other.groups[0].fields, undefined);
  // records are read and written as before
  assert.equal((await seller.post('/api/v1/accounts', { name: '布局后新建公司', city: '常州', phone: '0519-88886666' })).status, 201);
});

test('a bad layout is refused with the group that is wrong; nothing changes', async () => {
  const now = (await accounts(admin)).groups.map(g => g.key);
  const g = (fields, extra = {}) => ({ groups: [{ key: 'basic', label_zh: '基本信息', fields, ...extra }] });
  for (const [body, field] of [
    [g(['name', 'no_such_field']), 'groups[0]'],
    [g(['name', 'id']), 'groups[0]'],
    [g(['name', 'name']), 'groups[0]'],
    [{ groups: [{ key: 'a', label_zh: '甲', fields: ['name'] }, { key: 'b', label_zh: '乙', fields: ['name'] }] }, 'groups[1]'],
    [{ groups: [{ key: 'a', label_zh: '甲', fields: [] }, { key: 'a', label_zh: '乙', fields: [] }] }, 'groups'],
    [g(['name'], { key: 'Bad Key' }), 'groups[0]'],
    [g(['name'], { label_zh: '' }), 'groups[0]'],
    [g(['name'], { label_zh: '很'.repeat(31) }), 'groups[0]'],
    [g(['name'], { colour: 'red' }), 'groups[0]'],
    [{ groups: [] }, 'groups'],
    [{ groups: [{ key: 'a', label_zh: '甲', fields: ['name'] }], extra: 1 }, 'groups'],
    [{ groups: 'basic' }, 'groups'],
  ]) {
    const r = await put(admin, body);
    assertError(assert, r, 422, 'validation_failed');
    assert.ok(r.json.error.fields && field in r.json.error.fields, `${JSON.stringify(body)}: ${r.text}`);
  }
  assertError(assert, await admin.req('PUT', '/api/v1/metadata/layouts/accounts', { raw: '{"groups":', headers: { 'Content-Type': 'application/json' } }), 400);
  assert.deepEqual((await accounts(admin)).groups.map(g => g.key), now);
  assertError(assert, await put(seller, g(['name'])), 403);
  assertError(assert, await put(admin, g(['name']), 'no_such_entity'), 404);
  assertError(assert, await put(admin, g(['name']), 'users'), 404);
});

test('reset puts the metadata\'s form back; one company\'s reset leaves another\'s layout alone', async () => {
  const mine = { groups: [{ key: 'basic', label_zh: '乙方概况', fields: ['city', 'name'] }] };
  assert.equal((await put(bossB, mine)).status, 200);
  assert.deepEqual((await accounts(bossB)).groups[0].fields, ['city', 'name']);
  const r = await admin.req('DELETE', '/api/v1/metadata/layouts/accounts');
  assert.equal(r.status, 200, r.text);
  const meta = await accounts(admin);
  assert.ok(meta.groups.every(g => g.fields === undefined));
  assert.equal(meta.fields.find(f => f.name === 'phone').group, 'contact');
  assert.equal(meta.groups[0].key, 'basic');
  assert.deepEqual((await accounts(bossB)).groups[0].fields, ['city', 'name'], 'company B keeps its own');
});
