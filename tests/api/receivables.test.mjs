// receivables.test.mjs - the collection plan (回款计划: instalments of a
// sales order) and receipts allocated to an instalment and an invoice
// (issue 12, items 4 and 6; docs/commerce.md "Receivables"): the plan
// never adds up to more than the order's total, outstanding amounts follow
// each receipt at once, over-allocation is refused, overdue instalments are
// 催款 reminders of the order's salesperson; the 订单执行计划 is owned lines
// still editable on an approved order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
let admin, wang, li, account, other;
const field = (r, name, reason) => { assert.equal(r.status, 422, r.text); assert.equal(r.json.error.fields[name], reason, r.text); };

// An order of `amount` (no tax), approved unless `draft`.
async function order(client, amount, { draft = false, acct = account } = {}) {
  const o = created(await client.post('/api/v1/sales_orders', { subject: `订单${amount}`, account_id: acct.id, order_date: '2026-10-01',
    lines: [{ description: '服务', quantity: 1, price: amount, tax_rate: 0 }] }));
  if (!draft) ok(await client.post(`/api/v1/sales_orders/${o.id}/actions/submit`, {}));
  return ok(await client.get(`/api/v1/sales_orders/${o.id}`));
}
const plan = (client, o, amount, due, extra = {}) => client.post('/api/v1/instalments', { sales_order_id: o.id, due_date: due, amount, ...extra });
const receipt = (client, body) => client.post('/api/v1/receipts', { account_id: account.id, received_on: '2026-12-01', ...body });

before(async () => {
  await srv.start();
  const ALL = { view: true, create: true, edit: true, delete: true, export: true };
  admin = await srv.client();
  const p = created(await admin.post('/api/v1/profiles', { name: '销售员', permissions: {
    accounts: ALL, activities: ALL, sales_orders: ALL, invoices: ALL, receipts: ALL, instalments: ALL, products: { view: true } } }));
  const role = created(await admin.post('/api/v1/roles', { name: '销售岗', profile_ids: [p.id] }));
  created(await admin.post('/api/v1/users', { username: 'wangfang', name: '王芳', password: 'Wang#2026pw', role_id: role.id }));
  created(await admin.post('/api/v1/users', { username: 'lilei', name: '李雷', password: 'Li#2026pwd!', role_id: role.id }));
  wang = await srv.client('wangfang', 'Wang#2026pw');
  li = await srv.client('lilei', 'Li#2026pwd!');
  account = created(await wang.post('/api/v1/accounts', { name: '苏州云帆精密机械有限公司' }));
  other = created(await wang.post('/api/v1/accounts', { name: '无锡华东电子有限公司' }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a plan: each instalment takes the next 期次, a name and the order\'s customer; never more than the order\'s total', async () => {
  const o = await order(wang, 10000);
  const first = created(await plan(wang, o, 3000, '2026-10-31'));
  assert.deepEqual([first.period_no, first.name, first.account_id, first.received, first.outstanding],
    [1, `${o.code} 第1期`, account.id, 0, 3000]);
  const second = created(await plan(wang, o, 7000, '2026-12-31', { note: '验收后' }));
  assert.equal(second.period_no, 2);
  assert.equal(ok(await wang.get(`/api/v1/sales_orders/${o.id}`)).planned_total, 10000);
  // one fen more than the total: refused, nothing written
  let r = await plan(wang, o, 0.01, '2027-01-31');
  assertError(assert, r, 422, 'over_total');
  assert.equal(r.json.error.fields.amount, 'over_total');
  assert.match(r.json.error.message, /回款计划合计 10000\.01 元超过订单价税合计 10000\.00 元/);
  r = await wang.patch(`/api/v1/instalments/${second.id}`, { amount: 7000.01 });
  assertError(assert, r, 422, 'over_total');
  assert.equal(ok(await wang.get(`/api/v1/instalments?filter=${encodeURIComponent(JSON.stringify({ field: 'sales_order_id', op: 'eq', value: o.id }))}`)).total, 2);
  // moving money between instalments is fine while the sum holds
  ok(await wang.patch(`/api/v1/instalments/${first.id}`, { amount: 2000 }));
  ok(await wang.patch(`/api/v1/instalments/${second.id}`, { amount: 8000 }));
});

test('bad input: zero or negative amounts, a date that is not one, a 期次 taken twice, another order, a cancelled order', async () => {
  const o = await order(wang, 5000);
  field(await plan(wang, o, 0, '2026-11-30'), 'amount', 'not_positive');
  field(await plan(wang, o, -100, '2026-11-30'), 'amount', 'not_positive');
  field(await plan(wang, o, 100, '2026-02-30'), 'due_date', 'invalid_format');
  field(await plan(wang, o, 100, '下个月'), 'due_date', 'invalid_format');
  field(await plan(wang, o, 100.001, '2026-11-30'), 'amount', 'too_many_decimals');
  field(await wang.post('/api/v1/instalments', { sales_order_id: o.id, amount: 100 }), 'due_date', 'required');
  field(await plan(wang, o, 100, '2026-11-30', { period_no: 0 }), 'period_no', 'not_positive');
  const one = created(await plan(wang, o, 100, '2026-11-30', { period_no: 3 }));
  field(await plan(wang, o, 100, '2026-12-30', { period_no: 3 }), 'period_no', 'duplicate');
  field(await plan(wang, o, 100, '2026-12-30', { account_id: other.id }), 'account_id', 'read_only');
  const elsewhere = await order(wang, 800);
  field(await wang.patch(`/api/v1/instalments/${one.id}`, { sales_order_id: elsewhere.id }), 'sales_order_id', 'read_only');
  ok(await wang.post(`/api/v1/sales_orders/${elsewhere.id}/actions/cancel`, {}));
  field(await plan(wang, elsewhere, 100, '2026-12-30'), 'sales_order_id', 'cancelled');
  // another salesperson's order is not theirs to plan
  field(await plan(li, o, 100, '2026-12-30'), 'sales_order_id', 'not_found');
});

test('receipts allocated to an instalment: outstanding follows at once; more than outstanding is refused; the order comes from the instalment', async () => {
  const o = await order(wang, 9000);
  const i1 = created(await plan(wang, o, 4000, '2026-11-15'));
  const i2 = created(await plan(wang, o, 5000, '2026-12-15'));
  // no order named: it is the instalment's
  const r1 = created(await receipt(wang, { instalment_id: i1.id, amount: 1500 }));
  assert.equal(r1.sales_order_id, o.id);
  let i = ok(await wang.get(`/api/v1/instalments/${i1.id}`));
  assert.deepEqual([i.received, i.outstanding], [1500, 2500]);
  assert.deepEqual((({ received_total, outstanding }) => [received_total, outstanding])(ok(await wang.get(`/api/v1/sales_orders/${o.id}`))), [1500, 7500]);
  let r = await receipt(wang, { instalment_id: i1.id, amount: 2500.01 });
  assertError(assert, r, 422, 'over_allocated');
  assert.equal(r.json.error.fields.amount, 'over_allocated');
  assert.match(r.json.error.message, /该期未收金额 2500\.00 元/);
  field(await receipt(wang, { instalment_id: i1.id, amount: 0 }), 'amount', 'not_positive');
  field(await receipt(wang, { instalment_id: i1.id, amount: -5 }), 'amount', 'not_positive');
  // an instalment of another order than the receipt's
  const elsewhere = await order(wang, 300);
  field(await receipt(wang, { sales_order_id: elsewhere.id, instalment_id: i1.id, amount: 10 }), 'instalment_id', 'not_in_order');
  created(await receipt(wang, { instalment_id: i1.id, amount: 2500 }));
  i = ok(await wang.get(`/api/v1/instalments/${i1.id}`));
  assert.deepEqual([i.received, i.outstanding], [4000, 0]);
  field(await receipt(wang, { instalment_id: i1.id, amount: 0.01 }), 'amount', 'over_allocated');
  // a reversal (冲销) gives the money back to the instalment
  created(await wang.post(`/api/v1/receipts/${r1.id}/reverse`, {}));
  i = ok(await wang.get(`/api/v1/instalments/${i1.id}`));
  assert.deepEqual([i.received, i.outstanding], [2500, 1500]);
  // an instalment is not planned below what it received, nor deleted with receipts
  field(await wang.patch(`/api/v1/instalments/${i1.id}`, { amount: 2499.99 }), 'amount', 'below_received');
  ok(await wang.patch(`/api/v1/instalments/${i1.id}`, { amount: 2500 }));
  assertError(assert, await wang.del(`/api/v1/instalments/${i1.id}`), 409, 'has_receipts');
  assert.equal((await wang.del(`/api/v1/instalments/${i2.id}`)).status, 204);
  // the order-level rule still holds without an instalment
  field(await receipt(wang, { sales_order_id: o.id, amount: 6500.01 }), 'amount', 'over_allocated');
});

test('receipts allocated to an invoice: its 已收款 follows; not more than it still lacks; never a void invoice', async () => {
  const o = await order(wang, 2000);
  const made = ok(await wang.post(`/api/v1/sales_orders/${o.id}/actions/invoice`, {}));
  const inv = made.result.invoice_id;
  const i1 = created(await plan(wang, o, 2000, '2026-11-20'));
  created(await receipt(wang, { instalment_id: i1.id, invoice_id: inv, amount: 1200 }));
  assert.equal(ok(await wang.get(`/api/v1/invoices/${inv}`)).received_total, 1200);
  field(await receipt(wang, { invoice_id: inv, amount: 800.01 }), 'amount', 'over_allocated');
  const byInvoice = created(await receipt(wang, { invoice_id: inv, amount: 300 }));
  assert.equal(byInvoice.sales_order_id, o.id);
  const o2 = await order(wang, 100);
  field(await receipt(wang, { sales_order_id: o2.id, invoice_id: inv, amount: 1 }), 'invoice_id', 'not_in_order');
  ok(await wang.post(`/api/v1/invoices/${inv}/actions/void`, {}));
  field(await receipt(wang, { invoice_id: inv, amount: 1 }), 'invoice_id', 'void');
});

test('a submitted order\'s plan must fit its total (the draft\'s lines may have shrunk)', async () => {
  const o = await order(wang, 1000, { draft: true });
  created(await plan(wang, o, 1000, '2026-11-01'));
  ok(await wang.patch(`/api/v1/sales_orders/${o.id}`, { lines: [{ description: '服务', quantity: 1, price: 900, tax_rate: 0 }] }));
  const r = await wang.post(`/api/v1/sales_orders/${o.id}/actions/submit`, {});
  assertError(assert, r, 422, 'over_total');
  assert.match(r.json.error.message, /回款计划合计 1000\.00 元超过订单价税合计/);
  assert.equal(ok(await wang.get(`/api/v1/sales_orders/${o.id}`)).status, 'draft');
});

test('two receipts for the last of an instalment at once: exactly one is taken', async () => {
  const o = await order(wang, 500);
  const i1 = created(await plan(wang, o, 500, '2026-11-01'));
  const both = await Promise.all([receipt(wang, { instalment_id: i1.id, amount: 500 }), receipt(wang, { instalment_id: i1.id, amount: 500 })]);
  assert.deepEqual(both.map(r => r.status).sort(), [201, 422], both.map(r => r.text).join('\n'));
  assert.equal(ok(await wang.get(`/api/v1/instalments/${i1.id}`)).outstanding, 0);
});

test('催款提醒: an instalment due with money outstanding is in its salesperson\'s reminders, overdue when its day has passed', async () => {
  const acc = created(await li.post('/api/v1/accounts', { name: '常州恒力机电有限公司' }));
  const o = await order(li, 3000, { acct: acc });
  const due = created(await plan(li, o, 1000, '2026-01-15'));
  created(await plan(li, o, 1000, '2099-01-15')); // far off: not yet
  const paid = created(await plan(li, o, 1000, '2026-01-20'));
  created(await li.post('/api/v1/receipts', { instalment_id: paid.id, account_id: acc.id, amount: 1000 }));
  const mine = ok(await li.get('/api/v1/reminders?days=7')).items.filter(x => x.kind === 'dunning');
  assert.deepEqual(mine.map(x => [x.entity, x.id, x.title, x.overdue, x.due_at]),
    [['instalments', due.id, `${o.code} 第1期`, true, '2026-01-15T15:59:59Z']]);
  assert.equal(mine[0].owner_name, '李雷');
  assert.ok(!ok(await wang.get('/api/v1/reminders')).items.some(x => x.kind === 'dunning' && x.id === due.id), "not a colleague's");
});

test('订单执行计划: owned lines of the order, still editable once it is approved and locked', async () => {
  const o = await order(wang, 1000);
  assert.equal(o.status, 'approved');
  const tasks = [
    { kind: 'ship', due_date: '2026-11-05', note: '首批发货' },
    { kind: 'dunning', due_date: '2026-11-25', amount: 500 },
    { kind: 'collect', due_date: '2026-11-30', amount: 500 },
  ];
  const saved = ok(await wang.patch(`/api/v1/sales_orders/${o.id}`, { plan: tasks }));
  assert.deepEqual(saved.plan.map(t => [t.position, t.kind, t.due_date]), [[1, 'ship', '2026-11-05'], [2, 'dunning', '2026-11-25'], [3, 'collect', '2026-11-30']]);
  const again = saved.plan.map(({ id, kind, due_date, amount, note }) => ({ id, kind, due_date, amount, note }));
  again[0].done = true;
  assert.equal(ok(await wang.patch(`/api/v1/sales_orders/${o.id}`, { plan: again })).plan[0].done, true);
  field(await wang.patch(`/api/v1/sales_orders/${o.id}`, { plan: [{ kind: 'refund', due_date: '2026-13-01' }] }), 'plan[0].due_date', 'invalid_format');
  assertError(assert, await wang.patch(`/api/v1/sales_orders/${o.id}`, { lines: [] }), 422, 'locked');
  const meta = ok(await wang.get('/api/v1/metadata'));
  const so = meta.entities.find(e => e.name === 'sales_orders');
  assert.ok(so.relations.some(r => r.name === 'plan' && r.owned));
  assert.ok(so.relations.some(r => r.name === 'instalments' && !r.owned));
  assert.ok(meta.menu.find(g => g.key === 'orders').items.includes('instalments'));
});

test('订单执行计划 in the bell: open tasks falling due, to the order\'s salesperson and to the named assignee', async () => {
  const me = ok(await wang.get('/api/v1/session')).user;
  const acc = created(await li.post('/api/v1/accounts', { name: '镇江长江阀门有限公司' }));
  const o = await order(li, 2000, { acct: acc });
  ok(await li.patch(`/api/v1/sales_orders/${o.id}`, { plan: [
    { kind: 'ship', due_date: '2026-01-10', note: '首批发货' },
    { kind: 'collect', due_date: '2026-01-11', amount: 1000, assignee_id: me.id },
    { kind: 'dunning', due_date: '2026-01-12', done: true },
    { kind: 'refund', due_date: '2099-01-01' },
  ] }));
  const tasks = items => items.filter(x => x.kind === 'order_task' && x.id === o.id).map(x => [x.entity, x.title, x.due_at, x.overdue, x.owner_name]);
  assert.deepEqual(tasks(ok(await li.get('/api/v1/reminders?days=7')).items), [
    ['sales_orders', `${o.code} 发货：首批发货`, '2026-01-10T15:59:59Z', true, '李雷'],
    ['sales_orders', `${o.code} 收款`, '2026-01-11T15:59:59Z', true, '王芳']]);
  // a colleague sees the task named to them only
  assert.deepEqual(tasks(ok(await wang.get('/api/v1/reminders?days=7')).items).map(t => t[1]), [`${o.code} 收款`]);
  ok(await li.post(`/api/v1/sales_orders/${o.id}/actions/cancel`, {}));
  assert.deepEqual(tasks(ok(await li.get('/api/v1/reminders?days=7')).items), [], 'a cancelled order asks nothing more');
});

test('a receipt to the order naming no instalment pays the plan from the earliest due on; a reversal or a new plan spreads it again', async () => {
  const o = await order(wang, 9000);
  const late = created(await plan(wang, o, 3000, '2026-12-31'));
  const early = created(await plan(wang, o, 3000, '2026-10-31'));
  const mid = created(await plan(wang, o, 3000, '2026-11-30'));
  created(await receipt(wang, { instalment_id: early.id, amount: 1000 }));
  const byOrder = created(await receipt(wang, { sales_order_id: o.id, amount: 4000 }));
  const figures = async () => Promise.all([early, mid, late].map(async i => {
    const x = ok(await wang.get(`/api/v1/instalments/${i.id}`));
    return [x.received, x.order_share, x.outstanding];
  }));
  // 2,000 fills the first after its own 1,000; the 2,000 left go to the next
  assert.deepEqual(await figures(), [[3000, 2000, 0], [2000, 2000, 1000], [0, 0, 3000]]);
  // an instalment filled by the order's receipt takes nothing more of its own
  field(await receipt(wang, { instalment_id: early.id, amount: 0.01 }), 'amount', 'over_allocated');
  // a receipt of its own on the second: the pool moves on to the third
  created(await receipt(wang, { instalment_id: mid.id, amount: 1000 }));
  assert.deepEqual(await figures(), [[3000, 2000, 0], [3000, 2000, 0], [0, 0, 3000]]);
  ok(await wang.patch(`/api/v1/instalments/${mid.id}`, { amount: 2000 }));
  assert.deepEqual(await figures(), [[3000, 2000, 0], [2000, 1000, 0], [1000, 1000, 2000]]);
  // reversing the order's receipt takes the shares back
  created(await wang.post(`/api/v1/receipts/${byOrder.id}/reverse`, {}));
  assert.deepEqual(await figures(), [[1000, 0, 2000], [1000, 0, 1000], [0, 0, 3000]]);
  // no more 催款 for what was paid through the order: the first is not due any more once paid again
  created(await receipt(wang, { sales_order_id: o.id, amount: 2000 }));
  const dunning = ok(await wang.get('/api/v1/reminders?days=366')).items.filter(x => x.kind === 'dunning').map(x => x.id);
  assert.ok(!dunning.includes(early.id) && dunning.includes(mid.id), JSON.stringify(dunning));
});

test('a receipt and an order left undated take today in Beijing (metadata "default": "today"); a given date stays', async () => {
  const beijingToday = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const o = created(await wang.post('/api/v1/sales_orders', { subject: '未写日期的订单', account_id: account.id,
    lines: [{ description: '服务', quantity: 1, price: 100, tax_rate: 0 }] }));
  assert.equal(o.order_date, beijingToday);
  const r = created(await wang.post('/api/v1/receipts', { account_id: account.id, amount: 1 }));
  assert.equal(r.received_on, beijingToday);
  assert.equal(created(await receipt(wang, { amount: 1 })).received_on, '2026-12-01');
  const meta = ok(await wang.get('/api/v1/metadata')).entities.find(e => e.name === 'receipts');
  assert.equal(meta.fields.find(f => f.name === 'received_on').default, 'today');
});
