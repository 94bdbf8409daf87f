// unitofwork.test.mjs - the engine's unit of work seen from the API: a
// domain action that writes several records is all or nothing and leaves
// every cached total right without remembering to refresh it; module rules
// ask about records through the engine, so a record in the recycle bin no
// longer counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, filterParam } from './harness.mjs';

const srv = new Server();
let admin;

before(async () => { await srv.start(); admin = await srv.client(); });
after(async () => { await srv.stop(); srv.cleanup(); });

const total = async (entity, filter) =>
  (await admin.get(`/api/v1/${entity}?limit=1${filter ? `&filter=${filterParam(filter)}` : ''}`)).json.total;

test('lead conversion: the totals of every entity it wrote are right at once', async () => {
  const lead = (await admin.post('/api/v1/leads', { name: '总数测试人', company: '总数测试有限公司' })).json;
  // cache the totals first: the conversion must refresh them itself
  const [accounts, contacts, opportunities, converted] = await Promise.all([
    total('accounts'), total('contacts'), total('opportunities'),
    total('leads', { field: 'status', op: 'eq', value: 'converted' })]);
  const r = await admin.post(`/api/v1/leads/${lead.id}/convert`, { create_opportunity: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(await total('accounts'), accounts + 1);
  assert.equal(await total('contacts'), contacts + 1);
  assert.equal(await total('opportunities'), opportunities + 1);
  assert.equal(await total('leads', { field: 'status', op: 'eq', value: 'converted' }), converted + 1);
});

test('lead conversion is all or nothing: a failing opportunity leaves no customer or contact behind', async () => {
  const lead = (await admin.post('/api/v1/leads', { name: '原子性测试人', company: '原子性测试有限公司' })).json;
  const accounts = await total('accounts'), contacts = await total('contacts');
  const r = await admin.post(`/api/v1/leads/${lead.id}/convert`, { opportunity: { amount: 'not a number' } });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(await total('accounts'), accounts);
  assert.equal(await total('contacts'), contacts);
  assert.equal((await admin.get(`/api/v1/leads/${lead.id}`)).json.status, 'new');
  // and the same lead converts cleanly afterwards
  assert.equal((await admin.post(`/api/v1/leads/${lead.id}/convert`, {})).status, 200);
});

test('a contact in the recycle bin no longer ties an activity to its customer', async () => {
  const a = (await admin.post('/api/v1/accounts', { name: '回收站甲有限公司' })).json;
  const b = (await admin.post('/api/v1/accounts', { name: '回收站乙有限公司' })).json;
  const x = (await admin.post('/api/v1/contacts', { name: '回收站联系人', account_id: a.id })).json;
  const act = (await admin.post('/api/v1/activities', { subject: '拜访', account_id: a.id, contact_id: x.id })).json;
  assert.ok(act.id, JSON.stringify(act));
  // live: the contact is A's, so the activity cannot move to B
  let r = await admin.patch(`/api/v1/activities/${act.id}`, { account_id: b.id });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.contact_id, 'not_in_account');
  // in the recycle bin it is not a record the rule asks about any more
  assert.equal((await admin.del(`/api/v1/contacts/${x.id}`)).status, 204);
  r = await admin.patch(`/api/v1/activities/${act.id}`, { account_id: b.id });
  assert.equal(r.status, 200, r.text);
  // naming it again is refused by the engine's link check, not by the rule
  r = await admin.post('/api/v1/activities', { subject: '再拜访', account_id: a.id, contact_id: x.id });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.contact_id, 'not_found');
});
