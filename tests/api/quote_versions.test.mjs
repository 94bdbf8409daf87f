// quote_versions.test.mjs - 修订 and templates (issue 12, items 3 and 4;
// docs/commerce.md "Versions and templates"): revising a submitted quote
// makes a new draft version linked to the old one, which stays read-only
// as 已修订; 存为模板 keeps a quote or an order as a template
// (报价模板, 热销模板) that new documents are copied from, lines and all;
// a template order owes nothing and counts in no report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
let admin, wang, account, laptop;
const act = async (client, entity, id, name, body = {}) => ok(await client.post(`/api/v1/${entity}/${id}/actions/${name}`, body));

before(async () => {
  await srv.start();
  srv.addUser('wangfang', 'Wang#2026pw', { name: '王芳' });
  admin = await srv.client();
  wang = await srv.client('wangfang', 'Wang#2026pw');
  account = created(await wang.post('/api/v1/accounts', { name: '南京云帆科技有限公司' }));
  laptop = created(await admin.post('/api/v1/products', { name: '笔记本电脑', unit: '台', price: 5000 }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

const LINES = () => [{ product_id: laptop.id, quantity: 10, price: 5000, tax_rate: 13, unit: '台' },
  { description: '上门安装', quantity: 1, price: 800, tax_rate: 6 }];

test('修订: a new draft version with the same lines, linked to the old one, which stays read-only', async () => {
  const v1 = created(await wang.post('/api/v1/quotes', { subject: '笔记本采购报价', account_id: account.id, valid_until: '2026-12-31',
    payment_terms: '预付三成', lines: LINES() }));
  assert.equal(v1.version_no, 1);
  assertError(assert, await wang.post(`/api/v1/quotes/${v1.id}/actions/new_version`, {}), 422, 'action_not_allowed'); // a draft is simply edited
  await act(wang, 'quotes', v1.id, 'submit');
  await act(wang, 'quotes', v1.id, 'reject');
  const r = await act(wang, 'quotes', v1.id, 'new_version');
  assert.equal(r.record.status, 'superseded');
  const v2 = ok(await wang.get(`/api/v1/quotes/${r.result.quote_id}`));
  assert.deepEqual([v2.status, v2.version_no, v2.previous_version_id, v2.subject, v2.account_id, v2.payment_terms, v2.valid_until],
    ['draft', 2, v1.id, '笔记本采购报价', account.id, '预付三成', '2026-12-31']);
  assert.deepEqual(v2.lines.map(l => [l.product_id, l.description, l.quantity, l.price, l.tax_rate]),
    v1.lines.map(l => [l.product_id, l.description, l.quantity, l.price, l.tax_rate]));
  assert.equal(v2.total, v1.total);
  assert.notEqual(v2.code, v1.code);
  // the old version is read-only: no edit, not even the note, no action, no second revision
  assertError(assert, await wang.patch(`/api/v1/quotes/${v1.id}`, { description: '改一下' }), 422, 'locked');
  assertError(assert, await wang.patch(`/api/v1/quotes/${v1.id}`, { lines: [] }), 422, 'locked');
  assertError(assert, await wang.post(`/api/v1/quotes/${v1.id}/actions/revise`, {}), 422, 'action_not_allowed');
  assertError(assert, await wang.post(`/api/v1/quotes/${v1.id}/actions/new_version`, {}), 409);
  // the new one is edited, sent and revised again: version 3 points at 2
  ok(await wang.patch(`/api/v1/quotes/${v2.id}`, { lines: [{ ...LINES()[0], price: 4800 }] }));
  await act(wang, 'quotes', v2.id, 'submit');
  const v3 = ok(await wang.get(`/api/v1/quotes/${(await act(wang, 'quotes', v2.id, 'new_version')).result.quote_id}`));
  assert.deepEqual([v3.version_no, v3.previous_version_id, v3.lines[0].price], [3, v2.id, 4800]);
  // the versions are found from the old one (related list 修订版本)
  const later = ok(await wang.get(`/api/v1/quotes/${v1.id}/related/revisions`));
  assert.deepEqual(later.items.map(q => q.id), [v2.id]);
  // the server alone sets the link and the state
  let bad = await wang.post('/api/v1/quotes', { subject: 'x', account_id: account.id, previous_version_id: v1.id });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.fields.previous_version_id, 'read_only');
  bad = await wang.post('/api/v1/quotes', { subject: 'x', account_id: account.id, status: 'superseded' });
  assert.equal(bad.json.error.fields.status, 'read_only');
});

test('报价模板: 存为模板 keeps a copy as a template; 按模板新建 drafts a quote from it', async () => {
  const q = created(await wang.post('/api/v1/quotes', { subject: '标准办公套餐', account_id: account.id, lines: LINES() }));
  const t = ok(await wang.get(`/api/v1/quotes/${(await act(wang, 'quotes', q.id, 'save_template')).result.template_id}`));
  assert.deepEqual([t.status, t.subject, t.lines.length, t.total], ['template', '标准办公套餐', 2, q.total]);
  assert.equal(ok(await wang.get(`/api/v1/quotes/${q.id}`)).status, 'draft', 'the source is untouched');
  const made = await act(wang, 'quotes', t.id, 'use_template');
  assert.equal(made.record.status, 'template', 'the template stays one');
  const n = ok(await wang.get(`/api/v1/quotes/${made.result.quote_id}`));
  assert.deepEqual([n.status, n.version_no, n.subject, n.lines.length, n.total], ['draft', 1, '标准办公套餐', 2, q.total]);
  assertError(assert, await wang.post(`/api/v1/quotes/${n.id}/actions/use_template`, {}), 422, 'action_not_allowed');
  // a template is edited like a draft
  ok(await wang.patch(`/api/v1/quotes/${t.id}`, { subject: '标准办公套餐（2027版）' }));
});

test('热销模板: an order template owes nothing, is in no report, and new orders are copied from it', async () => {
  const o = created(await wang.post('/api/v1/sales_orders', { subject: '热销笔记本套餐', account_id: account.id, lines: LINES() }));
  const r = await act(wang, 'sales_orders', o.id, 'save_template');
  const t = ok(await wang.get(`/api/v1/sales_orders/${r.result.template_id}`));
  assert.deepEqual([t.status, t.lines.length, t.total, t.outstanding], ['template', 2, o.total, 0]);
  assertError(assert, await wang.post(`/api/v1/sales_orders/${t.id}/actions/submit`, {}), 422, 'action_not_allowed');
  const made = await act(wang, 'sales_orders', t.id, 'use_template');
  const n = ok(await wang.get(`/api/v1/sales_orders/${made.result.sales_order_id}`));
  assert.deepEqual([n.status, n.subject, n.lines.length, n.total, n.outstanding], ['draft', '热销笔记本套餐', 2, o.total, o.total]);
  await act(wang, 'sales_orders', n.id, 'submit');
  const sales = ok(await wang.get('/api/v1/reports/order_accounts'));
  assert.deepEqual(sales.items.map(i => i.id), [n.id], 'the template is no sale');
  const meta = ok(await wang.get('/api/v1/metadata'));
  const so = meta.entities.find(e => e.name === 'sales_orders');
  assert.ok(so.actions.find(a => a.name === 'use_template').from.includes('template'));
  assert.equal(so.fields.find(f => f.name === 'status').options.find(x => x.value === 'template').label, '热销模板');
});
