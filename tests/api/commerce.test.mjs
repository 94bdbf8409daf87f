// commerce.test.mjs - quotes, sales orders and invoices (issue 12, SPEC §6):
// 大写金额, the quote's and the order's state machines and locks, 转为订单
// copying the lines in one transaction, the line rules (quantity above
// zero, two decimals, discount up to 100 %) and the invoicing limit (never
// more than ordered across every invoice of the order that is not void).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
let admin, account, other, laptop;


before(async () => {
  await srv.start();
  admin = await srv.client();
  account = created(await admin.post('/api/v1/accounts', { name: '南京商务流程测试有限公司' }));
  other = created(await admin.post('/api/v1/accounts', { name: '苏州另一家客户有限公司' }));
  laptop = created(await admin.post('/api/v1/products', { name: '商务笔记本', unit: '台', price: 33.33, tax_rate: 13 }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

const LINES = () => [
  { product_id: laptop.id, description: '商务笔记本', quantity: 3, unit: '台', list_price: 33.33, price: 33.33, tax_rate: 13 },
  { description: '上门安装调试', quantity: 2, price: 150, tax_rate: 6 },
];
const newQuote = async (lines = LINES(), extra = {}) =>
  created(await admin.post('/api/v1/quotes', { subject: '办公电脑采购报价', account_id: account.id, lines, ...extra }));
const act = (entity, id, name, body = {}) => admin.post(`/api/v1/${entity}/${id}/actions/${name}`, body);
const newOrder = async (lines = LINES()) =>
  created(await admin.post('/api/v1/sales_orders', { subject: '办公电脑订单', account_id: account.id, lines }));
const approvedOrder = async (lines) => {
  const o = await newOrder(lines);
  const r = ok(await act('sales_orders', o.id, 'submit')).record; // no approval flow here: approved at once
  assert.equal(r.status, 'approved');
  return r;
};

test('metadata: orders and invoices are in the 订单财务 menu and the profile editor, with their states and actions', async () => {
  const meta = ok(await admin.get('/api/v1/metadata'));
  const orders = meta.menu.find(g => g.key === 'orders');
  for (const e of ['sales_orders', 'invoices', 'receipts']) assert.ok(orders.items.includes(e), e);
  assert.ok(!meta.menu.some(g => g.items.includes('sales_order_lines') || g.items.includes('invoice_lines')));
  const so = meta.entities.find(e => e.name === 'sales_orders');
  assert.deepEqual(so.fields.find(f => f.name === 'status').states.terminal.sort(), ['cancelled', 'completed', 'template']); // a 热销模板 never moves
  assert.ok(so.actions.some(a => a.name === 'approve' && a.permitted));
  assert.equal(meta.entities.find(e => e.name === 'sales_order_lines').owned_by, 'sales_orders');
  const words = meta.entities.find(e => e.name === 'quotes').fields.find(f => f.name === 'total_in_words');
  assert.deepEqual([words.type, words.computed, words.readonly], ['text', 'rmb_upper(total)', true]);
});

test('totals and rounding: 3 × ¥33.33 at 13 % is 99.99 + 13.00, and the total is written in capitals', async () => {
  const q = await newQuote();
  assert.deepEqual(q.lines.map(l => [l.amount, l.tax]), [[99.99, 13], [300, 18]]);
  assert.deepEqual([q.subtotal, q.tax_total, q.total], [399.99, 31, 430.99]);
  assert.equal(q.total_in_words, '肆佰叁拾元玖角玖分');
  assert.equal(q.status, 'draft');
  // the words follow the lines, and cannot be written
  const p = ok(await admin.patch(`/api/v1/quotes/${q.id}`, { lines: [{ description: '整数金额', quantity: 1, price: 10005, tax_rate: 0 }] }));
  assert.equal(p.total_in_words, '壹万零伍元整');
  const r = await admin.patch(`/api/v1/quotes/${q.id}`, { total_in_words: '壹元' });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.total_in_words, 'computed');
  const empty = await newQuote([]);
  assert.equal(empty.total_in_words, '零元整');
  // validity, payment and delivery terms
  // the contact and the opportunity must be the customer's own
  const elsewhere = created(await admin.post('/api/v1/contacts', { name: '外单位联系人', account_id: other.id }));
  for (const entity of ['quotes', 'sales_orders']) {
    const r2 = await admin.post(`/api/v1/${entity}`, { subject: '联系人不符', account_id: account.id, contact_id: elsewhere.id });
    assertError(assert, r2, 422);
    assert.equal(r2.json.error.fields.contact_id, 'not_in_account');
  }
  const t = await newQuote(LINES(), { valid_until: '2026-12-31', payment_terms: '合同签订后预付30%，到货验收后付清', delivery_terms: '送货上门' });
  assert.deepEqual([t.valid_until, t.payment_terms, t.delivery_terms], ['2026-12-31', '合同签订后预付30%，到货验收后付清', '送货上门']);
});

test('bad lines: zero or negative quantity, three decimals in a price, a discount over 100 %, an unknown or stopped product - nothing is written', async () => {
  const before = ok(await admin.get('/api/v1/quotes')).total;
  const bad = async (line, field, reason) => {
    for (const entity of ['quotes', 'sales_orders']) {
      const r = await admin.post(`/api/v1/${entity}`, { subject: '坏明细', account_id: account.id, lines: [LINES()[0], { ...LINES()[1], ...line }] });
      assertError(assert, r, 422);
      assert.equal(r.json.error.fields[`lines[1].${field}`], reason, `${entity} ${JSON.stringify(line)}: ${r.text}`);
      assert.match(r.json.error.message, /第 2 行/);
    }
  };
  await bad({ quantity: 0 }, 'quantity', 'not_positive');
  await bad({ quantity: -1 }, 'quantity', 'not_positive');
  await bad({ price: 12.345 }, 'price', 'too_many_decimals');
  await bad({ price: -1 }, 'price', 'negative');
  await bad({ discount: 100.5 }, 'discount', 'out_of_range');
  await bad({ discount: -5 }, 'discount', 'out_of_range');
  await bad({ product_id: 999999 }, 'product_id', 'not_found');
  const old = created(await admin.post('/api/v1/products', { name: '旧型号打印机', price: 1000 }));
  const q = await newQuote([{ product_id: old.id, quantity: 1, price: 1000 }]);
  ok(await admin.patch(`/api/v1/products/${old.id}`, { status: 'stopped' }));
  await bad({ product_id: old.id }, 'product_id', 'stopped');
  // a line that already has it stays editable
  ok(await admin.patch(`/api/v1/quotes/${q.id}`, { lines: [{ id: q.lines[0].id, product_id: old.id, quantity: 2, price: 1000 }] }));
  assert.equal(ok(await admin.get('/api/v1/quotes')).total, before + 1);
  // 100 % and 0.01 are fine
  await newQuote([{ description: '赠品', quantity: 0.01, price: 1, discount: 100 }]);
});

test('quote states: 草稿 → 已提交 → 已接受 / 已拒绝 / 已过期; forbidden moves are refused and a submitted quote is locked', async () => {
  const q = await newQuote();
  let r = await admin.patch(`/api/v1/quotes/${q.id}`, { status: 'accepted' });
  assertError(assert, r, 422, 'invalid_transition');
  assert.match(r.json.error.message, /已提交/);
  assertError(assert, await act('quotes', q.id, 'convert'), 422, 'action_not_allowed');
  const sent = ok(await act('quotes', q.id, 'submit')).record;
  assert.equal(sent.status, 'sent');
  r = await admin.patch(`/api/v1/quotes/${q.id}`, { subject: '改主题' });
  assertError(assert, r, 422, 'locked');
  r = await admin.patch(`/api/v1/quotes/${q.id}`, { lines: [{ id: q.lines[0].id, description: '商务笔记本', quantity: 5, price: 33.33 }] });
  assertError(assert, r, 422, 'locked');
  assert.equal(r.json.error.fields.lines, 'locked');
  // the same lines sent back unchanged are not a change
  ok(await admin.patch(`/api/v1/quotes/${q.id}`, { description: '客户要求周五前答复', lines: sent.lines.map(l => ({ id: l.id, quantity: l.quantity })) }));
  assert.equal(ok(await act('quotes', q.id, 'expire')).record.status, 'expired');
  assert.equal(ok(await act('quotes', q.id, 'revise')).record.status, 'draft');
  ok(await admin.patch(`/api/v1/quotes/${q.id}`, { subject: '办公电脑采购报价（第二版）' }));
  ok(await act('quotes', q.id, 'submit'));
  assert.equal(ok(await act('quotes', q.id, 'reject')).record.status, 'rejected');
  // 已转订单 is the server's: a client cannot set it
  r = await admin.patch(`/api/v1/quotes/${q.id}`, { status: 'ordered' });
  assertError(assert, r, 422);
});

test('转为订单 copies the customer, terms and every line in order, keeps the totals, and runs once', async () => {
  const q = await newQuote([...LINES(), { description: '延保一年', quantity: 1, price: 0.01, discount: 0, tax_rate: 13 }],
    { payment_terms: '月结30天', delivery_terms: '送货上门', valid_until: '2026-12-31' });
  ok(await act('quotes', q.id, 'submit'));
  ok(await act('quotes', q.id, 'accept'));
  const r = ok(await act('quotes', q.id, 'convert'));
  assert.equal(r.record.status, 'ordered');
  const orderId = r.result.sales_order_id;
  assert.ok(orderId > 0, JSON.stringify(r.result));
  // the metadata tells the page to open what the action made, and where its id is
  const meta = ok(await admin.get('/api/v1/metadata'));
  const convert = meta.entities.find(e => e.name === 'quotes').actions.find(a => a.name === 'convert');
  assert.deepEqual(convert.opens, { entity: 'sales_orders', result: 'sales_order_id' });
  const names = new Set(meta.entities.map(e => e.name));
  const opening = meta.entities.flatMap(e => (e.actions || []).filter(a => a.opens).map(a => [e.name, a.name, a.opens.entity]));
  assert.ok(opening.length >= 9 && opening.every(([, , to]) => names.has(to)), JSON.stringify(opening));
  const o = ok(await admin.get(`/api/v1/sales_orders/${orderId}`));
  assert.match(o.code, /^DD-\d{6}$/);
  assert.deepEqual([o.status, o.quote_id, o.account_id, o.subject, o.payment_terms, o.delivery_terms],
    ['draft', q.id, account.id, q.subject, '月结30天', '送货上门']);
  const pick = l => [l.position, l.product_id, l.description, l.quantity, l.unit, l.price, l.tax_rate, l.amount, l.tax];
  assert.deepEqual(o.lines.map(pick), q.lines.map(pick));
  assert.ok(o.lines.every((l, i) => l.id !== q.lines[i].id), 'new lines, not the quote\'s');
  assert.deepEqual([o.subtotal, o.tax_total, o.total, o.total_in_words], [q.subtotal, q.tax_total, q.total, q.total_in_words]);
  // the quote's lines are unchanged and it is locked; a second conversion is refused
  assert.deepEqual(ok(await admin.get(`/api/v1/quotes/${q.id}`)).lines.map(pick), q.lines.map(pick));
  assertError(assert, await act('quotes', q.id, 'convert'), 409, 'already_ordered');
  const related = ok(await admin.get(`/api/v1/quotes/${q.id}/related/sales_orders`));
  assert.deepEqual(related.items.map(i => i.id), [orderId]);
});

test('转为订单 is one transaction: when the order cannot be made, the quote stays 已接受 and no order exists', async () => {
  const perms = { view: true, create: true, edit: true, delete: true };
  const p = created(await admin.post('/api/v1/profiles', { name: '只报价', permissions: { quotes: perms, accounts: perms, products: { view: true }, sales_orders: { view: true } } }));
  const role = created(await admin.post('/api/v1/roles', { name: '报价员', profile_ids: [p.id] }));
  created(await admin.post('/api/v1/users', { username: 'quoter', name: '报价员小李', password: 'Pass#2026word', role_id: role.id }));
  const quoter = await srv.client('quoter', 'Pass#2026word');
  const acc = created(await quoter.post('/api/v1/accounts', { name: '只报价客户有限公司' }));
  const q = created(await quoter.post('/api/v1/quotes', { subject: '只报价', account_id: acc.id, lines: LINES() }));
  ok(await quoter.post(`/api/v1/quotes/${q.id}/actions/submit`, {}));
  ok(await quoter.post(`/api/v1/quotes/${q.id}/actions/accept`, {}));
  const orders = ok(await admin.get('/api/v1/sales_orders')).total;
  const r = await quoter.post(`/api/v1/quotes/${q.id}/actions/convert`, {});
  assertError(assert, r, 403);
  assert.equal(ok(await quoter.get(`/api/v1/quotes/${q.id}`)).status, 'accepted');
  assert.equal(ok(await admin.get('/api/v1/sales_orders')).total, orders);
});

test('order states: 草稿 → 待审批 → 已审批 → 执行中 → 已发货 → 已完成; an approved order is locked; cancelled is final', async () => {
  const o = await newOrder();
  assert.deepEqual([o.status, o.total, o.total_in_words], ['draft', 430.99, '肆佰叁拾元玖角玖分']);
  assertError(assert, await act('sales_orders', o.id, 'complete'), 422, 'action_not_allowed');
  // the state moves by the actions only (approvals.test.mjs: 待审批 under an approval flow, locked while pending)
  let r = await admin.patch(`/api/v1/sales_orders/${o.id}`, { status: 'approved' });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.status, 'read_only');
  const approved = ok(await act('sales_orders', o.id, 'submit')).record; // no flow asks for approval
  assert.equal(approved.status, 'approved');
  const states = ok(await admin.get(`/api/v1/sales_orders/${o.id}/history`)).items.filter(h => h.field === 'status').map(h => h.new_value);
  assert.deepEqual(states.reverse(), ['pending', 'approved']);
  // locked: header fields, lines (changed, added, removed) refused; the note and delivery date may change
  r = await admin.patch(`/api/v1/sales_orders/${o.id}`, { account_id: other.id });
  assertError(assert, r, 422, 'locked');
  assert.equal(r.json.error.fields.account_id, 'locked');
  const l = approved.lines;
  for (const lines of [[{ id: l[0].id, quantity: 30 }, { id: l[1].id }], [{ id: l[0].id }], [{ id: l[0].id }, { id: l[1].id }, { description: '加一行', quantity: 1, price: 1 }]]) {
    r = await admin.patch(`/api/v1/sales_orders/${o.id}`, { lines });
    assertError(assert, r, 422, 'locked');
  }
  const now = ok(await admin.get(`/api/v1/sales_orders/${o.id}`));
  assert.deepEqual(now.lines.map(x => [x.id, x.quantity]), l.map(x => [x.id, x.quantity]));
  assert.equal(now.total, 430.99);
  ok(await admin.patch(`/api/v1/sales_orders/${o.id}`, { description: '客户要求分两批发货', delivery_date: '2026-12-20' }));
  for (const [name, state] of [['execute', 'executing'], ['ship', 'shipped'], ['complete', 'completed']])
    assert.equal(ok(await act('sales_orders', o.id, name)).record.status, state);
  assertError(assert, await act('sales_orders', o.id, 'cancel'), 422, 'action_not_allowed');
  const c = await approvedOrder();
  assert.equal(ok(await act('sales_orders', c.id, 'cancel')).record.status, 'cancelled');
  assertError(assert, await admin.patch(`/api/v1/sales_orders/${c.id}`, { status: 'draft' }), 422, 'validation_failed');
  assertError(assert, await act('sales_orders', c.id, 'submit'), 422, 'action_not_allowed');
});

test('invoices: only from an approved order, for its customer; lines take the order\'s product and price; VAT 13/9/6/0 %', async () => {
  const draft = await newOrder();
  let r = await admin.post('/api/v1/invoices', { sales_order_id: draft.id, lines: [{ order_line_id: draft.lines[0].id, quantity: 1 }] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.sales_order_id, 'not_invoiceable');
  assertError(assert, await act('sales_orders', draft.id, 'invoice'), 422, 'action_not_allowed');
  const o = await approvedOrder();
  r = await admin.post('/api/v1/invoices', { sales_order_id: o.id, account_id: other.id, lines: [] });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.account_id, 'not_order_account');
  const inv = created(await admin.post('/api/v1/invoices', { sales_order_id: o.id, lines: [{ order_line_id: o.lines[0].id, quantity: 1 }] }));
  assert.match(inv.code, /^FP-\d{6}$/);
  assert.deepEqual([inv.account_id, inv.status, inv.invoice_type], [account.id, 'draft', 'special']);
  const [line] = inv.lines;
  assert.deepEqual([line.product_id, line.description, line.unit, line.price, line.tax_rate, line.amount, line.tax],
    [laptop.id, '商务笔记本', '台', 33.33, 13, 33.33, 4.33]);
  assert.deepEqual([inv.total, inv.total_in_words], [37.66, '叁拾柒元陆角陆分']);
  // a line of another order, a made-up VAT rate, a price of one's own
  const elsewhere = await approvedOrder();
  r = await admin.patch(`/api/v1/invoices/${inv.id}`, { lines: [{ order_line_id: elsewhere.lines[0].id, quantity: 1 }] });
  assert.equal(r.json.error.fields['lines[0].order_line_id'], 'not_in_order', r.text);
  r = await admin.patch(`/api/v1/invoices/${inv.id}`, { lines: [{ order_line_id: o.lines[0].id, quantity: 1, tax_rate: 17 }] });
  assert.equal(r.json.error.fields['lines[0].tax_rate'], 'not_vat_rate', r.text);
  r = await admin.patch(`/api/v1/invoices/${inv.id}`, { lines: [{ order_line_id: o.lines[0].id, quantity: 1, price: 1 }] });
  assertError(assert, r, 422);
  for (const rate of [9, 6, 0]) {
    const p = ok(await admin.patch(`/api/v1/invoices/${inv.id}`, { lines: [{ id: line.id, order_line_id: o.lines[0].id, quantity: 1, tax_rate: rate }] }));
    assert.equal(p.lines[0].tax_rate, rate);
  }
  // the order cannot change under its invoice
  r = await admin.patch(`/api/v1/invoices/${inv.id}`, { sales_order_id: elsewhere.id });
  assert.equal(r.json.error.fields.sales_order_id, 'read_only', r.text);
});

// A line over what was ordered: named at its quantity (the document's
// error is the lines' validation_failed).
const overInvoiced = (r, i) => {
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields[`lines[${i}].quantity`], 'exceeds_ordered', r.text);
};

test('partial invoices: never more than ordered across the order\'s invoices; a void invoice frees its quantities', async () => {
  const o = await approvedOrder();
  const [pc, service] = o.lines; // 3 台, 2 次
  // 开具发票 drafts the whole order
  const full = ok(await act('sales_orders', o.id, 'invoice'));
  const fullId = full.result.invoice_id;
  const inv = ok(await admin.get(`/api/v1/invoices/${fullId}`));
  assert.deepEqual(inv.lines.map(l => [l.order_line_id, l.quantity]), [[pc.id, 3], [service.id, 2]]);
  assert.equal(inv.total, o.total);
  assert.equal(ok(await admin.get(`/api/v1/sales_orders/${o.id}`)).invoiced_total, o.total);
  // a second full invoice would be twice the order: refused, nothing written
  const count = ok(await admin.get('/api/v1/invoices')).total;
  let r = await act('sales_orders', o.id, 'invoice');
  overInvoiced(r, 0);
  overInvoiced(r, 1);
  assert.equal(ok(await admin.get('/api/v1/invoices')).total, count);
  // voiding frees the quantities; then 2 of 3, 1 of 3, and no more
  assertError(assert, await act('invoices', fullId, 'issue'), 422, 'validation_failed'); // needs its number
  ok(await act('invoices', fullId, 'issue', { invoice_number: '32000261', invoice_date: '2026-12-01' }));
  assertError(assert, await admin.patch(`/api/v1/invoices/${fullId}`, { lines: [] }), 422, 'locked');
  const kept = await admin.del(`/api/v1/invoices/${fullId}`);
  assertError(assert, kept, 409, 'kept'); // an issued invoice is voided, not deleted
  assert.match(kept.json.error.message, /「开票状态」为「已开」的记录不能删除/);
  assert.equal(ok(await act('invoices', fullId, 'void')).record.status, 'void');
  assert.equal(ok(await admin.get(`/api/v1/sales_orders/${o.id}`)).invoiced_total, 0);
  const first = created(await admin.post('/api/v1/invoices', { sales_order_id: o.id, lines: [{ order_line_id: pc.id, quantity: 2 }] }));
  const second = created(await admin.post('/api/v1/invoices', { sales_order_id: o.id, lines: [{ order_line_id: pc.id, quantity: 1 }, { order_line_id: service.id, quantity: 2 }] }));
  r = await admin.post('/api/v1/invoices', { sales_order_id: o.id, lines: [{ order_line_id: pc.id, quantity: 0.5 }] });
  overInvoiced(r, 0);
  assert.match(r.json.error.message, /第 1 行：开票数量合计 3\.50 超过订单数量 3\.00/);
  // raising a draft invoice's quantity counts the others too
  r = await admin.patch(`/api/v1/invoices/${first.id}`, { lines: [{ id: first.lines[0].id, order_line_id: pc.id, quantity: 2.01 }] });
  overInvoiced(r, 0);
  assert.equal(ok(await admin.get(`/api/v1/sales_orders/${o.id}`)).invoiced_total, first.total + second.total);
  // two lines of one invoice for the same order line add up
  ok(await act('invoices', second.id, 'void'));
  r = await admin.post('/api/v1/invoices', { sales_order_id: o.id, lines: [{ order_line_id: pc.id, quantity: 1 }, { order_line_id: pc.id, quantity: 0.01 }] });
  overInvoiced(r, 1);
  // a deleted invoice frees its quantities; restoring it when they are taken again is refused
  assert.equal((await admin.del(`/api/v1/invoices/${first.id}`)).status, 204);
  const third = created(await admin.post('/api/v1/invoices', { sales_order_id: o.id, lines: [{ order_line_id: pc.id, quantity: 3 }] }));
  assertError(assert, await admin.post(`/api/v1/invoices/${first.id}/restore`, {}), 422, 'over_invoiced');
  assert.equal((await admin.del(`/api/v1/invoices/${third.id}`)).status, 204);
  ok(await admin.post(`/api/v1/invoices/${first.id}/restore`, {}));
});

test('two invoices for the last units at once: exactly one is written', async () => {
  const o = await approvedOrder([{ description: '限量产品', quantity: 1, price: 100, tax_rate: 13 }]);
  const body = { sales_order_id: o.id, lines: [{ order_line_id: o.lines[0].id, quantity: 1 }] };
  const rs = await Promise.all([admin.post('/api/v1/invoices', body), admin.post('/api/v1/invoices', body)]);
  assert.deepEqual(rs.map(r => r.status).sort(), [201, 422], rs.map(r => r.text).join('\n'));
});

test('receipts allocated to an order: 已收款 and 未收款 follow at once; over-allocation and a cancelled order are refused', async () => {
  const o = await approvedOrder(); // 430.99
  const pay = (amount, extra = {}) => admin.post('/api/v1/receipts', { sales_order_id: o.id, amount, received_on: '2026-12-02', method: 'transfer', ...extra });
  const first = created(await pay(400));
  assert.equal(first.account_id, account.id, 'the customer comes from the order');
  let now = ok(await admin.get(`/api/v1/sales_orders/${o.id}`));
  assert.deepEqual([now.received_total, now.outstanding], [400, 30.99]);
  let r = await pay(31);
  assertError(assert, r, 422, 'over_allocated');
  assert.equal(r.json.error.fields.amount, 'over_allocated');
  assert.match(r.json.error.message, /30\.99/);
  assertError(assert, await pay(0), 422);
  assertError(assert, await pay(-5), 422);
  r = await pay(1, { account_id: other.id });
  assert.equal(r.json.error.fields.account_id, 'not_order_account', r.text);
  created(await pay(30.99));
  now = ok(await admin.get(`/api/v1/sales_orders/${o.id}`));
  assert.deepEqual([now.received_total, now.outstanding], [430.99, 0]);
  // a reversal (冲销) gives the amount back to the order
  ok(await act('receipts', first.id, 'reverse'));
  now = ok(await admin.get(`/api/v1/sales_orders/${o.id}`));
  assert.deepEqual([now.received_total, now.outstanding], [30.99, 400]);
  // two receipts for the last 400 at once: one is written
  const rs = await Promise.all([pay(300), pay(300)]);
  assert.deepEqual(rs.map(x => x.status).sort(), [201, 422], rs.map(x => x.text).join('\n'));
  assert.equal(ok(await admin.get(`/api/v1/sales_orders/${o.id}`)).outstanding, 100);
  // a cancelled order takes no receipts
  const c = await approvedOrder();
  assert.equal(ok(await act('sales_orders', c.id, 'cancel')).record.outstanding, 0, 'nothing is owed on a cancelled order');
  r = await admin.post('/api/v1/receipts', { sales_order_id: c.id, amount: 1 });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.sales_order_id, 'cancelled');
  // a receipt without an order is still an ordinary receipt
  created(await admin.post('/api/v1/receipts', { account_id: other.id, amount: 99 }));
});

test('a 1,000-line quote converts whole: every line, each rounded at the 分, and the same totals', async () => {
  const lines = Array.from({ length: 1000 }, (_, i) => ({ description: `配件 ${i + 1}`, quantity: 3, price: 33.33, tax_rate: 13 }));
  const q = await newQuote(lines);
  assert.deepEqual([q.subtotal, q.tax_total, q.total, q.total_in_words], [99990, 13000, 112990, '壹拾壹万贰仟玖佰玖拾元整']);
  ok(await act('quotes', q.id, 'submit'));
  ok(await act('quotes', q.id, 'accept'));
  // two conversions at once: one order
  const rs = await Promise.all([act('quotes', q.id, 'convert'), act('quotes', q.id, 'convert')]);
  assert.deepEqual(rs.map(r => r.status).sort(), [200, 409], rs.map(r => r.text.slice(0, 200)).join('\n'));
  const o = ok(await admin.get(`/api/v1/sales_orders/${rs.find(r => r.status === 200).json.result.sales_order_id}`));
  assert.equal(o.lines.length, 1000);
  assert.deepEqual([o.lines[999].position, o.lines[999].description, o.lines[999].amount, o.lines[999].tax], [1000, '配件 1000', 99.99, 13]);
  assert.deepEqual([o.subtotal, o.tax_total, o.total], [q.subtotal, q.tax_total, q.total]);
  const f = encodeURIComponent(JSON.stringify({ field: 'quote_id', op: 'eq', value: q.id }));
  assert.equal(ok(await admin.get(`/api/v1/sales_orders?filter=${f}`)).total, 1);
});

test('another company\'s order is not there: no receipt, no invoice against it, and nothing of it in the answer', async () => {
  const o = await approvedOrder([{ description: '甲方订单', quantity: 1, price: 1234.56, tax_rate: 0 }]);
  created(await admin.post('/api/v1/companies', {
    name: '乙方商贸有限公司', code: 'yifang_c', admin: { username: 'boss_c', name: '乙方管理员', password: 'Pass#2026word' } }));
  const boss = await srv.client('boss_c', 'Pass#2026word');
  const acc = created(await boss.post('/api/v1/accounts', { name: '乙方的客户' }));
  for (const [path, body] of [
    ['/api/v1/receipts', { account_id: acc.id, sales_order_id: o.id, amount: 99999 }],
    ['/api/v1/invoices', { account_id: acc.id, sales_order_id: o.id, lines: [{ order_line_id: o.lines[0].id, quantity: 1 }] }]]) {
    const r = await boss.post(path, body);
    assertError(assert, r, 422);
    assert.equal(r.json.error.fields.sales_order_id, 'not_found', r.text);
    assert.doesNotMatch(r.text, /1234\.56|over_allocated|not_invoiceable/);
  }
  assertError(assert, await boss.get(`/api/v1/sales_orders/${o.id}`), 404);
});
