// purchasing.test.mjs - suppliers, purchase orders, 采购入库 (partial
// receipts into stock), 采购退货, 付款单 and the 采购建议 (issue 12,
// docs/stock.md "Purchasing").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, filterParam, created, ok } from './harness.mjs';

const srv = new Server();
let admin, supplier, customer, paper, toner, repair, store;

const act = (entity, id, name, body = {}) => admin.post(`/api/v1/${entity}/${id}/actions/${name}`, body);
const onHand = async (product, warehouse) => {
  const b = ok(await admin.get(`/api/v1/stock_moves/balances?name=on_hand&product_id=${product}&warehouse_id=${warehouse}`));
  return b.items.length ? b.items[0].quantity : 0;
};
const placedOrder = async (lines = [
  { product_id: paper.id, quantity: 100, unit: '箱', price: 120, tax_rate: 13 },
  { product_id: toner.id, quantity: 10, unit: '支', price: 380, tax_rate: 13 },
]) => {
  const po = created(await admin.post('/api/v1/purchase_orders', { subject: '办公耗材采购', account_id: supplier.id, lines }));
  assert.equal(po.status, 'draft');
  return ok(await act('purchase_orders', po.id, 'place')).record;
};

before(async () => {
  await srv.start();
  admin = await srv.client();
  supplier = created(await admin.post('/api/v1/accounts', { name: '上海晨光文具供应有限公司', type: 'supplier' }));
  customer = created(await admin.post('/api/v1/accounts', { name: '采购测试客户有限公司', type: 'customer' }));
  paper = created(await admin.post('/api/v1/products', { name: 'A4复印纸', unit: '箱', price: 160, cost: 120, min_stock: 50 }));
  toner = created(await admin.post('/api/v1/products', { name: '硒鼓', unit: '支', price: 520, cost: 380, min_stock: 5 }));
  repair = created(await admin.post('/api/v1/products', { name: '打印机维修', unit: '次', price: 200, product_type: 'service' }));
  store = created(await admin.post('/api/v1/warehouses', { name: '上海仓', is_default: true }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('metadata: purchase orders, receipts, returns and payments are in the 采购管理 menu', async () => {
  const meta = ok(await admin.get('/api/v1/metadata'));
  const menu = meta.menu.find(g => g.key === 'purchasing');
  for (const e of ['purchase_orders', 'purchase_receipts', 'purchase_returns', 'payments']) assert.ok(menu.items.includes(e), e);
  assert.equal(meta.entities.find(e => e.name === 'payments').immutable, true);
});

test('purchase orders: a supplier, goods above zero at a price that is not negative; totals; locked once placed', async () => {
  let r = await admin.post('/api/v1/purchase_orders', { subject: '非供应商', account_id: customer.id });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.account_id, 'not_found');
  for (const [line, field, reason] of [
    [{ product_id: paper.id, quantity: 0, price: 1 }, 'quantity', 'not_positive'],
    [{ product_id: paper.id, quantity: -2, price: 1 }, 'quantity', 'not_positive'],
    [{ product_id: paper.id, quantity: 1, price: -1 }, 'price', 'negative'],
    [{ product_id: repair.id, quantity: 1, price: 1 }, 'product_id', 'service'],
    [{ product_id: 999999, quantity: 1, price: 1 }, 'product_id', 'not_found'],
  ]) {
    r = await admin.post('/api/v1/purchase_orders', { subject: '坏明细', account_id: supplier.id, lines: [line] });
    assertError(assert, r, 422);
    assert.equal(r.json.error.fields[`lines[0].${field}`], reason, r.text);
  }
  const po = await placedOrder();
  assert.deepEqual([po.subtotal, po.tax_total, po.total, po.unpaid], [15800, 2054, 17854, 17854]);
  assertError(assert, await admin.patch(`/api/v1/purchase_orders/${po.id}`, { subject: '改' }), 422, 'locked');
});

test('采购入库: partial receipts into stock, never past what is ordered; the order becomes 已入库', async () => {
  const po = await placedOrder();
  const [lp, lt] = po.lines;
  const made = ok(await act('purchase_orders', po.id, 'make_receipt'));
  const draft = ok(await admin.get(`/api/v1/purchase_receipts/${made.result.purchase_receipt_id}`));
  assert.deepEqual([draft.account_id, draft.warehouse_id, draft.status], [supplier.id, store.id, 'draft']);
  assert.deepEqual(draft.lines.map(l => [l.purchase_line_id, l.quantity, l.product_id, l.unit]), [[lp.id, 100, paper.id, '箱'], [lt.id, 10, toner.id, '支']]);
  // partial: 60 boxes of paper now, no toner
  ok(await admin.patch(`/api/v1/purchase_receipts/${draft.id}`, { lines: [{ id: draft.lines[0].id, purchase_line_id: lp.id, quantity: 60 }] }));
  ok(await act('purchase_receipts', draft.id, 'confirm', { warehouse_id: store.id, receipt_date: '2026-11-02' }));
  assert.equal(await onHand(paper.id, store.id), 60);
  let order = ok(await admin.get(`/api/v1/purchase_orders/${po.id}`));
  assert.equal(order.status, 'ordered');
  assert.deepEqual(order.lines.map(l => l.received_quantity), [60, 0]);
  // over-receiving
  let r = await admin.post('/api/v1/purchase_receipts', { purchase_order_id: po.id, lines: [{ purchase_line_id: lp.id, quantity: 41 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields['lines[0].quantity'], 'exceeds_ordered');
  for (const quantity of [0, -5]) {
    r = await admin.post('/api/v1/purchase_receipts', { purchase_order_id: po.id, lines: [{ purchase_line_id: lp.id, quantity }] });
    assertError(assert, r, 422);
    assert.equal(r.json.error.fields['lines[0].quantity'], 'not_positive');
  }
  r = await admin.post('/api/v1/purchase_receipts', { purchase_order_id: po.id, warehouse_id: 999999, lines: [{ purchase_line_id: lp.id, quantity: 1 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.warehouse_id, 'not_found');
  // the rest: the order is 已入库
  const rest = created(await admin.post('/api/v1/purchase_receipts', { purchase_order_id: po.id, lines: [{ purchase_line_id: lp.id, quantity: 40 }, { purchase_line_id: lt.id, quantity: 10 }] }));
  ok(await act('purchase_receipts', rest.id, 'confirm', { warehouse_id: store.id }));
  order = ok(await admin.get(`/api/v1/purchase_orders/${po.id}`));
  assert.equal(order.status, 'received');
  assert.equal(await onHand(paper.id, store.id), 100);
  assert.equal(await onHand(toner.id, store.id), 10);
  const moves = ok(await admin.get(`/api/v1/stock_moves?filter=${filterParam({ field: 'purchase_receipt_id', op: 'eq', value: rest.id })}`));
  assert.deepEqual(moves.items.map(m => m.kind), ['purchase_in', 'purchase_in']);
  // a draft or cancelled purchase order receives nothing
  const d = created(await admin.post('/api/v1/purchase_orders', { subject: '草稿采购', account_id: supplier.id, lines: [{ product_id: paper.id, quantity: 1, price: 1 }] }));
  r = await admin.post('/api/v1/purchase_receipts', { purchase_order_id: d.id, lines: [{ purchase_line_id: d.lines[0].id, quantity: 1 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.purchase_order_id, 'not_receivable');
  ok(await act('purchase_orders', d.id, 'cancel'));
  r = await admin.post('/api/v1/purchase_receipts', { purchase_order_id: d.id, lines: [{ purchase_line_id: d.lines[0].id, quantity: 1 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.purchase_order_id, 'cancelled');
});

test('采购退货: out of stock back to the supplier, never more than received less returned', async () => {
  const po = await placedOrder([{ product_id: toner.id, quantity: 8, unit: '支', price: 380, tax_rate: 13 }]);
  const line = po.lines[0];
  let r = await admin.post('/api/v1/purchase_returns', { purchase_order_id: po.id, lines: [{ purchase_line_id: line.id, quantity: 1 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields['lines[0].quantity'], 'exceeds_ordered', 'nothing received yet');
  const before = await onHand(toner.id, store.id);
  const rec = created(await admin.post('/api/v1/purchase_receipts', { purchase_order_id: po.id, lines: [{ purchase_line_id: line.id, quantity: 8 }] }));
  ok(await act('purchase_receipts', rec.id, 'confirm', { warehouse_id: store.id }));
  const ret = created(await admin.post('/api/v1/purchase_returns', { purchase_order_id: po.id, description: '两支漏粉', lines: [{ purchase_line_id: line.id, quantity: 2 }] }));
  ok(await act('purchase_returns', ret.id, 'confirm', { warehouse_id: store.id }));
  assert.equal(await onHand(toner.id, store.id), before + 6);
  const order = ok(await admin.get(`/api/v1/purchase_orders/${po.id}`));
  assert.deepEqual([order.lines[0].received_quantity, order.lines[0].returned_quantity], [8, 2]);
  r = await admin.post('/api/v1/purchase_returns', { purchase_order_id: po.id, lines: [{ purchase_line_id: line.id, quantity: 7 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields['lines[0].quantity'], 'exceeds_ordered');
  // a return the warehouse cannot cover (stock left elsewhere) is refused whole
  const other = created(await admin.post('/api/v1/warehouses', { name: '退货测试空仓' }));
  const ret2 = created(await admin.post('/api/v1/purchase_returns', { purchase_order_id: po.id, lines: [{ purchase_line_id: line.id, quantity: 1 }] }));
  assertError(assert, await act('purchase_returns', ret2.id, 'confirm', { warehouse_id: other.id }), 422, 'insufficient_balance');
  assert.equal(ok(await admin.get(`/api/v1/purchase_returns/${ret2.id}`)).status, 'draft');
});

test('付款单: a ledger against the purchase order; never more than unpaid; the supplier is the order\'s', async () => {
  const po = await placedOrder([{ product_id: paper.id, quantity: 10, unit: '箱', price: 100, tax_rate: 13 }]);
  assert.equal(po.unpaid, 1130);
  const p1 = created(await admin.post('/api/v1/payments', { purchase_order_id: po.id, amount: 500, method: 'transfer', paid_on: '2026-11-05' }));
  assert.equal(p1.account_id, supplier.id, 'the supplier comes from the order');
  let order = ok(await admin.get(`/api/v1/purchase_orders/${po.id}`));
  assert.deepEqual([order.paid_total, order.unpaid], [500, 630]);
  assertError(assert, await admin.post('/api/v1/payments', { purchase_order_id: po.id, amount: 630.01 }), 422, 'over_allocated');
  let r = await admin.post('/api/v1/payments', { purchase_order_id: po.id, amount: 0 });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.amount, 'not_positive');
  const supplier2 = created(await admin.post('/api/v1/accounts', { name: '另一家供应商', type: 'supplier' }));
  r = await admin.post('/api/v1/payments', { purchase_order_id: po.id, account_id: supplier2.id, amount: 1 });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.account_id, 'not_order_supplier');
  // append-only; a reversal gives the money back to unpaid
  assertError(assert, await admin.patch(`/api/v1/payments/${p1.id}`, { note: '改' }), 422, 'immutable');
  created(await admin.post(`/api/v1/payments/${p1.id}/reverse`, { note: '付错' }));
  order = ok(await admin.get(`/api/v1/purchase_orders/${po.id}`));
  assert.deepEqual([order.paid_total, order.unpaid], [0, 1130]);
  const bal = ok(await admin.get(`/api/v1/payments/balances?name=by_supplier&account_id=${supplier.id}`));
  assert.equal(bal.items[0].amount, 0);
});

test('采购建议: goods below their 最低库存, less what placed orders still bring', async () => {
  const ink = created(await admin.post('/api/v1/products', { name: '墨盒', code: undefined, unit: '个', price: 90, min_stock: 20 }));
  const enough = created(await admin.post('/api/v1/products', { name: '订书机', unit: '个', price: 25, min_stock: 2 }));
  created(await admin.post('/api/v1/stock_moves', { kind: 'adjustment', product_id: ink.id, warehouse_id: store.id, quantity: 5 }));
  created(await admin.post('/api/v1/stock_moves', { kind: 'adjustment', product_id: enough.id, warehouse_id: store.id, quantity: 3 }));
  await placedOrder([{ product_id: ink.id, quantity: 4, unit: '个', price: 60, tax_rate: 13 }]);
  const s = ok(await admin.get('/api/v1/purchasing/suggestions'));
  const row = s.items.find(i => i.product_id === ink.id);
  assert.deepEqual([row.product_name, row.min_stock, row.on_hand, row.on_order, row.suggested], ['墨盒', 20, 5, 4, 11]);
  assert.ok(!s.items.some(i => i.product_id === enough.id));
  assert.ok(!s.items.some(i => i.product_id === repair.id), 'a service is never suggested');
});
