// labs_commerce.test.mjs - the commerce labs of issue 12 as experiments
// (experiments/allpass-01, -07, -08, -09 and bx-04, -05, -08, -09):
// a class with a company per student; 赵一鸣 does ALLPASS 实验一, 七, 八, 九
// and 钱晓雯 博星 实验四, 五, 八, 九 through the public API exactly as the
// instructions say, and every step of every lab ticks from their own
// records; 孙浩 skips a step of each lab (or does it out of order) and is
// told why in the step's own words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, filterParam, created, ok } from './harness.mjs';
import { classroom, progress, notDone, stepOf, STUDENT_PASSWORD } from './classroom.mjs';

const srv = new Server();
const labs = {}; // code -> assignment
let A, B, C; // ALLPASS, 博星 and the student who skips
const act = async (who, entity, id, name, body = {}) => ok(await who.post(`/api/v1/${entity}/${id}/actions/${name}`, body));
const get = async (who, entity, id) => ok(await who.get(`/api/v1/${entity}/${id}`));
const allDone = async (who, code) => {
  const p = await progress(who, labs[code]);
  assert.deepEqual(notDone(p), [], code);
  assert.equal(p.done, p.total);
  for (const s of p.steps) assert.match(s.done_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  return p;
};
const why = async (who, code, key) => stepOf(await progress(who, labs[code]), key).why;
const cents = x => Math.round(x * 100);

before(async () => {
  await srv.start();
  const room = await classroom(srv, { roster: [['2024050101', '赵一鸣', '一组'], ['2024050102', '钱晓雯', '一组'], ['2024050103', '孙浩', '二组']] });
  ({ '2024050101': A, '2024050102': B, '2024050103': C } = room.students);
  for (const code of ['allpass-01', 'allpass-07', 'allpass-08', 'allpass-09', 'bx-04', 'bx-05', 'bx-08', 'bx-09'])
    labs[code] = await room.assign(code);
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('the eight labs are served with their scenario, objectives and steps', async () => {
  const list = (await A.get('/api/v1/my-assignments')).json;
  assert.equal(list.total, 8);
  for (const item of list.items) {
    const x = item.experiment;
    assert.ok(['ALLPASS', '博星卓越'].includes(x.series), x.code);
    assert.ok(item.steps.length >= 5 && item.steps.every(s => s.title && s.state === 'not_started'), x.code);
  }
});

// ---- ALLPASS: 赵一鸣 ----

const a = {}; // 赵一鸣's records, lab after lab

test('ALLPASS 实验一 产品档案: categories, goods, a service, a stopped model, a warehouse and opening stock', async () => {
  assert.equal(await why(A, 'allpass-01', 'categories'), '还没有下级产品分类：需要 2 个');
  const office = created(await A.post('/api/v1/product_categories', { name: '办公设备', code: 'BG' }));
  const copiers = created(await A.post('/api/v1/product_categories', { name: '复印机', code: 'BG-FYJ', parent_id: office.id }));
  const printers = created(await A.post('/api/v1/product_categories', { name: '打印机', code: 'BG-DYJ', parent_id: office.id }));
  const goods = (name, category, price, spec) => A.post('/api/v1/products',
    { name, spec, unit: '台', product_type: 'goods', category_id: category.id, price, tax_rate: 13 });
  a.mp = created(await goods('理光 MP 2555 数码复合机', copiers, 18600, 'A3 黑白 25 页/分'));
  a.hp = created(await goods('惠普 M437n 黑白激光打印机', printers, 4299, 'A3 黑白'));
  a.sp = created(await goods('理光 SP C261 彩色打印机', printers, 3580, 'A4 彩色'));
  assert.equal(await why(A, 'allpass-01', 'costs'), '还没有填写了成本价、税率为 13% 的商品：需要 3 个');
  for (const [p, cost] of [[a.mp, 14200], [a.hp, 3300], [a.sp, 2700]]) ok(await A.patch(`/api/v1/products/${p.id}`, { cost }));
  a.service = created(await A.post('/api/v1/products', { name: '上门安装调试', unit: '次', product_type: 'service', price: 300, tax_rate: 6 }));
  const old = created(await goods('理光 MP 2014 数码复合机', copiers, 9800));
  assert.equal(await why(A, 'allpass-01', 'stopped'), '还没有产品到达「停售」');
  ok(await A.patch(`/api/v1/products/${old.id}`, { status: 'stopped' }));
  a.wh = created(await A.post('/api/v1/warehouses', { name: '南京总仓', address: '南京市江宁区将军大道 88 号', is_default: true }));
  for (const [p, quantity] of [[a.mp, 30], [a.hp, 20]])
    created(await A.post('/api/v1/stock_moves', { kind: 'adjustment', product_id: p.id, warehouse_id: a.wh.id, quantity, note: '期初盘点' }));
  assert.equal(await why(A, 'allpass-01', 'stock'), '还差 1 个入库数量为正的盘点调整：目前有 2 个，需要 3 个');
  created(await A.post('/api/v1/stock_moves', { kind: 'adjustment', product_id: a.sp.id, warehouse_id: a.wh.id, quantity: 20, note: '期初盘点' }));
  await allDone(A, 'allpass-01');
});

test('ALLPASS 实验七 报价单: a quote with terms, submitted, revised to a lower price, accepted, kept as a template', async () => {
  a.aopai = created(await A.post('/api/v1/accounts', { name: '南京奥派机电设备有限公司', industry: 'manufacturing', city: '南京' }));
  const wang = created(await A.post('/api/v1/contacts', { name: '王海燕', account_id: a.aopai.id, title: '行政部经理' }));
  const q = created(await A.post('/api/v1/quotes', { subject: '奥派机电办公设备更换报价', account_id: a.aopai.id, contact_id: wang.id,
    valid_until: '2027-01-31', lines: [{ product_id: a.mp.id, quantity: 20, unit: '台', tax_rate: 13 },
      { product_id: a.service.id, quantity: 20, unit: '次', tax_rate: 6 }] }));
  const v1 = await get(A, 'quotes', q.id);
  assert.deepEqual([v1.lines[0].price, v1.total, v1.version_no], [18600, 426720, 1]); // 420,360.00 + 6,360.00
  let p = await progress(A, labs['allpass-07']);
  assert.equal(stepOf(p, 'quote').state, 'done');
  assert.equal(stepOf(p, 'terms').why, '还没有写明付款方式和交货方式的报价单');
  assert.equal(stepOf(p, 'submit').why, '还没有已提交给客户的报价单');
  ok(await A.patch(`/api/v1/quotes/${q.id}`, { payment_terms: '合同签订后预付 30%，验收后付清', delivery_terms: '送货上门，含安装' }));
  await act(A, 'quotes', q.id, 'submit');
  assert.equal(await why(A, 'allpass-07', 'revise'), '还没有修订出的新版本报价单');
  const v2id = (await act(A, 'quotes', q.id, 'new_version')).result.quote_id;
  const v2 = await get(A, 'quotes', v2id);
  ok(await A.patch(`/api/v1/quotes/${v2id}`, { lines: [{ id: v2.lines[0].id, price: 17800 }, { id: v2.lines[1].id }] }));
  await act(A, 'quotes', v2id, 'submit');
  assert.equal(await why(A, 'allpass-07', 'accepted'), '还没有客户已接受的修订版报价单');
  await act(A, 'quotes', v2id, 'accept');
  await act(A, 'quotes', v2id, 'save_template');
  assert.deepEqual([(await get(A, 'quotes', q.id)).status, (await get(A, 'quotes', v2id)).version_no], ['superseded', 2]);
  a.quote = v2id;
  await allDone(A, 'allpass-07');
});

test('ALLPASS 实验八 业务订单: the accepted quote becomes an order with dates and a plan, approved and shipped', async () => {
  assert.equal(await why(A, 'allpass-08', 'convert'), '还没有由报价单转成的业务订单');
  a.order = (await act(A, 'quotes', a.quote, 'convert')).result.sales_order_id;
  assert.equal(await why(A, 'allpass-08', 'dates'), '还没有填写了签订日期和交货日期的业务订单');
  ok(await A.patch(`/api/v1/sales_orders/${a.order}`, { order_date: '2026-12-04', delivery_date: '2026-12-18' }));
  const o = await get(A, 'sales_orders', a.order);
  assert.equal(o.total, 408640); // 402,280.00 + 6,360.00 at the revised price
  const first = cents(o.total) * 3 / 10 / 100;
  created(await A.post('/api/v1/instalments', { sales_order_id: a.order, due_date: '2026-12-11', amount: first }));
  assert.equal(await why(A, 'allpass-08', 'plan'), '还差 1 个回款计划的期次：目前有 1 个，需要 2 个');
  created(await A.post('/api/v1/instalments', { sales_order_id: a.order, due_date: '2027-01-18', amount: (cents(o.total) - cents(first)) / 100 }));
  assert.equal((await act(A, 'sales_orders', a.order, 'submit')).record.status, 'approved', 'no flow in this company: at once');
  assert.equal(await why(A, 'allpass-08', 'shipment'), '还没有发货单到达「已发货」');
  const shipment = (await act(A, 'sales_orders', a.order, 'make_shipment')).result.shipment_id;
  ok(await A.patch(`/api/v1/shipments/${shipment}`, { carrier: '顺丰速运', tracking_no: 'SF1402837465' }));
  await act(A, 'shipments', shipment, 'confirm', { warehouse_id: a.wh.id });
  assert.equal((await get(A, 'sales_orders', a.order)).status, 'shipped');
  await allDone(A, 'allpass-08');
});

test('ALLPASS 实验九 发票: a wrong invoice voided, a 专用发票 issued, the order paid by invoice', async () => {
  const wrong = (await act(A, 'sales_orders', a.order, 'invoice')).result.invoice_id;
  ok(await A.patch(`/api/v1/invoices/${wrong}`, { invoice_type: 'normal' }));
  await act(A, 'invoices', wrong, 'issue', { invoice_number: '32000001', invoice_date: '2026-12-05' });
  let p = await progress(A, labs['allpass-09']);
  assert.equal(stepOf(p, 'void').why, '还没有开错的发票到达「已作废」');
  assert.equal(stepOf(p, 'issue').why, '还没有填写了发票号码的增值税专用发票到达「已开」');
  await act(A, 'invoices', wrong, 'void');
  const right = (await act(A, 'sales_orders', a.order, 'invoice')).result.invoice_id;
  ok(await A.patch(`/api/v1/invoices/${right}`, { invoice_type: 'special' }));
  await act(A, 'invoices', right, 'issue', { invoice_number: '32000002', invoice_date: '2026-12-05' });
  const pay = amount => A.post('/api/v1/receipts', { account_id: a.aopai.id, sales_order_id: a.order, invoice_id: right, amount,
    received_on: '2026-12-08', method: 'transfer' });
  created(await pay(122592));
  assert.equal(await why(A, 'allpass-09', 'settled'), '还没有已开票并全部收款的业务订单');
  created(await pay(286048));
  const o = await get(A, 'sales_orders', a.order);
  assert.deepEqual([o.invoiced_total, o.received_total, o.outstanding], [408640, 408640, 0]);
  await allDone(A, 'allpass-09');
});

// ---- 博星卓越: 钱晓雯 ----

const b = {};

test('博星 实验四 产品管理: products and the four discount kinds, checked on quote lines', async () => {
  const computers = created(await B.post('/api/v1/product_categories', { name: '电脑', code: 'DN' }));
  const notebooks = created(await B.post('/api/v1/product_categories', { name: '笔记本', code: 'DN-BJB', parent_id: computers.id }));
  const desktops = created(await B.post('/api/v1/product_categories', { name: '台式机', code: 'DN-TSJ', parent_id: computers.id }));
  const product = (name, category, price) => B.post('/api/v1/products', { name, unit: '台', product_type: 'goods', category_id: category.id, price, tax_rate: 13 });
  b.x1 = created(await product('ThinkPad X1 Carbon 笔记本', notebooks, 12999));
  b.m450 = created(await product('联想启天 M450 台式机', desktops, 4599));
  b.monitor = created(await product('戴尔 U2723QE 显示器', computers, 3999));
  const rule = async body => created(await B.post('/api/v1/price_rules', body));
  await rule({ name: '笔记本满10台', kind: 'volume', category_id: notebooks.id, min_quantity: 10, discount: 3 });
  let p = await progress(B, labs['bx-04']);
  assert.deepEqual(p.steps.slice(0, 3).map(s => s.state), ['done', 'done', 'not_started']);
  assert.equal(stepOf(p, 'customer').why, '还没有启用的客户折扣');
  await rule({ name: 'A类客户', kind: 'customer', grade: 'A', discount: 5 });
  const jinqiao = created(await B.post('/api/v1/accounts', { name: '北京金桥信息技术有限公司', grade: 'A', industry: 'it', city: '北京' }));
  const huake = created(await B.post('/api/v1/accounts', { name: '天津华科电脑销售有限公司', type: 'channel', grade: 'A', city: '天津' }));
  await rule({ name: '代理商统一折扣', kind: 'agent', discount: 12 });
  const root = (await B.get('/api/v1/roles')).json.items[0];
  const standard = (await B.get(`/api/v1/profiles?filter=${filterParam({ field: 'name', op: 'eq', value: '标准用户' })}`)).json.items[0];
  b.manager = created(await B.post('/api/v1/roles', { name: '销售经理', parent_id: root.id, profile_ids: [standard.id] }));
  b.rep = created(await B.post('/api/v1/roles', { name: '销售代表', parent_id: b.manager.id, profile_ids: [standard.id] }));
  await rule({ name: '销售代表让价上限', kind: 'position', role_id: b.rep.id, discount: 2 });
  assert.equal(await why(B, 'bx-04', 'combined'), '还没有同时适用客户折扣和销量折扣的报价明细');
  const q = created(await B.post('/api/v1/quotes', { subject: '金桥信息笔记本报价', account_id: jinqiao.id,
    lines: [{ product_id: b.x1.id, quantity: 10, tax_rate: 13 }] }));
  const line = (await get(B, 'quotes', q.id)).lines[0];
  assert.deepEqual([line.price, line.discount, line.price_rule], [11978.58, 7.85, '客户折扣「A类客户」5% + 销量折扣「笔记本满10台」3%']);
  created(await B.post('/api/v1/quotes', { subject: '华科电脑台式机报价', account_id: huake.id, lines: [{ product_id: b.m450.id, quantity: 5, tax_rate: 13 }] }));
  await allDone(B, 'bx-04');
});

test('博星 实验五 业务审批: a flow; 李娜 submits, withdraws, is rejected with a comment, and 张伟 approves', async () => {
  created(await B.post('/api/v1/users', { username: 'zhangwei_0102', name: '张伟', password: STUDENT_PASSWORD, role_id: b.manager.id }));
  assert.equal(await why(B, 'bx-05', 'users'), '还差 1 个指定了角色的普通用户：目前有 1 个，需要 2 个');
  created(await B.post('/api/v1/users', { username: 'lina_0102', name: '李娜', password: STUDENT_PASSWORD, role_id: b.rep.id }));
  assert.equal(await why(B, 'bx-05', 'flow'), '还没有启用的业务订单审批流程');
  created(await B.post('/api/v1/approval_flows', { name: '大额订单审批', entity: 'sales_orders', active: true,
    condition: { field: 'total', op: 'gt', value: 50000 }, steps: [{ kind: 'superior' }] }));
  b.lina = await srv.client('lina_0102', STUDENT_PASSWORD);
  b.zhang = await srv.client('zhangwei_0102', STUDENT_PASSWORD);
  b.huaxin = created(await b.lina.post('/api/v1/accounts', { name: '北京华信证券有限公司', grade: 'A', industry: 'finance', city: '北京' }));
  const o = created(await b.lina.post('/api/v1/sales_orders', { subject: '华信证券营业部笔记本采购', account_id: b.huaxin.id,
    order_date: '2026-12-04', lines: [{ product_id: b.x1.id, quantity: 6, tax_rate: 13 }] }));
  assert.equal((await act(b.lina, 'sales_orders', o.id, 'submit')).record.status, 'pending');
  assertError(assert, await b.lina.patch(`/api/v1/sales_orders/${o.id}`, { subject: '改主题' }), 422);
  assert.equal(await why(B, 'bx-05', 'withdraw'), '还没有审批申请到达「已撤回」');
  await act(b.lina, 'sales_orders', o.id, 'withdraw');
  const lines = (await get(b.lina, 'sales_orders', o.id)).lines;
  ok(await b.lina.patch(`/api/v1/sales_orders/${o.id}`, { lines: [{ id: lines[0].id, quantity: 5 }] }));
  await act(b.lina, 'sales_orders', o.id, 'submit');
  assertError(assert, await b.zhang.post(`/api/v1/sales_orders/${o.id}/actions/send_back`, {}), 422);
  await act(b.zhang, 'sales_orders', o.id, 'send_back', { comment: '折扣太大，请按标准价的 95% 报价' });
  let p = await progress(B, labs['bx-05']);
  assert.equal(stepOf(p, 'reject').state, 'done');
  assert.equal(stepOf(p, 'approve').why, '还没有审批申请到达「已通过」');
  await act(b.lina, 'sales_orders', o.id, 'submit');
  assertError(assert, await b.lina.post(`/api/v1/sales_orders/${o.id}/actions/approve`, {}), 403);
  await act(b.zhang, 'sales_orders', o.id, 'approve', { comment: '同意' });
  assert.equal((await get(B, 'sales_orders', o.id)).status, 'approved');
  await allDone(B, 'bx-05');
});

test('博星 实验八 订单管理: an order with a collection plan and an order plan, approved, executed, shipped, paid by instalment, completed', async () => {
  b.wh = created(await B.post('/api/v1/warehouses', { name: '北京总仓', is_default: true }));
  for (const p of [b.m450, b.monitor])
    created(await B.post('/api/v1/stock_moves', { kind: 'adjustment', product_id: p.id, warehouse_id: b.wh.id, quantity: 50 }));
  const o = created(await b.lina.post('/api/v1/sales_orders', { subject: '华信证券营业部办公电脑', account_id: b.huaxin.id,
    order_date: '2026-12-04', delivery_date: '2026-12-18', lines: [{ product_id: b.m450.id, quantity: 20, tax_rate: 13 },
      { product_id: b.monitor.id, quantity: 20, tax_rate: 13 }] }));
  b.order = o.id;
  const total = cents((await get(B, 'sales_orders', o.id)).total);
  const parts = [Math.round(total * 0.3), Math.round(total * 0.4)];
  parts.push(total - parts[0] - parts[1]);
  const dues = ['2026-12-11', '2026-12-21', '2027-01-18'];
  b.instalments = [];
  for (let i = 0; i < 3; i++)
    b.instalments.push(created(await b.lina.post('/api/v1/instalments', { sales_order_id: o.id, due_date: dues[i], amount: parts[i] / 100 })));
  assert.equal(await why(B, 'bx-08', 'tasks'), '还没有订单执行计划事项：需要 2 个');
  ok(await b.lina.patch(`/api/v1/sales_orders/${o.id}`, { plan: [
    { kind: 'ship', due_date: '2026-12-18', assignee_id: b.lina.user.id, note: '送货到营业部' },
    { kind: 'dunning', due_date: '2026-12-11', assignee_id: b.lina.user.id, note: '第1期' }] }));
  assert.equal((await act(b.lina, 'sales_orders', o.id, 'submit')).record.status, 'pending', '大额订单审批 applies');
  assert.equal(await why(B, 'bx-08', 'execute'), '还没有开始执行的业务订单');
  await act(b.zhang, 'sales_orders', o.id, 'approve');
  await act(b.lina, 'sales_orders', o.id, 'execute');
  const shipment = (await act(B, 'sales_orders', o.id, 'make_shipment')).result.shipment_id;
  await act(B, 'shipments', shipment, 'confirm', { warehouse_id: b.wh.id });
  created(await B.post('/api/v1/receipts', { account_id: b.huaxin.id, sales_order_id: o.id, instalment_id: b.instalments[0].id,
    amount: parts[0] / 100, received_on: '2026-12-10', method: 'transfer' }));
  assert.equal(await why(B, 'bx-08', 'complete'), '还没有业务订单到达「已完成」');
  await act(b.lina, 'sales_orders', o.id, 'complete');
  await allDone(B, 'bx-08');
});

test('博星 实验九 财务处理: a receipt reversed and entered again, paid by invoice, a return refunded, a 延期交货 allowance', async () => {
  const inv = (await act(B, 'sales_orders', b.order, 'invoice')).result.invoice_id;
  await act(B, 'invoices', inv, 'issue', { invoice_number: '11000123', invoice_date: '2026-12-12' });
  const receipt = body => B.post('/api/v1/receipts', { account_id: b.huaxin.id, sales_order_id: b.order, received_on: '2026-12-15', method: 'transfer', ...body });
  let o;
  const second = cents(b.instalments[1].amount);
  const typo = created(await receipt({ amount: (second + 9000) / 100 })); // 90 元 too much: typed wrong
  assert.equal(await why(B, 'bx-09', 'reverse'), '还没有冲销错误收款的收款单');
  await act(B, 'receipts', typo.id, 'reverse');
  created(await receipt({ amount: second / 100 }));
  assert.equal(await why(B, 'bx-09', 'invoice_receipt'), '还没有按发票登记的收款单');
  o = await get(B, 'sales_orders', b.order);
  created(await receipt({ invoice_id: inv, amount: o.outstanding }));
  assert.equal((await get(B, 'sales_orders', b.order)).outstanding, 0);
  const ret = (await act(B, 'sales_orders', b.order, 'make_return')).result.sales_return_id;
  const monitorLine = (await get(B, 'sales_returns', ret)).lines.find(l => l.product_id === b.monitor.id);
  ok(await B.patch(`/api/v1/sales_returns/${ret}`, { reason: '屏幕坏点', lines: [{ id: monitorLine.id, quantity: 2 }] }));
  assert.equal(await why(B, 'bx-09', 'refund'), '还没有退给客户的退款');
  const done = await act(B, 'sales_returns', ret, 'confirm', { warehouse_id: b.wh.id });
  const refund = await get(B, 'receipts', done.result.refund_receipt_id);
  assert.equal(refund.amount, -(await get(B, 'sales_returns', ret)).total, 'a customer who paid in full gets the return back');
  const allowance = created(await B.post('/api/v1/sales_allowances', { sales_order_id: b.order, reason: 'delay', amount: 500, description: '晚交货一周' }));
  assert.equal(await why(B, 'bx-09', 'allowance'), '还没有延期交货的销售折让单到达「已折让」');
  await act(B, 'sales_allowances', allowance.id, 'confirm');
  o = await get(B, 'sales_orders', b.order);
  assert.equal(o.outstanding, 0);
  await allDone(B, 'bx-09');
});

// ---- 孙浩 skips a step of each lab ----

test('a student who skips steps does not pass them, and each step says why in its own words', async () => {
  // 实验一: only a top-level category, no service, a warehouse that is not the default one
  const office = created(await C.post('/api/v1/product_categories', { name: '办公设备' }));
  const products = [];
  for (const [name, price] of [['理光 MP 2555 数码复合机', 18600], ['惠普 M437n 黑白激光打印机', 4299], ['理光 SP C261 彩色打印机', 3580]])
    products.push(created(await C.post('/api/v1/products', { name, unit: '台', product_type: 'goods', category_id: office.id, price, tax_rate: 13 })));
  const wh = created(await C.post('/api/v1/warehouses', { name: '南京总仓' }));
  for (const p of products) created(await C.post('/api/v1/stock_moves', { kind: 'adjustment', product_id: p.id, warehouse_id: wh.id, quantity: 10 }));
  let p = await progress(C, labs['allpass-01']);
  assert.deepEqual(notDone(p), [
    ['categories', '还没有下级产品分类：需要 2 个'],
    ['costs', '还没有填写了成本价、税率为 13% 的商品：需要 3 个'],
    ['service', '还没有服务类产品'],
    ['stopped', '还没有产品到达「停售」'],
    ['warehouse', '还没有默认发货仓库'],
    ['stock', '须先完成「建立仓库」，再做这一步']]);
  assert.equal(stepOf(p, 'products').state, 'done');

  // 实验七: submitted and accepted without the revision the customer asked for
  const customer = created(await C.post('/api/v1/accounts', { name: '南京奥派机电设备有限公司' }));
  const q = created(await C.post('/api/v1/quotes', { subject: '奥派机电报价', account_id: customer.id, valid_until: '2027-01-31',
    lines: [{ product_id: products[0].id, quantity: 20, tax_rate: 13 }] }));
  await act(C, 'quotes', q.id, 'submit');
  await act(C, 'quotes', q.id, 'accept');
  p = await progress(C, labs['allpass-07']);
  assert.deepEqual(notDone(p), [
    ['terms', '还没有写明付款方式和交货方式的报价单'],
    ['revise', '还没有修订出的新版本报价单'],
    ['accepted', '还没有客户已接受的修订版报价单'],
    ['template', '还没有报价模板']]);

  // 实验八: converted and approved, but without dates, plan or shipment
  const order = (await act(C, 'quotes', q.id, 'convert')).result.sales_order_id;
  await act(C, 'sales_orders', order, 'submit');
  p = await progress(C, labs['allpass-08']);
  assert.deepEqual(notDone(p), [
    ['dates', '还没有填写了签订日期和交货日期的业务订单'],
    ['plan', '还没有回款计划的期次：需要 2 个'],
    ['shipment', '还没有发货单到达「已发货」'],
    ['shipped', '还没有全部发货的业务订单']]);

  // 实验九: a 普通发票 issued and kept, a receipt to the order without naming the invoice
  const inv = (await act(C, 'sales_orders', order, 'invoice')).result.invoice_id;
  ok(await C.patch(`/api/v1/invoices/${inv}`, { invoice_type: 'normal' }));
  await act(C, 'invoices', inv, 'issue', { invoice_number: '32009999', invoice_date: '2026-12-05' });
  created(await C.post('/api/v1/receipts', { account_id: customer.id, sales_order_id: order, amount: 1000 }));
  p = await progress(C, labs['allpass-09']);
  assert.deepEqual(notDone(p), [
    ['void', '还没有开错的发票到达「已作废」'],
    ['issue', '还没有填写了发票号码的增值税专用发票到达「已开」'],
    ['receipt', '还没有按发票登记的收款单'],
    ['settled', '还没有已开票并全部收款的业务订单']]);

  // 博星 实验九 on the same order: a receipt but no reversal, no return, no refund, no allowance
  p = await progress(C, labs['bx-09']);
  assert.deepEqual(notDone(p), [
    ['reverse', '还没有冲销错误收款的收款单'],
    ['invoice_receipt', '还没有按发票登记的收款单'],
    ['return', '还没有销售退货单到达「已退货」'],
    ['refund', '还没有退给客户的退款'],
    ['allowance', '还没有延期交货的销售折让单到达「已折让」']]);

  // 博星 实验八: the order has no plan of either kind and was never executed
  p = await progress(C, labs['bx-08']);
  assert.deepEqual(notDone(p), [
    ['order', '还没有填写了签订日期、交货日期和订单明细的业务订单'],
    ['plan', '还没有回款期次：需要 3 个'],
    ['tasks', '还没有订单执行计划事项：需要 2 个'],
    ['execute', '还没有开始执行的业务订单'],
    ['ship', '还没有发货单到达「已发货」'],
    ['collect', '还没有按回款期次登记的收款单'],
    ['complete', '还没有业务订单到达「已完成」']]);

  // 博星 实验四: a 销量折扣 only; a quote line of 10 gets it alone
  created(await C.post('/api/v1/price_rules', { name: '满10台', kind: 'volume', product_id: products[0].id, min_quantity: 10, discount: 3 }));
  p = await progress(C, labs['bx-04']);
  assert.deepEqual(notDone(p), [
    ['customer', '还没有启用的客户折扣'],
    ['agent_account', '还没有代理商（渠道）类型的客户'],
    ['agent', '还没有启用的代理折扣'],
    ['position', '还没有指定了角色的职位折扣'],
    ['combined', '还没有同时适用客户折扣和销量折扣的报价明细'],
    ['agent_price', '还没有按代理折扣定价的报价明细']]);

  // 博星 实验五: a flow, and an order approved at the first go: nothing withdrawn or rejected
  const root = (await C.get('/api/v1/roles')).json.items[0];
  const standard = (await C.get(`/api/v1/profiles?filter=${filterParam({ field: 'name', op: 'eq', value: '标准用户' })}`)).json.items[0];
  const mgr = created(await C.post('/api/v1/roles', { name: '销售经理', parent_id: root.id, profile_ids: [standard.id] }));
  const rep = created(await C.post('/api/v1/roles', { name: '销售代表', parent_id: mgr.id, profile_ids: [standard.id] }));
  created(await C.post('/api/v1/users', { username: 'zhangwei_0103', name: '张伟', password: STUDENT_PASSWORD, role_id: mgr.id }));
  created(await C.post('/api/v1/users', { username: 'lina_0103', name: '李娜', password: STUDENT_PASSWORD, role_id: rep.id }));
  created(await C.post('/api/v1/approval_flows', { name: '订单审批', entity: 'sales_orders', active: true, steps: [{ kind: 'superior' }] }));
  const lina = await srv.client('lina_0103', STUDENT_PASSWORD), zhang = await srv.client('zhangwei_0103', STUDENT_PASSWORD);
  const hers = created(await lina.post('/api/v1/accounts', { name: '北京华信证券有限公司' }));
  const o = created(await lina.post('/api/v1/sales_orders', { subject: '笔记本', account_id: hers.id, lines: [{ product_id: products[1].id, quantity: 1 }] }));
  await act(lina, 'sales_orders', o.id, 'submit');
  await act(zhang, 'sales_orders', o.id, 'approve');
  p = await progress(C, labs['bx-05']);
  assert.deepEqual(notDone(p), [
    ['withdraw', '还没有审批申请到达「已撤回」'],
    ['reject', '还没有写明驳回意见的审批申请到达「已驳回」'],
    ['approve', '须先完成「驳回」，再做这一步']]);
});

test('the teacher\'s matrix agrees with each student', async () => {
  const teacher = await srv.client('lab_t', STUDENT_PASSWORD);
  for (const [code, done] of [['allpass-07', [6, 0, 2]], ['bx-05', [0, 6, 3]]]) {
    const m = ok(await teacher.get(`/api/v1/assignments/${labs[code].id}/progress`));
    const by = Object.fromEntries(m.students.map(s => [s.student_no, s.done]));
    assert.deepEqual(['2024050101', '2024050102', '2024050103'].map(no => by[no]), done, code);
  }
});
