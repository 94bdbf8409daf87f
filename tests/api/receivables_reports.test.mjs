// receivables_reports.test.mjs - the reports of money sold and owed
// (GET /api/v1/reports/sales, ageing, arrears, order_accounts; issue 12,
// items 4 and 14; docs/commerce.md "Reports"): exact figures on a small
// company whose every number is worked out by hand below, each ageing
// bucket and its edges (30 days is 0-30, 31 is 31-60), what a salesperson
// may see (their own orders only), Excel and CSV export read back, and bad
// input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
let admin, wang, li, nobody, hidden;
const ids = {};
const AS_OF = '2026-12-01';
const q = (path, params) => `${path}?${new URLSearchParams(params)}`;

async function order(client, subject, account, date, lines, submit = true) {
  const o = created(await client.post('/api/v1/sales_orders', { subject, account_id: account.id, order_date: date, lines }));
  if (submit) ok(await client.post(`/api/v1/sales_orders/${o.id}/actions/submit`, {}));
  return ok(await client.get(`/api/v1/sales_orders/${o.id}`));
}
const plan = async (client, o, amount, due) => created(await client.post('/api/v1/instalments', { sales_order_id: o.id, amount, due_date: due }));
const rows = r => r.items.map(i => Object.fromEntries(r.columns.map(c => [c.key, i[c.key]])));

before(async () => {
  await srv.start();
  const ALL = { view: true, create: true, edit: true, delete: true, export: true };
  const SALES = { accounts: ALL, sales_orders: ALL, invoices: ALL, receipts: ALL, instalments: ALL, products: { view: true } };
  admin = await srv.client();
  const p = created(await admin.post('/api/v1/profiles', { name: '销售员', permissions: SALES }));
  const role = created(await admin.post('/api/v1/roles', { name: '销售岗', profile_ids: [p.id] }));
  const blind = created(await admin.post('/api/v1/profiles', { name: '看不到金额', permissions: SALES, field_access: { sales_orders: { total: 'hidden' } } }));
  const blindRole = created(await admin.post('/api/v1/roles', { name: '金额保密岗', profile_ids: [blind.id] }));
  const none = created(await admin.post('/api/v1/profiles', { name: '无订单', permissions: { accounts: ALL } }));
  const noneRole = created(await admin.post('/api/v1/roles', { name: '客服岗', profile_ids: [none.id] }));
  ids.wang = created(await admin.post('/api/v1/users', { username: 'wangfang', name: '王芳', password: 'Wang#2026pw', role_id: role.id })).id;
  ids.li = created(await admin.post('/api/v1/users', { username: 'lilei', name: '李雷', password: 'Li#2026pwd!', role_id: role.id })).id;
  created(await admin.post('/api/v1/users', { username: 'zhao', name: '赵敏', password: 'Zhao#2026pw', role_id: noneRole.id }));
  created(await admin.post('/api/v1/users', { username: 'qian', name: '钱进', password: 'Qian#2026pw', role_id: blindRole.id }));
  wang = await srv.client('wangfang', 'Wang#2026pw');
  li = await srv.client('lilei', 'Li#2026pwd!');
  nobody = await srv.client('zhao', 'Zhao#2026pw');
  hidden = await srv.client('qian', 'Qian#2026pw');
  const laptop = created(await admin.post('/api/v1/products', { name: '笔记本电脑', unit: '台', price: 1000, tax_rate: 13 }));
  const service = created(await admin.post('/api/v1/products', { name: '安装服务', unit: '次', price: 500, tax_rate: 6 }));
  const A = q => ({ product_id: laptop.id, quantity: q, price: 1000, tax_rate: 13 });
  const B = q => ({ product_id: service.id, quantity: q, price: 500, tax_rate: 6 });
  const x = created(await wang.post('/api/v1/accounts', { name: '甲客户' }));
  const y = created(await wang.post('/api/v1/accounts', { name: '乙客户' }));
  const z = created(await li.post('/api/v1/accounts', { name: '丙客户' }));
  // 王芳: O1 2,790.00 (2026-09), O2 1,130.00 (2026-10); 李雷: O3 2,120.00 (2026-10)
  const o1 = await order(wang, '订单一', x, '2026-09-05', [A(2), B(1)]);
  const o2 = await order(wang, '订单二', y, '2026-10-10', [A(1)]);
  const o3 = await order(li, '订单三', z, '2026-10-20', [B(4)]);
  ids.o1 = o1.id; ids.o2 = o2.id; ids.o3 = o3.id;
  await order(wang, '草稿不算', x, '2026-10-11', [A(9)], false);
  const cancelled = await order(wang, '取消不算', y, '2026-10-12', [A(7)]);
  ok(await wang.post(`/api/v1/sales_orders/${cancelled.id}/actions/cancel`, {}));
  // O1's plan on 2026-12-01: 30 days (0-30), 31 days (31-60), 82 days (61-90), 108 days (over 90)
  const i1 = await plan(wang, o1, 1000, '2026-11-01');
  await plan(wang, o1, 1000, '2026-10-31');
  await plan(wang, o1, 500, '2026-09-10');
  await plan(wang, o1, 290, '2026-08-15');
  created(await wang.post('/api/v1/receipts', { instalment_id: i1.id, account_id: x.id, amount: 400 }));
  // O2 has no plan: aged from its date (52 days: 31-60), 130 received on the order
  created(await wang.post('/api/v1/receipts', { sales_order_id: o2.id, account_id: y.id, amount: 130 }));
  // O3 falls due later
  await plan(li, o3, 2120, '2026-12-20');
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('sales by month, product, customer and salesperson: approved orders only, exact sums and a total row', async () => {
  let r = ok(await admin.get(q('/api/v1/reports/sales', { by: 'month' })));
  assert.equal(r.report, 'sales');
  assert.equal(ok(await admin.get('/api/v1/reports/ageing')).as_of.length, 10, 'today when not given');
  assert.deepEqual(r.columns.map(c => [c.key, c.label, c.type]), [['label', '月份', 'text'], ['orders', '订单数', 'integer'],
    ['subtotal', '金额', 'money'], ['tax', '税额', 'money'], ['total', '价税合计', 'money']]);
  assert.deepEqual(rows(r), [
    { label: '2026-09', orders: 1, subtotal: 2500, tax: 290, total: 2790 },
    { label: '2026-10', orders: 2, subtotal: 3000, tax: 250, total: 3250 }]);
  assert.deepEqual(r.total, { id: null, label: '合计', orders: 3, subtotal: 5500, tax: 540, total: 6040 });
  r = ok(await admin.get(q('/api/v1/reports/sales', { by: 'product' })));
  assert.deepEqual(rows(r), [
    { label: '笔记本电脑', orders: 2, quantity: 3, subtotal: 3000, tax: 390, total: 3390 },
    { label: '安装服务', orders: 2, quantity: 5, subtotal: 2500, tax: 150, total: 2650 }]);
  r = ok(await admin.get(q('/api/v1/reports/sales', { by: 'owner' })));
  assert.deepEqual(r.items.map(i => [i.id, i.label, i.total]), [[ids.wang, '王芳', 3920], [ids.li, '李雷', 2120]]);
  r = ok(await admin.get(q('/api/v1/reports/sales', { by: 'customer', from: '2026-10-01', to: '2026-10-31' })));
  assert.deepEqual(r.items.map(i => [i.label, i.total]), [['丙客户', 2120], ['乙客户', 1130]]);
  assert.deepEqual([r.from, r.to], ['2026-10-01', '2026-10-31']);
});

test('a salesperson sees only their own orders in every report', async () => {
  let r = ok(await wang.get(q('/api/v1/reports/sales', { by: 'product' })));
  assert.deepEqual(r.items.map(i => [i.label, i.quantity, i.total]), [['笔记本电脑', 3, 3390], ['安装服务', 1, 530]]);
  r = ok(await li.get(q('/api/v1/reports/sales', { by: 'customer' })));
  assert.deepEqual(r.items.map(i => [i.label, i.total]), [['丙客户', 2120]]);
  r = ok(await li.get(q('/api/v1/reports/arrears', { as_of: AS_OF })));
  assert.deepEqual([r.items.length, r.total.outstanding], [0, 0]);
  r = ok(await li.get(q('/api/v1/reports/ageing', { as_of: AS_OF })));
  assert.deepEqual(r.items.map(i => [i.label, i.not_due, i.total]), [['丙客户', 2120, 2120]]);
  r = ok(await wang.get('/api/v1/reports/order_accounts'));
  assert.deepEqual(r.items.map(i => i.id), [ids.o2, ids.o1]);
});

test('ageing on a day: each bucket and its edges, planned orders by their instalments, others by their date', async () => {
  const r = ok(await admin.get(q('/api/v1/reports/ageing', { as_of: AS_OF })));
  assert.deepEqual(r.columns.map(c => c.label), ['客户', '未到期', '0-30天', '31-60天', '61-90天', '90天以上', '应收合计']);
  assert.deepEqual(rows(r), [
    { label: '甲客户', not_due: 0, d0_30: 600, d31_60: 1000, d61_90: 500, d90_plus: 290, total: 2390 },
    { label: '丙客户', not_due: 2120, d0_30: 0, d31_60: 0, d61_90: 0, d90_plus: 0, total: 2120 },
    { label: '乙客户', not_due: 0, d0_30: 0, d31_60: 1000, d61_90: 0, d90_plus: 0, total: 1000 }]);
  assert.deepEqual(r.total, { id: null, label: '合计', not_due: 2120, d0_30: 600, d31_60: 2000, d61_90: 500, d90_plus: 290, total: 5510 });
  const byOwner = ok(await admin.get(q('/api/v1/reports/ageing', { as_of: AS_OF, by: 'owner' })));
  assert.deepEqual(byOwner.items.map(i => [i.id, i.label, i.total]), [[ids.wang, '王芳', 3390], [ids.li, '李雷', 2120]]);
  // a month later everything has aged by about 30 days
  const later = ok(await admin.get(q('/api/v1/reports/ageing', { as_of: '2026-12-31' })));
  assert.deepEqual(later.total, { id: null, label: '合计', not_due: 0, d0_30: 2120, d31_60: 600, d61_90: 2000, d90_plus: 790, total: 5510 });
});

test('欠款查询: overdue instalments with their days overdue, or summed by customer and salesperson', async () => {
  let r = ok(await admin.get(q('/api/v1/reports/arrears', { as_of: AS_OF })));
  // O2 has no plan: its 未收款 is due on its date, overdue since (no instalment to open: no id)
  assert.deepEqual(r.items.map(i => [i.due_date, i.days_overdue, i.account, i.owner, i.amount, i.received, i.outstanding]), [
    ['2026-08-15', 108, '甲客户', '王芳', 290, 0, 290],
    ['2026-09-10', 82, '甲客户', '王芳', 500, 0, 500],
    ['2026-10-10', 52, '乙客户', '王芳', 1130, 130, 1000],
    ['2026-10-31', 31, '甲客户', '王芳', 1000, 0, 1000],
    ['2026-11-01', 30, '甲客户', '王芳', 1000, 400, 600]]);
  assert.match(r.items[0].label, /^DD-\d{6} 第4期$/);
  assert.match(r.items[2].label, /^DD-\d{6} 未计划部分$/);
  assert.equal(r.items[2].id, null);
  assert.equal(r.total.outstanding, 3390);
  assert.equal(r.total.days_overdue, null, 'days do not add up');
  r = ok(await admin.get(q('/api/v1/reports/arrears', { as_of: AS_OF, by: 'customer' })));
  assert.deepEqual(rows(r), [{ label: '甲客户', instalments: 4, earliest: '2026-08-15', outstanding: 2390 },
    { label: '乙客户', instalments: 1, earliest: '2026-10-10', outstanding: 1000 }]);
  r = ok(await admin.get(q('/api/v1/reports/arrears', { as_of: AS_OF, by: 'owner' })));
  assert.deepEqual(r.items.map(i => [i.id, i.label, i.outstanding]), [[ids.wang, '王芳', 3390]]);
  // on the due day an instalment is not overdue yet, nor an order on its date
  r = ok(await admin.get(q('/api/v1/reports/arrears', { as_of: '2026-11-01' })));
  assert.deepEqual(r.items.map(i => i.due_date), ['2026-08-15', '2026-09-10', '2026-10-10', '2026-10-31']);
  r = ok(await admin.get(q('/api/v1/reports/arrears', { as_of: '2026-10-10' })));
  assert.deepEqual(r.items.map(i => i.due_date), ['2026-08-15', '2026-09-10']);
});

test('订单账目: each order with amount, plan, received and outstanding, newest first, and the totals; by salesperson and period', async () => {
  let r = ok(await admin.get('/api/v1/reports/order_accounts'));
  assert.deepEqual(r.items.map(i => [i.id, i.order_date, i.account, i.owner, i.total, i.planned, i.received, i.outstanding]), [
    [ids.o3, '2026-10-20', '丙客户', '李雷', 2120, 2120, 0, 2120],
    [ids.o2, '2026-10-10', '乙客户', '王芳', 1130, 0, 130, 1000],
    [ids.o1, '2026-09-05', '甲客户', '王芳', 2790, 2790, 400, 2390]]);
  assert.deepEqual([r.total.total, r.total.planned, r.total.received, r.total.outstanding], [6040, 4910, 530, 5510]);
  r = ok(await admin.get(q('/api/v1/reports/order_accounts', { owner_id: ids.li })));
  assert.deepEqual(r.items.map(i => i.id), [ids.o3]);
  r = ok(await admin.get(q('/api/v1/reports/order_accounts', { from: '2026-10-01', to: '2026-10-15' })));
  assert.deepEqual(r.items.map(i => i.id), [ids.o2]);
});

async function download(client, path) {
  const res = await fetch(srv.base + path, { headers: { Authorization: `Bearer ${client.token}` } });
  return { status: res.status, headers: res.headers, buf: Buffer.from(await res.arrayBuffer()) };
}

test('every report exports to Excel and CSV: the same table, numbers as numbers, the total row last', async () => {
  const r = await download(admin, `/api/v1/reports/ageing?as_of=${AS_OF}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(r.headers.get('content-disposition'), /filename="ageing-\d{8}\.xlsx"; filename\*=UTF-8''/);
  assert.ok(r.headers.get('content-disposition').includes(encodeURIComponent('应收账龄')));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.buf);
  const sheet = wb.worksheets[0];
  assert.equal(sheet.name, '应收账龄');
  assert.deepEqual(sheet.getRow(1).values.slice(1), ['客户', '未到期', '0-30天', '31-60天', '61-90天', '90天以上', '应收合计']);
  assert.deepEqual(sheet.getRow(2).values.slice(1), ['甲客户', 0, 600, 1000, 500, 290, 2390]);
  assert.deepEqual(sheet.getRow(5).values.slice(1), ['合计', 2120, 600, 2000, 500, 290, 5510]);
  for (const path of ['sales?by=product', 'arrears?by=customer', 'order_accounts', 'sales?by=month']) {
    const x = await download(admin, `/api/v1/reports/${path}&format=xlsx`.replace('order_accounts&', 'order_accounts?'));
    assert.equal(x.status, 200, path);
  }
  const csv = await download(admin, '/api/v1/reports/sales?by=product&format=csv');
  assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(csv.buf.toString('utf8'), '\ufeff产品,订单数,数量,金额,税额,价税合计\r\n笔记本电脑,2,3.00,3000.00,390.00,3390.00\r\n' +
    '安装服务,2,5.00,2500.00,150.00,2650.00\r\n合计,4,8.00,5500.00,540.00,6040.00\r\n');
});

// Last: it adds an order. The ageing is kept between requests
// (src/entity/report_cache.h), so each step reads it again right after a write.
test('the part of an order beyond its plan is aged from the order date; the kept ageing follows every write at once', async () => {
  const ages = async (client, as_of = AS_OF) => Object.fromEntries(
    ok(await client.get(q('/api/v1/reports/ageing', { as_of }))).items.map(i => [i.label, [i.not_due, i.d0_30, i.d31_60, i.d90_plus, i.total]]));
  const y = ok(await admin.get(q('/api/v1/accounts', { q: '乙客户' }))).items[0];
  assert.deepEqual((await ages(admin))['乙客户'], [0, 0, 1000, 0, 1000]);
  assert.deepEqual(Object.keys(await ages(li)), ['丙客户'], 'a salesperson never gets the administrator\'s kept table');
  // O4 1,130.00 of 2026-11-20 (11 days on AS_OF), 1,000.00 of it planned for 2026-12-25
  const o4 = await order(wang, '订单四', y, '2026-11-20', [{ product_id: ok(await admin.get(q('/api/v1/products', { q: '笔记本电脑' }))).items[0].id, quantity: 1, price: 1000, tax_rate: 13 }]);
  await plan(wang, o4, 1000, '2026-12-25');
  assert.deepEqual((await ages(admin))['乙客户'], [1000, 130, 1000, 0, 2130]);
  assert.deepEqual((await ages(wang))['乙客户'], [1000, 130, 1000, 0, 2130]);
  let r = ok(await wang.get(q('/api/v1/reports/arrears', { as_of: AS_OF })));
  assert.deepEqual(r.items.filter(i => i.label.endsWith('未计划部分')).map(i => [i.due_date, i.amount, i.received, i.outstanding]),
    [['2026-10-10', 1130, 130, 1000], ['2026-11-20', 130, 0, 130]]);
  // 1,050.00 to the order: 1,000.00 pays the plan, 50.00 the unplanned part
  created(await wang.post('/api/v1/receipts', { sales_order_id: o4.id, account_id: y.id, amount: 1050 }));
  assert.deepEqual((await ages(admin))['乙客户'], [0, 80, 1000, 0, 1080]);
  r = ok(await admin.get(q('/api/v1/reports/arrears', { as_of: AS_OF, by: 'customer' })));
  assert.deepEqual(r.items.map(i => [i.label, i.instalments, i.outstanding]), [['甲客户', 4, 2390], ['乙客户', 2, 1080]]);
  // every order's items add up to its 未收款: the ageing total is the 订单账目 total
  const accounts = ok(await admin.get('/api/v1/reports/order_accounts'));
  const ageing = ok(await admin.get(q('/api/v1/reports/ageing', { as_of: AS_OF })));
  assert.equal(ageing.total.total, accounts.total.outstanding);
  // English names the unplanned part in English, and the kept ageing is per language
  const en = ok(await admin.get(q('/api/v1/reports/arrears', { as_of: AS_OF }), { headers: { 'Accept-Language': 'en' } }));
  assert.equal(en.items.filter(i => /^DD-\d{6} unplanned$/.test(i.label)).length, 2);
  const enAgeing = ok(await admin.get(q('/api/v1/reports/ageing', { as_of: AS_OF }), { headers: { 'Accept-Language': 'en' } }));
  assert.equal(enAgeing.total.label, 'Total');
  // a cancelled order leaves the ageing at once
  ok(await admin.post(`/api/v1/sales_orders/${o4.id}/actions/cancel`, {}));
  assert.deepEqual((await ages(admin))['乙客户'], [0, 0, 1000, 0, 1000]);
});

test('access and bad input: no orders right or hidden amounts is 403; a bad grouping, date, format or id is 400', async () => {
  for (const path of ['sales', 'ageing', 'arrears', 'order_accounts']) {
    assertError(assert, await nobody.get(`/api/v1/reports/${path}`), 403, 'forbidden');
    assertError(assert, await hidden.get(`/api/v1/reports/${path}`), 403, 'forbidden');
  }
  assertError(assert, await admin.get(q('/api/v1/reports/sales', { by: 'weather' })), 400, 'bad_param');
  assertError(assert, await admin.get(q('/api/v1/reports/ageing', { by: 'product' })), 400, 'bad_param');
  assertError(assert, await admin.get(q('/api/v1/reports/arrears', { by: 'month' })), 400, 'bad_param');
  assertError(assert, await admin.get(q('/api/v1/reports/ageing', { as_of: '2026-02-30' })), 400, 'bad_param');
  assertError(assert, await admin.get(q('/api/v1/reports/arrears', { as_of: '昨天' })), 400, 'bad_param');
  assertError(assert, await admin.get(q('/api/v1/reports/sales', { from: '2026-13-01' })), 400, 'bad_param');
  assertError(assert, await admin.get(q('/api/v1/reports/sales', { format: 'pdf' })), 400, 'bad_param');
  assertError(assert, await admin.get(q('/api/v1/reports/order_accounts', { owner_id: 'abc' })), 400, 'bad_param');
  // exporting needs the export right on orders
  const noExport = created(await admin.post('/api/v1/profiles', { name: '不可导出', permissions: { sales_orders: { view: true } } }));
  const role = created(await admin.post('/api/v1/roles', { name: '只读岗', profile_ids: [noExport.id] }));
  created(await admin.post('/api/v1/users', { username: 'sun', name: '孙读', password: 'Sun#2026pwd', role_id: role.id }));
  const sun = await srv.client('sun', 'Sun#2026pwd');
  ok(await sun.get('/api/v1/reports/ageing'));
  assertError(assert, await sun.get(q('/api/v1/reports/ageing', { format: 'xlsx' })), 403, 'forbidden');
});
