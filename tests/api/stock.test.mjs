// stock.test.mjs - warehouses, the stock ledger and shipments (issue 12,
// docs/stock.md): stock on hand per product and warehouse as the ledger's
// balance, no stock below zero unless the company allows it, two
// shipments racing for the last unit (exactly one wins), services without
// stock, adjustments and transfers, and shipments from an order's lines
// (partial, never more than ordered less shipped) that move the order to
// 执行中 and 已发货.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { Server, assertError, filterParam, created, ok } from './harness.mjs';

const srv = new Server();
let admin, account, laptop, mouse, install, north, south;

const act = (entity, id, name, body = {}) => admin.post(`/api/v1/${entity}/${id}/actions/${name}`, body);

const onHand = async (product, warehouse) => {
  const b = ok(await admin.get(`/api/v1/stock_moves/balances?name=on_hand&product_id=${product}&warehouse_id=${warehouse}`));
  return b.items.length ? b.items[0].quantity : 0;
};
const adjust = (product, warehouse, quantity, extra = {}) =>
  admin.post('/api/v1/stock_moves', { kind: 'adjustment', product_id: product, warehouse_id: warehouse, quantity, ...extra });

const approvedOrder = async (lines) => {
  const o = created(await admin.post('/api/v1/sales_orders', { subject: '仓储测试订单', account_id: account.id, lines }));
  const r = ok(await act('sales_orders', o.id, 'submit')).record; // no approval flow: approved at once
  assert.equal(r.status, 'approved');
  return r;
};
const orderLines = (q1 = 5, q2 = 3) => [
  { product_id: laptop.id, quantity: q1, price: 4999, tax_rate: 13 },
  { product_id: mouse.id, quantity: q2, price: 99, tax_rate: 13 },
  { product_id: install.id, quantity: 1, price: 300, tax_rate: 6 },
];

before(async () => {
  await srv.start();
  admin = await srv.client();
  account = created(await admin.post('/api/v1/accounts', { name: '杭州仓储测试有限公司' }));
  laptop = created(await admin.post('/api/v1/products', { name: '商务笔记本', unit: '台', price: 4999, tax_rate: 13, min_stock: 10 }));
  mouse = created(await admin.post('/api/v1/products', { name: '无线鼠标', unit: '个', price: 99, tax_rate: 13 }));
  install = created(await admin.post('/api/v1/products', { name: '上门安装调试', unit: '次', price: 300, tax_rate: 6, product_type: 'service' }));
  north = created(await admin.post('/api/v1/warehouses', { name: '北京总仓', address: '北京市大兴区', is_default: true }));
  south = created(await admin.post('/api/v1/warehouses', { name: '广州分仓', address: '广州市白云区' }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('metadata: warehouses, stock moves, transfers and shipments are in the 库存管理 menu; the ledger and its balances', async () => {
  const meta = ok(await admin.get('/api/v1/metadata'));
  const inv = meta.menu.find(g => g.key === 'inventory');
  for (const e of ['warehouses', 'stock_moves', 'stock_transfers', 'shipments']) assert.ok(inv.items.includes(e), e);
  assert.ok(!meta.menu.some(g => g.items.includes('shipment_lines')));
  const moves = meta.entities.find(e => e.name === 'stock_moves');
  assert.equal(moves.immutable, true);
  const b = moves.balances.find(x => x.name === 'on_hand');
  assert.deepEqual([b.group_by, b.sum, b.not_negative], [['product_id', 'warehouse_id'], ['quantity'], true]);
  assert.equal(laptop.product_type, 'goods');
  assert.equal(install.product_type, 'service');
});

test('adjustments: stock on hand per product and warehouse; never below zero; zero, a service, an unknown warehouse refused', async () => {
  created(await adjust(laptop.id, north.id, 10, { note: '期初盘点' }));
  created(await adjust(laptop.id, south.id, 4));
  created(await adjust(laptop.id, north.id, -2, { note: '盘亏' }));
  assert.equal(await onHand(laptop.id, north.id), 8);
  assert.equal(await onHand(laptop.id, south.id), 4);
  const total = ok(await admin.get(`/api/v1/stock_moves/balances?name=by_product&product_id=${laptop.id}`));
  assert.equal(total.items[0].quantity, 12);
  // below zero: refused, nothing written
  let r = await adjust(laptop.id, south.id, -5);
  assertError(assert, r, 422, 'insufficient_balance');
  assert.equal(r.json.error.fields.quantity, 'insufficient');
  assert.match(r.json.error.message, /现存量不足：现有 4\.00/);
  assert.equal(await onHand(laptop.id, south.id), 4);
  // zero, a service, an unknown warehouse or product, a kind only documents write
  r = await adjust(laptop.id, north.id, 0);
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.quantity, 'zero');
  r = await adjust(install.id, north.id, 1);
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.product_id, 'service');
  r = await adjust(laptop.id, 999999, 1);
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.warehouse_id, 'not_found');
  r = await adjust(999999, north.id, 1);
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.product_id, 'not_found');
  r = await admin.post('/api/v1/stock_moves', { kind: 'shipment', product_id: laptop.id, warehouse_id: north.id, quantity: -1 });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.kind, 'read_only');
  r = await adjust(laptop.id, north.id, '1.234');
  assertError(assert, r, 422);
  // the ledger is append-only
  const m = created(await adjust(mouse.id, north.id, 1));
  assert.ok(m.move_date, 'a move is dated today when no date is given');
  assertError(assert, await admin.patch(`/api/v1/stock_moves/${m.id}`, { note: '改' }), 422, 'immutable');
  assertError(assert, await admin.del(`/api/v1/stock_moves/${m.id}`), 422, 'immutable');
});

test('the company setting allows negative stock; only an administrator changes it', async () => {
  const p = created(await admin.post('/api/v1/products', { name: '允许负库存测试品', unit: '件', price: 1 }));
  assertError(assert, await adjust(p.id, north.id, -1), 422, 'insufficient_balance');
  assert.deepEqual(ok(await admin.get('/api/v1/stock/settings')), { allow_negative: false });
  assertError(assert, await admin.req('PUT', '/api/v1/stock/settings', { body: { allow_negative: 'yes' } }), 422);
  assert.deepEqual(ok(await admin.req('PUT', '/api/v1/stock/settings', { body: { allow_negative: true } })), { allow_negative: true });
  created(await adjust(p.id, north.id, -1));
  assert.equal(await onHand(p.id, north.id), -1);
  assert.deepEqual(ok(await admin.req('PUT', '/api/v1/stock/settings', { body: { allow_negative: false } })), { allow_negative: false });
  assertError(assert, await adjust(p.id, north.id, -1), 422, 'insufficient_balance');
  created(await adjust(p.id, north.id, 3)); // stock coming in is never refused
  assert.equal(await onHand(p.id, north.id), 2);
  // a user who is not an administrator
  srv.addUser('cangguan', 'Cangguan#2026', { name: '仓管员' });
  const clerk = await srv.client('cangguan', 'Cangguan#2026');
  assertError(assert, await clerk.req('PUT', '/api/v1/stock/settings', { body: { allow_negative: true } }), 403, 'forbidden');
});

test('transfers: out of one warehouse into another in one transaction; not more than there is, not to itself', async () => {
  const p = created(await admin.post('/api/v1/products', { name: '调拨测试显示器', unit: '台', price: 1299 }));
  created(await adjust(p.id, north.id, 6));
  const t = created(await admin.post('/api/v1/stock_transfers', { product_id: p.id, quantity: 4, from_warehouse_id: north.id, to_warehouse_id: south.id, note: '华南备货' }));
  assert.equal(await onHand(p.id, north.id), 2);
  assert.equal(await onHand(p.id, south.id), 4);
  const moves = ok(await admin.get(`/api/v1/stock_moves?filter=${filterParam({ field: 'transfer_id', op: 'eq', value: t.id })}`));
  assert.deepEqual(moves.items.map(m => [m.kind, m.warehouse_id, m.quantity]).sort((a, b) => a[2] - b[2]),
    [['transfer', north.id, -4], ['transfer', south.id, 4]]);
  let r = await admin.post('/api/v1/stock_transfers', { product_id: p.id, quantity: 3, from_warehouse_id: north.id, to_warehouse_id: south.id });
  assertError(assert, r, 422, 'insufficient_balance');
  assert.equal(await onHand(p.id, south.id), 4, 'the incoming half is undone with the outgoing one');
  r = await admin.post('/api/v1/stock_transfers', { product_id: p.id, quantity: 1, from_warehouse_id: north.id, to_warehouse_id: north.id });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.to_warehouse_id, 'same_warehouse');
  for (const quantity of [0, -1]) {
    r = await admin.post('/api/v1/stock_transfers', { product_id: p.id, quantity, from_warehouse_id: north.id, to_warehouse_id: south.id });
    assertError(assert, r, 422);
    assert.equal(r.json.error.fields.quantity, 'not_positive');
  }
  r = await admin.post('/api/v1/stock_transfers', { product_id: install.id, quantity: 1, from_warehouse_id: north.id, to_warehouse_id: south.id });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.product_id, 'service');
});

test('shipments: 发货 drafts the goods lines; partial shipments never pass what is ordered less shipped; the order follows', async () => {
  const p1 = created(await admin.post('/api/v1/products', { name: '发货测试笔记本', unit: '台', price: 4999 }));
  created(await adjust(p1.id, north.id, 20));
  created(await adjust(mouse.id, north.id, 20));
  const mice = await onHand(mouse.id, north.id);
  const o = await approvedOrder([
    { product_id: p1.id, quantity: 5, unit: '台', price: 4999, tax_rate: 13 },
    { product_id: mouse.id, quantity: 3, unit: '个', price: 99, tax_rate: 13 },
    { product_id: install.id, quantity: 1, price: 300, tax_rate: 6 },
  ]);
  const [l1, l2, l3] = o.lines;
  // 发货 on the order: a draft of the goods lines, from the default warehouse
  const made = ok(await act('sales_orders', o.id, 'make_shipment'));
  const draft = ok(await admin.get(`/api/v1/shipments/${made.result.shipment_id}`));
  assert.equal(draft.status, 'draft');
  assert.equal(draft.account_id, account.id);
  assert.equal(draft.warehouse_id, north.id);
  assert.deepEqual(draft.lines.map(l => [l.order_line_id, l.quantity, l.product_id, l.unit]), [[l1.id, 5, p1.id, '台'], [l2.id, 3, mouse.id, '个']]);
  // partial: ship 2 of 5 laptops and every mouse
  ok(await admin.patch(`/api/v1/shipments/${draft.id}`, { lines: [{ id: draft.lines[0].id, order_line_id: l1.id, quantity: 2 }, { id: draft.lines[1].id, order_line_id: l2.id, quantity: 3 }] }));
  const shipped = ok(await act('shipments', draft.id, 'confirm', { warehouse_id: north.id, ship_date: '2026-11-20' })).record;
  assert.equal(shipped.status, 'shipped');
  assert.equal(await onHand(p1.id, north.id), 18);
  assert.equal(await onHand(mouse.id, north.id), mice - 3);
  let order = ok(await admin.get(`/api/v1/sales_orders/${o.id}`));
  assert.equal(order.status, 'executing');
  assert.deepEqual(order.lines.map(l => l.shipped_quantity), [2, 3, 0]);
  // the moves name the shipment and the order line
  const moves = ok(await admin.get(`/api/v1/stock_moves?filter=${filterParam({ field: 'shipment_id', op: 'eq', value: draft.id })}`));
  assert.deepEqual(moves.items.map(m => [m.kind, m.quantity, m.order_line_id, m.move_date]).sort((a, b) => a[1] - b[1]),
    [['shipment', -3, l2.id, '2026-11-20'], ['shipment', -2, l1.id, '2026-11-20']]);
  // a confirmed shipment is locked
  assertError(assert, await admin.patch(`/api/v1/shipments/${draft.id}`, { carrier: '顺丰速运' }), 422, 'locked');
  // over-shipping: 4 of the 3 left
  let r = await admin.post('/api/v1/shipments', { sales_order_id: o.id, warehouse_id: north.id, lines: [{ order_line_id: l1.id, quantity: 4 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields['lines[0].quantity'], 'exceeds_ordered');
  // bad lines: zero, negative, a service, another order's line
  for (const quantity of [0, -1]) {
    r = await admin.post('/api/v1/shipments', { sales_order_id: o.id, lines: [{ order_line_id: l1.id, quantity }] });
    assertError(assert, r, 422);
    assert.equal(r.json.error.fields['lines[0].quantity'], 'not_positive');
  }
  r = await admin.post('/api/v1/shipments', { sales_order_id: o.id, lines: [{ order_line_id: l3.id, quantity: 1 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields['lines[0].order_line_id'], 'service');
  const other = await approvedOrder(orderLines());
  r = await admin.post('/api/v1/shipments', { sales_order_id: o.id, lines: [{ order_line_id: other.lines[0].id, quantity: 1 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields['lines[0].order_line_id'], 'not_in_order');
  // two drafts of 3 each fit alone; confirmed, the second is refused
  const d1 = created(await admin.post('/api/v1/shipments', { sales_order_id: o.id, lines: [{ order_line_id: l1.id, quantity: 3 }] }));
  const d2 = created(await admin.post('/api/v1/shipments', { sales_order_id: o.id, lines: [{ order_line_id: l1.id, quantity: 3 }] }));
  r = await act('shipments', d2.id, 'confirm', {});
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.warehouse_id, 'required', 'the warehouse is asked when confirming');
  ok(await act('shipments', d1.id, 'confirm', { warehouse_id: north.id }));
  order = ok(await admin.get(`/api/v1/sales_orders/${o.id}`));
  assert.equal(order.status, 'shipped', 'every goods line is shipped: the service line is not shipped');
  r = await act('shipments', d2.id, 'confirm', { warehouse_id: north.id });
  assertError(assert, r, 422);
  assert.equal(ok(await admin.get(`/api/v1/shipments/${d2.id}`)).status, 'draft');
  ok(await act('shipments', d2.id, 'cancel'));
  assertError(assert, await act('sales_orders', o.id, 'make_shipment'), 422, 'action_not_allowed');
});

test('shipments: not for a draft or cancelled order; not from a warehouse without the stock', async () => {
  const draftOrder = created(await admin.post('/api/v1/sales_orders', { subject: '草稿订单', account_id: account.id, lines: orderLines() }));
  let r = await admin.post('/api/v1/shipments', { sales_order_id: draftOrder.id, lines: [{ order_line_id: draftOrder.lines[0].id, quantity: 1 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.sales_order_id, 'not_shippable');
  const o = await approvedOrder(orderLines(2, 1));
  const d = created(await admin.post('/api/v1/shipments', { sales_order_id: o.id, lines: [{ order_line_id: o.lines[0].id, quantity: 1 }] }));
  ok(await act('sales_orders', o.id, 'cancel'));
  r = await admin.post('/api/v1/shipments', { sales_order_id: o.id, lines: [{ order_line_id: o.lines[0].id, quantity: 1 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.sales_order_id, 'cancelled');
  r = await act('shipments', d.id, 'confirm', { warehouse_id: north.id });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.sales_order_id, 'cancelled');
  // an empty warehouse
  const empty = created(await admin.post('/api/v1/warehouses', { name: '空仓库' }));
  const o2 = await approvedOrder(orderLines(1, 1));
  const d2 = created(await admin.post('/api/v1/shipments', { sales_order_id: o2.id, lines: [{ order_line_id: o2.lines[0].id, quantity: 1 }] }));
  r = await act('shipments', d2.id, 'confirm', { warehouse_id: empty.id });
  assertError(assert, r, 422, 'insufficient_balance');
  assert.equal(r.json.error.fields['lines[0].quantity'], 'insufficient');
  assert.match(r.json.error.message, /^第 1 行：/);
  r = await act('shipments', d2.id, 'confirm', { warehouse_id: 999999 });
  assertError(assert, r, 422);
  assert.equal(ok(await admin.get(`/api/v1/sales_orders/${o2.id}`)).status, 'approved', 'nothing of a refused shipment stays');
});

test('two shipments racing for the last unit: exactly one succeeds', async () => {
  const p = created(await admin.post('/api/v1/products', { name: '最后一台服务器', unit: '台', price: 30000 }));
  created(await adjust(p.id, north.id, 1));
  const drafts = [];
  for (let i = 0; i < 2; i++) {
    const o = await approvedOrder([{ product_id: p.id, quantity: 1, price: 30000, tax_rate: 13 }]);
    drafts.push(created(await admin.post('/api/v1/shipments', { sales_order_id: o.id, warehouse_id: north.id, lines: [{ order_line_id: o.lines[0].id, quantity: 1 }] })));
  }
  const clients = await Promise.all([srv.client(), srv.client()]);
  const results = await Promise.all(drafts.map((d, i) => clients[i].post(`/api/v1/shipments/${d.id}/actions/confirm`, { warehouse_id: north.id })));
  const statuses = results.map(r => r.status).sort();
  assert.deepEqual(statuses, [200, 422], results.map(r => r.text).join('\n'));
  assertError(assert, results.find(r => r.status === 422), 422, 'insufficient_balance');
  assert.equal(await onHand(p.id, north.id), 0);
});

test('销售退货: against shipped lines, back into stock; what the customer paid beyond what they owe is refunded', async () => {
  const p = created(await admin.post('/api/v1/products', { name: '退货测试打印机', unit: '台', price: 1000 }));
  created(await adjust(p.id, north.id, 5));
  const o = await approvedOrder([{ product_id: p.id, quantity: 2, unit: '台', price: 1000, tax_rate: 13 }]);
  const line = o.lines[0];
  // nothing shipped: no return
  let r = await admin.post('/api/v1/sales_returns', { sales_order_id: o.id, lines: [{ order_line_id: line.id, quantity: 1 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.sales_order_id, 'not_returnable');
  const ship = ok(await act('sales_orders', o.id, 'make_shipment')).result.shipment_id;
  ok(await act('shipments', ship, 'confirm', { warehouse_id: north.id }));
  created(await admin.post('/api/v1/receipts', { account_id: account.id, sales_order_id: o.id, amount: 2260 }));
  // over-returning, zero
  r = await admin.post('/api/v1/sales_returns', { sales_order_id: o.id, lines: [{ order_line_id: line.id, quantity: 3 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields['lines[0].quantity'], 'exceeds_ordered');
  r = await admin.post('/api/v1/sales_returns', { sales_order_id: o.id, lines: [{ order_line_id: line.id, quantity: 0 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields['lines[0].quantity'], 'not_positive');
  // 退货 on the order drafts what was shipped; return one of the two
  const draftId = ok(await act('sales_orders', o.id, 'make_return')).result.sales_return_id;
  const draft = ok(await admin.get(`/api/v1/sales_returns/${draftId}`));
  assert.deepEqual(draft.lines.map(l => [l.quantity, l.price, l.tax_rate, l.amount, l.tax]), [[2, 1000, 13, 2000, 260]]);
  const fixed = ok(await admin.patch(`/api/v1/sales_returns/${draftId}`, { reason: '一台外壳破损', lines: [{ id: draft.lines[0].id, order_line_id: line.id, quantity: 1 }] }));
  assert.equal(fixed.total, 1130);
  const done = ok(await act('sales_returns', draftId, 'confirm', { warehouse_id: north.id }));
  assert.equal(done.record.status, 'done');
  assert.equal(await onHand(p.id, north.id), 4);
  const refund = ok(await admin.get(`/api/v1/receipts/${done.result.refund_receipt_id}`));
  assert.deepEqual([refund.amount, refund.sales_order_id, refund.note], [-1130, o.id, `销售退货 ${draft.code} 退款`]);
  assert.equal(done.record.refund_receipt_id, refund.id);
  // confirmed documents stay (metadata states "kept"): their stock moves and refund stay too
  assertError(assert, await admin.del(`/api/v1/sales_returns/${draftId}`), 409, 'kept');
  assertError(assert, await admin.del(`/api/v1/shipments/${ship}`), 409, 'kept');
  const order = ok(await admin.get(`/api/v1/sales_orders/${o.id}`));
  assert.deepEqual([order.returned_total, order.received_total, order.outstanding], [1130, 1130, 0]);
  assert.deepEqual([order.lines[0].shipped_quantity, order.lines[0].returned_quantity], [2, 1]);
  r = await admin.post('/api/v1/sales_returns', { sales_order_id: o.id, lines: [{ order_line_id: line.id, quantity: 2 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields['lines[0].quantity'], 'exceeds_ordered');
  // an order not paid yet: no refund, it is owed less
  const o2 = await approvedOrder([{ product_id: p.id, quantity: 1, unit: '台', price: 1000, tax_rate: 13 }]);
  ok(await act('shipments', ok(await act('sales_orders', o2.id, 'make_shipment')).result.shipment_id, 'confirm', { warehouse_id: north.id }));
  const ret = created(await admin.post('/api/v1/sales_returns', { sales_order_id: o2.id, warehouse_id: north.id, lines: [{ order_line_id: o2.lines[0].id, quantity: 1 }] }));
  const d2 = ok(await act('sales_returns', ret.id, 'confirm', { warehouse_id: north.id }));
  assert.equal(d2.record.refund_receipt_id, null);
  assert.equal(ok(await admin.get(`/api/v1/sales_orders/${o2.id}`)).outstanding, 0);
});

test('库存台账: opening, in, out and closing per month, per warehouse or all of them; Excel export', async () => {
  const p = created(await admin.post('/api/v1/products', { name: '台账测试交换机', unit: '台', price: 800 }));
  const move = (w, quantity, move_date) => adjust(p.id, w, quantity, { move_date });
  created(await move(north.id, 10, '2026-08-15'));
  created(await move(north.id, 5, '2026-09-03'));
  created(await move(north.id, -3, '2026-09-20'));
  created(await admin.post('/api/v1/stock_transfers', { product_id: p.id, quantity: 4, from_warehouse_id: north.id, to_warehouse_id: south.id, transfer_date: '2026-10-08' }));
  created(await move(south.id, -1, '2026-11-11'));
  const q = async (extra = '') => ok(await admin.get(`/api/v1/reports/stock_ledger?product_id=${p.id}&from=2026-09&to=2026-11${extra}`));
  const all = await q();
  assert.equal(all.product_name, '台账测试交换机');
  assert.equal(all.warehouse_name, '全部仓库');
  assert.deepEqual(all.items.map(i => [i.period, i.opening, i.in, i.out, i.closing]),
    [['2026-09', 10, 5, 3, 12], ['2026-10', 12, 0, 0, 12], ['2026-11', 12, 0, 1, 11]], 'a transfer moves nothing over all warehouses');
  assert.deepEqual([all.totals.opening, all.totals.in, all.totals.out, all.totals.closing], [10, 5, 4, 11]);
  const n = await q(`&warehouse_id=${north.id}`);
  assert.deepEqual(n.items.map(i => [i.opening, i.in, i.out, i.closing]), [[10, 5, 3, 12], [12, 0, 4, 8], [8, 0, 0, 8]]);
  assert.equal(n.warehouse_name, '北京总仓');
  // the closing stock agrees with the balance
  assert.equal(n.items[2].closing, await onHand(p.id, north.id));
  // bad input
  for (const bad of ['from=2026-13&to=2026-12', 'from=2026-11&to=2026-09', 'from=2020-01&to=2026-01', 'from=abc']) {
    const r = await admin.get(`/api/v1/reports/stock_ledger?product_id=${p.id}&${bad}`);
    assertError(assert, r, 422);
  }
  assertError(assert, await admin.get('/api/v1/reports/stock_ledger'), 422);
  assertError(assert, await admin.get('/api/v1/reports/stock_ledger?product_id=999999'), 404);
  assertError(assert, await admin.get(`/api/v1/reports/stock_ledger?product_id=${p.id}&warehouse_id=999999`), 404);
  // Excel
  const res = await fetch(`${srv.base}/api/v1/reports/stock_ledger?product_id=${p.id}&from=2026-09&to=2026-11&format=xlsx&warehouse_id=${north.id}`, { headers: { Authorization: `Bearer ${admin.token}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()));
  const sheet = wb.worksheets[0];
  assert.equal(sheet.name, '库存台账');
  assert.deepEqual(sheet.getRow(1).values.slice(1), ['产品', '仓库', '期间', '期初数量', '入库数量', '出库数量', '期末数量']);
  assert.deepEqual(sheet.getRow(3).values.slice(1), ['台账测试交换机', '北京总仓', '2026-10', 12, 0, 4, 8]);
});
