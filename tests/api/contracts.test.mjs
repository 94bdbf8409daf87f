// contracts.test.mjs - 合同管理 (issue 12 item 10, SPEC §6): parties, amount,
// dates, the states 草稿 → 执行中 → 已到期 / 已终止 (a contract in force is
// locked but for its terms and end date), the linked order of the same
// customer, attachments, and 合同到期 in the owner's bell a month ahead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, filterParam, created, ok } from './harness.mjs';

const srv = new Server();
const PW = 'Contract#2026pw';
let admin, li, wang, acc, other, contact, order;
const day = n => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10); // Beijing date n days on

before(async () => {
  await srv.start();
  admin = await srv.client();
  srv.addUser('lina', PW, { name: '李娜' });
  srv.addUser('wangfang', PW, { name: '王芳' });
  li = await srv.client('lina', PW);
  wang = await srv.client('wangfang', PW);
  acc = created(await li.post('/api/v1/accounts', { name: '苏州工业园区恒信科技有限公司' }));
  other = created(await li.post('/api/v1/accounts', { name: '杭州西湖数码有限公司' }));
  contact = created(await li.post('/api/v1/contacts', { name: '周明', account_id: acc.id }));
  order = created(await li.post('/api/v1/sales_orders', { subject: '恒信年度采购', account_id: acc.id }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a contract starts as 草稿 with its number; 执行中 needs the dates; the states follow 草稿 → 执行中 → 已到期/已终止', async () => {
  const c = created(await li.post('/api/v1/contracts', { name: '恒信科技年度服务合同', account_id: acc.id, contact_id: contact.id,
    sales_order_id: order.id, amount: '120000.00' }));
  assert.equal(c.status, 'draft');
  assert.match(c.code, /^HT-\d{6}$/);
  assert.equal(c.amount, 120000);
  // in force without dates: refused
  let r = await li.patch(`/api/v1/contracts/${c.id}`, { status: 'active' });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.signed_on, 'required');
  const active = ok(await li.patch(`/api/v1/contracts/${c.id}`, { status: 'active', signed_on: day(-10), start_on: day(-9), end_on: day(20) }));
  assert.equal(active.status, 'active');
  // in force: the amount is locked, the terms and the end date are not
  assertError(assert, await li.patch(`/api/v1/contracts/${c.id}`, { amount: 1 }), 422, 'locked');
  ok(await li.patch(`/api/v1/contracts/${c.id}`, { description: '维保期内 7×24 小时响应' }));
  // back to 草稿: not a transition
  assertError(assert, await li.patch(`/api/v1/contracts/${c.id}`, { status: 'draft' }), 422, 'invalid_transition');
  ok(await li.patch(`/api/v1/contracts/${c.id}`, { status: 'expired' }));
  // renewed: in force again with a later end date
  ok(await li.patch(`/api/v1/contracts/${c.id}`, { status: 'active', end_on: day(200) }));
  ok(await li.patch(`/api/v1/contracts/${c.id}`, { status: 'terminated' }));
  // 已终止 is the end
  assertError(assert, await li.patch(`/api/v1/contracts/${c.id}`, { status: 'active' }), 422, 'invalid_transition');
  assertError(assert, await li.patch(`/api/v1/contracts/${c.id}`, { end_on: day(300) }), 422, 'locked');
  // the order and the customer list it
  const rel = ok(await li.get(`/api/v1/sales_orders/${order.id}/related/contracts`));
  assert.deepEqual(rel.items.map(x => x.id), [c.id]);
  assert.ok(ok(await li.get(`/api/v1/accounts/${acc.id}/related/contracts`)).items.some(x => x.id === c.id));
});

test('bad input: an end before the start, a negative amount, another customer\'s contact or order, no customer', async () => {
  const base = { name: '测试合同', account_id: acc.id, amount: 100 };
  let r = await li.post('/api/v1/contracts', { ...base, start_on: '2026-05-01', end_on: '2026-04-30' });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.end_on, 'before_start');
  r = await li.post('/api/v1/contracts', { ...base, amount: -1 });
  assert.equal(r.json.error.fields.amount, 'out_of_range');
  r = await li.post('/api/v1/contracts', { ...base, account_id: other.id, contact_id: contact.id });
  assert.equal(r.json.error.fields.contact_id, 'other_account');
  r = await li.post('/api/v1/contracts', { ...base, account_id: other.id, sales_order_id: order.id });
  assert.equal(r.json.error.fields.sales_order_id, 'other_account');
  r = await li.post('/api/v1/contracts', { name: '无客户', amount: 1 });
  assert.equal(r.json.error.fields.account_id, 'required');
  r = await li.post('/api/v1/contracts', { ...base, amount: '1.234' });
  assertError(assert, r, 422, 'validation_failed');
  // changing the customer of a contract whose order is the old customer's
  const c = created(await li.post('/api/v1/contracts', { ...base, sales_order_id: order.id }));
  r = await li.patch(`/api/v1/contracts/${c.id}`, { account_id: other.id });
  assert.equal(r.json.error.fields.sales_order_id, 'other_account');
});

test('a contract keeps its scans as attachments', async () => {
  const c = created(await li.post('/api/v1/contracts', { name: '附件合同', account_id: acc.id, amount: 5000 }));
  const r = await li.req('POST', `/api/v1/contracts/${c.id}/attachments?name=${encodeURIComponent('合同扫描件.pdf')}`,
    { raw: Buffer.from('%PDF-1.4\n'), headers: { 'Content-Type': 'application/pdf' } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(ok(await li.get(`/api/v1/contracts/${c.id}/attachments`)).items.map(a => a.name), ['合同扫描件.pdf']);
});

test('合同到期 in the owner\'s bell from 30 days before its end, overdue once past; not a draft, not a colleague\'s', async () => {
  const mk = async (name, end, status = 'active') => created(await li.post('/api/v1/contracts', {
    name, account_id: acc.id, amount: 1000, status, signed_on: day(-100), start_on: day(-100), end_on: end }));
  const soon = await mk('下月到期的合同', day(25));
  const late = await mk('已过到期日的合同', day(-2));
  const far = await mk('明年到期的合同', day(200));
  const draft = await mk('草稿合同', day(5), 'draft');
  const bell = ok(await li.get('/api/v1/reminders?days=7')).items.filter(x => x.kind === 'contract_expiry');
  const ids = bell.map(x => x.id);
  assert.ok(ids.includes(soon.id) && ids.includes(late.id), JSON.stringify(bell));
  assert.ok(!ids.includes(far.id) && !ids.includes(draft.id));
  const item = bell.find(x => x.id === late.id);
  assert.equal(item.entity, 'contracts');
  assert.equal(item.overdue, true);
  assert.equal(item.account_name, '苏州工业园区恒信科技有限公司');
  assert.equal(bell.find(x => x.id === soon.id).overdue, false);
  assert.ok(!ok(await wang.get('/api/v1/reminders')).items.some(x => x.kind === 'contract_expiry'));
});

test('contracts are found by global search and export to Excel', async () => {
  created(await li.post('/api/v1/contracts', { name: '恒信科技云服务框架协议', account_id: acc.id, amount: 88000 }));
  const found = ok(await li.get('/api/v1/search?q=' + encodeURIComponent('云服务框架')));
  assert.ok(found.items.some(x => x.entity === 'contracts' && x.title === '恒信科技云服务框架协议'), JSON.stringify(found));
  const x = await li.get(`/api/v1/contracts/export?format=xlsx&filter=${filterParam({ field: 'account_id', op: 'eq', value: acc.id })}`);
  assert.equal(x.status, 200, x.text);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
});
