// custom_field_delete.test.mjs - an administrator deletes a custom field of
// their own scope with its options and data: a company's field empties its
// slot column for that company only (another company's field in the same
// slot keeps its values), quick search forgets its words, a field of the
// same name made again starts empty; a platform field drops its own column,
// so one made again may have another type. Nobody deletes another scope's
// field or a built-in one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';


const srv = new Server();
const PW = 'Pass#2026word';
let platform, bossB, bossC, sellerB;
let fieldB, fieldC, rowB, rowC;

const fields = async who => (await who.get('/api/v1/metadata')).json.entities.find(e => e.name === 'accounts').fields.map(f => f.name);
const found = async (who, q) => (await who.get('/api/v1/accounts?q=' + encodeURIComponent(q))).json.items.map(a => a.name);

before(async () => {
  await srv.start();
  platform = await srv.client();
  for (const [name, code, username] of [['乙方贸易有限公司', 'yifang', 'boss_b'], ['丙方实业有限公司', 'bingfang', 'boss_c']]) {
    const r = await platform.post('/api/v1/companies', { name, code, admin: { username, name: username, password: PW } });
    assert.equal(r.status, 201, r.text);
  }
  bossB = await srv.client('boss_b', PW);
  bossC = await srv.client('boss_c', PW);
  assert.equal((await bossB.post('/api/v1/users', { username: 'seller_b', name: '乙方销售', password: PW })).status, 201);
  sellerB = await srv.client('seller_b', PW);
  // one text field in each company: the first text slot of each
  fieldB = (await bossB.post('/api/v1/metadata/entities/accounts/fields', { label_zh: '渠道备注', type: 'text', searchable: true })).json.name;
  fieldC = (await bossC.post('/api/v1/metadata/entities/accounts/fields', { label_zh: '渠道备注', type: 'text', searchable: true })).json.name;
  rowB = (await bossB.post('/api/v1/accounts', { name: '乙方客户一号', [fieldB]: '华东经销翡翠渠道' })).json;
  rowC = (await bossC.post('/api/v1/accounts', { name: '丙方客户一号', [fieldC]: '华南直营琥珀渠道' })).json;
  assert.ok(rowB.id && rowC.id);
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('only the scope that made a field deletes it; built-in fields stay', async () => {
  assertError(assert, await sellerB.del(`/api/v1/metadata/entities/accounts/fields/${fieldB}`), 403, 'forbidden');
  assertError(assert, await bossC.del('/api/v1/metadata/entities/accounts/fields/cf_nothing_here'), 404, 'not_found');
  assertError(assert, await bossC.del('/api/v1/metadata/entities/accounts/fields/phone'), 422, 'built_in');
  assertError(assert, await bossC.del('/api/v1/metadata/entities/no_such/fields/x'), 404);
  // the platform does not delete a company's field, nor a company the platform's
  assertError(assert, await platform.del(`/api/v1/metadata/entities/accounts/fields/${fieldB}`), 404, 'not_found');
  const pf = (await platform.post('/api/v1/metadata/entities/accounts/fields', { label_zh: '平台备注', type: 'text' })).json.name;
  assertError(assert, await bossB.del(`/api/v1/metadata/entities/accounts/fields/${pf}`), 404, 'not_found');
  assert.equal((await platform.del(`/api/v1/metadata/entities/accounts/fields/${pf}`)).status, 204);
});

test('the metadata says which fields the user may delete', async () => {
  const field = async (who, name) => (await who.get('/api/v1/metadata')).json.entities.find(e => e.name === 'accounts').fields.find(f => f.name === name);
  assert.equal((await field(bossB, fieldB)).deletable, true);
  assert.equal((await field(sellerB, fieldB)).deletable, undefined);
  assert.equal((await field(bossB, 'phone')).deletable, undefined);
  const pf = (await platform.post('/api/v1/metadata/entities/accounts/fields', { label_zh: '平台字段', type: 'text' })).json.name;
  assert.equal((await field(platform, pf)).deletable, true);
  assert.equal((await field(bossB, pf)).deletable, undefined, 'a company does not delete the platform\'s');
  assert.equal((await platform.del(`/api/v1/metadata/entities/accounts/fields/${pf}`)).status, 204);
});

test('a company\'s field goes with its data; the other company\'s in the same slot stays', async () => {
  assert.deepEqual(await found(bossB, '翡翠'), ['乙方客户一号']);
  const del = await bossB.del(`/api/v1/metadata/entities/accounts/fields/${fieldB}`);
  assert.equal(del.status, 204, del.text);
  assert.ok(!(await fields(bossB)).includes(fieldB));
  assert.ok(!(await fields(sellerB)).includes(fieldB), 'every user of the company');
  assert.ok(!(fieldB in (await bossB.get(`/api/v1/accounts/${rowB.id}`)).json));
  assert.deepEqual(await found(bossB, '翡翠'), [], 'quick search forgot the words');
  assertError(assert, await bossB.patch(`/api/v1/accounts/${rowB.id}`, { [fieldB]: 'x' }), 422);
  // company C: its field, its value, its search
  assert.ok((await fields(bossC)).includes(fieldC));
  assert.equal((await bossC.get(`/api/v1/accounts/${rowC.id}`)).json[fieldC], '华南直营琥珀渠道');
  assert.deepEqual(await found(bossC, '琥珀'), ['丙方客户一号']);
  // made again, the field starts empty: the old values are gone from the slot
  const again = await bossB.post('/api/v1/metadata/entities/accounts/fields', { label_zh: '渠道备注', type: 'text' });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.name, fieldB);
  assert.equal((await bossB.get(`/api/v1/accounts/${rowB.id}`)).json[fieldB], null);
});

test('a platform field drops its column: made again it may have another type', async () => {
  const made = await platform.post('/api/v1/metadata/entities/accounts/fields', { name: 'level_note', label_zh: '评级说明', type: 'text' });
  assert.equal(made.status, 201, made.text);
  const acc = (await platform.post('/api/v1/accounts', { name: '平台客户', cf_level_note: '甲级' })).json;
  assert.equal(acc.cf_level_note, '甲级');
  assert.equal((await platform.del('/api/v1/metadata/entities/accounts/fields/cf_level_note')).status, 204);
  assert.ok(!(await fields(bossC)).includes('cf_level_note'), 'gone from every company');
  const typed = await platform.post('/api/v1/metadata/entities/accounts/fields', { name: 'level_note', label_zh: '评级分数', type: 'integer' });
  assert.equal(typed.status, 201, typed.text);
  const r = await platform.patch(`/api/v1/accounts/${acc.id}`, { cf_level_note: 87 }, { headers: { 'If-Match': String(acc.version) } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.cf_level_note, 87);
  // company fields were untouched
  assert.equal((await bossC.get(`/api/v1/accounts/${rowC.id}`)).json[fieldC], '华南直营琥珀渠道');
});

test('the search words rebuilt at an upgrade keep each company\'s own searchable fields', async () => {
  await srv.stop();
  const sql = stmt => srv.sql(stmt);
  // as a database from before the current search words
  sql("UPDATE settings SET value = '1' WHERE key = 'search_words'");
  sql('UPDATE accounts SET search_grams = NULL');
  await srv.start({ db: srv.db, dir: srv.dir });
  assert.deepEqual(await found(bossC, '琥珀'), ['丙方客户一号']);
  assert.deepEqual(await found(bossC, '丙方客户'), ['丙方客户一号']);
});
