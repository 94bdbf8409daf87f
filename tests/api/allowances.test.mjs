// allowances.test.mjs - 销售折让单 (sales_allowances; docs/commerce.md
// "Allowances"): a concession on an order without a return lowers what
// the order is owed (its 折让金额, in 未收款) and refunds what the customer
// paid beyond it as a negative receipt in the receipts ledger; never more
// than what is left of the order (over-refund refused, also for two
// drafts confirmed at once), only on approved orders, locked once
// confirmed; a later return refunds with the allowance counted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
let admin, account;
const field = (r, name, reason) => { assert.equal(r.status, 422, r.text); assert.equal(r.json.error.fields[name], reason, r.text); };
const r422 = r => assert.equal(r.status, 422, r.text);
const act = (entity, id, name, body = {}) => admin.post(`/api/v1/${entity}/${id}/actions/${name}`, body);

// An order of `price` × `quantity` at `tax` %, approved (no approval flow: at once) unless `draft`.
async function order(price, { tax = 0, quantity = 1, draft = false, product } = {}) {
  const o = created(await admin.post('/api/v1/sales_orders', { subject: `折让测试${price}`, account_id: account.id,
    order_date: '2026-10-01', lines: [{ product_id: product?.id, description: '设备', quantity, price, tax_rate: tax }] }));
  if (!draft) ok(await act('sales_orders', o.id, 'submit'));
  return ok(await admin.get(`/api/v1/sales_orders/${o.id}`));
}
const pay = (o, amount) => admin.post('/api/v1/receipts', { account_id: account.id, sales_order_id: o.id, amount });
const allowance = (o, amount, extra = {}) => admin.post('/api/v1/sales_allowances', { sales_order_id: o.id, amount, ...extra });
const money = async o => {
  const r = ok(await admin.get(`/api/v1/sales_orders/${o.id}`));
  return [r.allowance_total, r.received_total, r.outstanding];
};

before(async () => {
  await srv.start();
  admin = await srv.client();
  account = created(await admin.post('/api/v1/accounts', { name: '宁波海天贸易有限公司' }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('metadata: 销售折让单 in 订单财务 with its states; the order\'s 折让金额 lowers 未收款', async () => {
  const meta = ok(await admin.get('/api/v1/metadata'));
  const ent = meta.entities.find(e => e.name === 'sales_allowances');
  assert.equal(ent.label, '销售折让单');
  assert.ok(meta.menu.find(g => g.key === 'orders').items.includes('sales_allowances'));
  assert.deepEqual(ent.actions.map(a => a.name), ['confirm', 'cancel']);
  const orders = meta.entities.find(e => e.name === 'sales_orders');
  assert.match(orders.fields.find(f => f.name === 'outstanding').computed, /total - returned_total - allowance_total - received_total/);
});

test('an order paid in full: the allowance is refunded as a negative receipt, the order owes nothing', async () => {
  const o = await order(1000, { tax: 13 });
  created(await pay(o, 1130));
  const draft = created(await allowance(o, 100, { reason: 'price', description: '客户反映同款市价下调' }));
  assert.match(draft.code, /^ZR-\d{6}$/);
  assert.deepEqual([draft.status, draft.account_id, draft.refund_receipt_id], ['draft', account.id, null]);
  assert.deepEqual(await money(o), [0, 1130, 0], 'a draft changes nothing yet');
  const done = ok(await act('sales_allowances', draft.id, 'confirm', { allowance_date: '2026-11-15' }));
  assert.equal(done.record.status, 'done');
  const refund = ok(await admin.get(`/api/v1/receipts/${done.result.refund_receipt_id}`));
  assert.deepEqual([refund.amount, refund.sales_order_id, refund.account_id, refund.received_on, refund.note],
    [-100, o.id, account.id, '2026-11-15', `销售折让 ${draft.code} 退款`]);
  assert.equal(done.record.refund_receipt_id, refund.id);
  assert.deepEqual(await money(o), [100, 1030, 0]);
  // the receipts ledger is net of the refund
  const bal = ok(await admin.get(`/api/v1/receipts/balances?name=by_account&account_id=${account.id}`));
  assert.equal(bal.items[0].amount, 1030);
  // confirmed: locked, and no way back
  field(await admin.patch(`/api/v1/sales_allowances/${draft.id}`, { amount: 50 }), 'amount', 'locked');
  ok(await admin.patch(`/api/v1/sales_allowances/${draft.id}`, { description: '已与客户确认' }));
  assertError(assert, await act('sales_allowances', draft.id, 'cancel'), 422, 'action_not_allowed');
  assertError(assert, await act('sales_allowances', draft.id, 'confirm'), 409, 'already_done');
  assertError(assert, await admin.del(`/api/v1/sales_allowances/${draft.id}`), 409, 'kept');
  assert.deepEqual(await money(o), [100, 1030, 0], 'still counted');
  // a negative receipt by hand is still refused: only the server refunds
  field(await pay(o, -100), 'amount', 'not_positive');
});

test('an order not paid: no refund, it is owed less; partly paid: only what was paid beyond is refunded', async () => {
  const unpaid = await order(1000);
  const a = created(await allowance(unpaid, 250, { reason: 'quality' }));
  const done = ok(await act('sales_allowances', a.id, 'confirm'));
  assert.equal(done.result.refund_receipt_id, undefined);
  assert.equal(done.record.refund_receipt_id, null);
  assert.match(done.record.allowance_date, /^\d{4}-\d{2}-\d{2}$/, 'dated today when not given');
  assert.deepEqual(await money(unpaid), [250, 0, 750]);
  // the reports follow: 订单账目 and the unplanned part in 欠款查询
  const accounts = ok(await admin.get('/api/v1/reports/order_accounts'));
  assert.equal(accounts.items.find(i => i.id === unpaid.id).outstanding, 750);
  const arrears = ok(await admin.get('/api/v1/reports/arrears?as_of=2026-12-01'));
  const item = arrears.items.find(i => i.order === unpaid.code);
  assert.deepEqual([item.amount, item.received, item.outstanding], [750, 0, 750]);

  const part = await order(1000);
  created(await pay(part, 900));
  const b = created(await allowance(part, 300));
  const r = ok(await act('sales_allowances', b.id, 'confirm'));
  assert.equal(ok(await admin.get(`/api/v1/receipts/${r.result.refund_receipt_id}`)).amount, -200);
  assert.deepEqual(await money(part), [300, 700, 0]);
});

test('over-refund refused: never beyond what is left of the order, also for two drafts confirmed one after the other or at once', async () => {
  const o = await order(1000);
  let r = await allowance(o, 1000.01);
  field(r, 'amount', 'exceeds_order');
  assert.match(r.json.error.message, /折让金额超过订单可折让的 1000\.00 元/);
  field(await allowance(o, 0), 'amount', 'not_positive');
  field(await allowance(o, -5), 'amount', 'not_positive');
  field(await allowance(o, 1.005), 'amount', 'too_many_decimals');
  const first = created(await allowance(o, 600));
  const second = created(await allowance(o, 600));
  const spare = created(await allowance(o, 1));
  assert.equal((await admin.del(`/api/v1/sales_allowances/${spare.id}`)).status, 204, 'a draft may be deleted');
  ok(await act('sales_allowances', first.id, 'confirm'));
  r = await act('sales_allowances', second.id, 'confirm');
  field(r, 'amount', 'exceeds_order');
  assert.match(r.json.error.message, /400\.00 元/);
  assert.equal(ok(await admin.get(`/api/v1/sales_allowances/${second.id}`)).status, 'draft', 'nothing of it stored');
  field(await admin.patch(`/api/v1/sales_allowances/${second.id}`, { amount: 400.01 }), 'amount', 'exceeds_order');
  ok(await admin.patch(`/api/v1/sales_allowances/${second.id}`, { amount: 400 }));
  ok(await act('sales_allowances', second.id, 'confirm'));
  assert.deepEqual(await money(o), [1000, 0, 0]);
  field(await allowance(o, 0.01), 'amount', 'exceeds_order');

  // two drafts racing for the last 500: exactly one is confirmed
  const race = await order(1000);
  const x = created(await allowance(race, 500)), y = created(await allowance(race, 500)), z = created(await allowance(race, 500));
  ok(await act('sales_allowances', x.id, 'confirm'));
  const both = await Promise.all([act('sales_allowances', y.id, 'confirm'), act('sales_allowances', z.id, 'confirm')]);
  assert.deepEqual(both.map(b => b.status).sort(), [200, 422], both.map(b => b.text).join('\n'));
  assert.deepEqual(await money(race), [1000, 0, 0]);
});

test('only approved orders that are not cancelled; the order never changes; the customer is the order\'s', async () => {
  const draft = await order(800, { draft: true });
  field(await allowance(draft, 10), 'sales_order_id', 'not_allowable');
  const cancelled = await order(800);
  const pending = created(await allowance(cancelled, 10));
  ok(await act('sales_orders', cancelled.id, 'cancel'));
  field(await allowance(cancelled, 10), 'sales_order_id', 'not_allowable');
  field(await act('sales_allowances', pending.id, 'confirm'), 'sales_order_id', 'not_allowable');
  const o = await order(800), other = await order(900);
  const a = created(await allowance(o, 10));
  field(await admin.patch(`/api/v1/sales_allowances/${a.id}`, { sales_order_id: other.id }), 'sales_order_id', 'read_only');
  const stranger = created(await admin.post('/api/v1/accounts', { name: '外单位' }));
  r422(await allowance(o, 10, { account_id: stranger.id }));
  field(await admin.post('/api/v1/sales_allowances', { amount: 10 }), 'sales_order_id', 'required');
});
test('a return after an allowance refunds with the allowance counted: the order still adds up to zero', async () => {
  const p = created(await admin.post('/api/v1/products', { name: '折让测试投影仪', unit: '台', price: 1000 }));
  const wh = created(await admin.post('/api/v1/warehouses', { name: '宁波仓', is_default: true }));
  created(await admin.post('/api/v1/stock_moves', { kind: 'adjustment', product_id: p.id, warehouse_id: wh.id, quantity: 5 }));
  const o = await order(1000, { tax: 13, quantity: 2, product: p });
  ok(await act('shipments', ok(await act('sales_orders', o.id, 'make_shipment')).result.shipment_id, 'confirm', { warehouse_id: wh.id }));
  created(await pay(o, 2260));
  const a = created(await allowance(o, 260, { reason: 'delay' }));
  ok(await act('sales_allowances', a.id, 'confirm'));
  assert.deepEqual(await money(o), [260, 2000, 0]);
  // one of the two comes back: 1,130.00 returned, the customer now owes 870.00 and had paid 2,000.00
  const ret = created(await admin.post('/api/v1/sales_returns', { sales_order_id: o.id, warehouse_id: wh.id,
    lines: [{ order_line_id: o.lines[0].id, quantity: 1 }] }));
  const done = ok(await act('sales_returns', ret.id, 'confirm', { warehouse_id: wh.id }));
  assert.equal(ok(await admin.get(`/api/v1/receipts/${done.result.refund_receipt_id}`)).amount, -1130);
  const after = ok(await admin.get(`/api/v1/sales_orders/${o.id}`));
  assert.deepEqual([after.returned_total, after.allowance_total, after.received_total, after.outstanding], [1130, 260, 870, 0]);
});

// A return confirmed after an allowance: the order's credits may pass its
// total (the allowance priced goods that then came back). 未收款 stays at
// zero, never below it; a customer who had paid gets back what they paid
// beyond what they owe, never more than they paid.
test('a return after an allowance never takes 未收款 below zero: unpaid, nothing is refunded; paid, what was paid goes back', async () => {
  const p = created(await admin.post('/api/v1/products', { name: '折让后退货的打印机', unit: '台', price: 500 }));
  const wh = created(await admin.post('/api/v1/warehouses', { name: '宁波二仓' }));
  created(await admin.post('/api/v1/stock_moves', { kind: 'adjustment', product_id: p.id, warehouse_id: wh.id, quantity: 4 }));
  const shipped = async () => {
    const o = await order(500, { quantity: 2, product: p });
    const d = ok(await act('sales_orders', o.id, 'make_shipment')).result.shipment_id;
    ok(await act('shipments', d, 'confirm', { warehouse_id: wh.id }));
    return o;
  };
  const giveBack = async o => {
    const ret = created(await admin.post('/api/v1/sales_returns', { sales_order_id: o.id, warehouse_id: wh.id,
      lines: [{ order_line_id: o.lines[0].id, quantity: 1 }] }));
    return ok(await act('sales_returns', ret.id, 'confirm', { warehouse_id: wh.id }));
  };

  const unpaid = await shipped();
  ok(await act('sales_allowances', created(await allowance(unpaid, 800, { reason: 'quality' })).id, 'confirm'));
  assert.deepEqual(await money(unpaid), [800, 0, 200]);
  const r = await giveBack(unpaid);
  assert.equal(r.result.refund_receipt_id, undefined, 'nothing was paid: nothing goes back');
  let o = ok(await admin.get(`/api/v1/sales_orders/${unpaid.id}`));
  assert.deepEqual([o.returned_total, o.allowance_total, o.received_total, o.outstanding], [500, 800, 0, 0]);
  field(await pay(unpaid, 0.01), 'amount', 'over_allocated');
  field(await allowance(unpaid, 0.01), 'amount', 'exceeds_order');

  const paid = await shipped();
  created(await pay(paid, 1000));
  const a = ok(await act('sales_allowances', created(await allowance(paid, 800)).id, 'confirm'));
  assert.equal(ok(await admin.get(`/api/v1/receipts/${a.result.refund_receipt_id}`)).amount, -800);
  const back = await giveBack(paid);
  assert.equal(ok(await admin.get(`/api/v1/receipts/${back.result.refund_receipt_id}`)).amount, -200,
    'the 200.00 still paid goes back, not the 500.00 the goods were worth');
  o = ok(await admin.get(`/api/v1/sales_orders/${paid.id}`));
  assert.deepEqual([o.returned_total, o.allowance_total, o.received_total, o.outstanding], [500, 800, 0, 0]);
  const accounts = ok(await admin.get('/api/v1/reports/order_accounts'));
  assert.ok(accounts.items.every(i => i.outstanding >= 0), JSON.stringify(accounts.items));
});

// An allowance (or a return) on an order with a 回款计划 pays the plan as a
// receipt to the order would, earliest due first: the instalments owe what
// the order owes, and the ageing never shows a negative unplanned part.
test('an allowance lowers the 回款计划 too: ageing and arrears add up to 未收款 and never go below zero', async () => {
  const acc = created(await admin.post('/api/v1/accounts', { name: '宁波账龄测试有限公司' }));
  const o = created(await admin.post('/api/v1/sales_orders', { subject: '分期订单', account_id: acc.id, order_date: '2026-10-01',
    lines: [{ description: '设备', quantity: 1, price: 1000, tax_rate: 0 }] }));
  ok(await act('sales_orders', o.id, 'submit'));
  const first = created(await admin.post('/api/v1/instalments', { sales_order_id: o.id, due_date: '2026-10-15', amount: 500 }));
  const second = created(await admin.post('/api/v1/instalments', { sales_order_id: o.id, due_date: '2026-11-20', amount: 500 }));
  const plan = async () => Promise.all([first, second].map(async i => {
    const x = ok(await admin.get(`/api/v1/instalments/${i.id}`));
    return [x.received, x.outstanding];
  }));
  const ageing = async () => {
    const r = ok(await admin.get('/api/v1/reports/ageing?as_of=2026-12-01'));
    for (const row of [...r.items, r.total])
      for (const k of ['not_due', 'd0_30', 'd31_60', 'd61_90', 'd90_plus', 'total']) assert.ok(row[k] >= 0, `${row.label} ${k}: ${row[k]}`);
    return r.items.find(i => i.label === acc.name);
  };
  ok(await act('sales_allowances', created(await admin.post('/api/v1/sales_allowances', { sales_order_id: o.id, amount: 300, reason: 'price' })).id, 'confirm'));
  assert.deepEqual(await plan(), [[300, 200], [0, 500]]);
  const row = await ageing();
  assert.deepEqual([row.not_due, row.d0_30, row.d31_60, row.d61_90, row.d90_plus, row.total], [0, 500, 200, 0, 0, 700]);
  const arrears = ok(await admin.get('/api/v1/reports/arrears?as_of=2026-12-01'));
  const mine = arrears.items.filter(i => i.account === acc.name);
  assert.deepEqual(mine.map(i => [i.amount, i.received, i.outstanding]), [[500, 300, 200], [500, 0, 500]]);
  assert.ok(arrears.items.every(i => i.amount >= 0 && i.received >= 0 && i.outstanding >= 0), JSON.stringify(arrears.items));
  // the rest paid to the order: the plan is settled and the customer leaves the ageing
  created(await admin.post('/api/v1/receipts', { account_id: acc.id, sales_order_id: o.id, amount: 700 }));
  assert.deepEqual(await plan(), [[500, 0], [500, 0]]);
  assert.equal((await ageing())?.total ?? 0, 0);
});
