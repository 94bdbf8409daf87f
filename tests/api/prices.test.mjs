// prices.test.mjs - the four discount kinds (博星 实验四, issue 12 item 2):
// 销量折扣 per product or category, 客户折扣 per customer or grade, 代理折扣
// for 代理商, 职位折扣 as the limit of a hand-made price; how they combine;
// the price a line gets when it is saved and the same from /api/v1/prices;
// a line beyond the 职位折扣 waits for approval.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
let admin, rep, laptop, mouse, printer, acc = {}, repRole, cat;

const rule = async body => created(await admin.post('/api/v1/price_rules', body));
const price = async (who, product, account, quantity) =>
  ok(await who.get(`/api/v1/prices?product_id=${product.id}${account ? `&account_id=${account.id}` : ''}${quantity ? `&quantity=${quantity}` : ''}`));

before(async () => {
  await srv.start();
  admin = await srv.client();
  const ALL = { view: true, create: true, edit: true, delete: true };
  const sales = created(await admin.post('/api/v1/profiles', { name: '销售业务', permissions: { accounts: ALL, quotes: ALL, sales_orders: ALL, products: { view: true } } }));
  const mgrRole = created(await admin.post('/api/v1/roles', { name: '销售经理', profile_ids: [sales.id] }));
  repRole = created(await admin.post('/api/v1/roles', { name: '销售代表', parent_id: mgrRole.id, profile_ids: [sales.id] }));
  created(await admin.post('/api/v1/users', { username: 'rep', name: '李娜', password: PW, role_id: repRole.id }));
  created(await admin.post('/api/v1/users', { username: 'mgr', name: '张伟', password: PW, role_id: mgrRole.id }));
  rep = await srv.client('rep', PW);
  ok(await admin.req('PUT', '/api/v1/sharing', { body: { accounts: 'public_read' } }));

  // 电脑 > 笔记本: a rule for 电脑 covers the laptop filed one level below
  const computers = created(await admin.post('/api/v1/product_categories', { name: '电脑' }));
  const notebooks = created(await admin.post('/api/v1/product_categories', { name: '笔记本', parent_id: computers.id }));
  const peripherals = created(await admin.post('/api/v1/product_categories', { name: '外设' }));
  cat = { computers, notebooks, peripherals };
  laptop = created(await admin.post('/api/v1/products', { name: '商务笔记本', category_id: notebooks.id, unit: '台', price: 5000, tax_rate: 13 }));
  mouse = created(await admin.post('/api/v1/products', { name: '无线鼠标', category_id: peripherals.id, unit: '个', price: 33.33, tax_rate: 13 }));
  printer = created(await admin.post('/api/v1/products', { name: '激光打印机', category_id: peripherals.id, unit: '台', price: 2000, tax_rate: 13 }));
  acc.plain = created(await admin.post('/api/v1/accounts', { name: '丁方普通客户' }));
  acc.gradeA = created(await admin.post('/api/v1/accounts', { name: '甲方重点客户', grade: 'A' }));
  acc.own = created(await admin.post('/api/v1/accounts', { name: '乙方协议客户', grade: 'A' }));
  acc.agent = created(await admin.post('/api/v1/accounts', { name: '丙方代理商', type: 'channel', grade: 'A' }));

  await rule({ name: '笔记本满10台', kind: 'volume', product_id: laptop.id, min_quantity: 10, discount: 3 });
  await rule({ name: '电脑类满50台', kind: 'volume', category_id: cat.computers.id, min_quantity: 50, discount: 5 });
  await rule({ name: 'A类客户', kind: 'customer', grade: 'A', discount: 5 });
  await rule({ name: '乙方协议价', kind: 'customer', account_id: acc.own.id, discount: 2 });
  await rule({ name: '渠道统一折扣', kind: 'agent', discount: 15 });
  await rule({ name: '外设代理加价', kind: 'agent', category_id: cat.peripherals.id, discount: 20 });
  await rule({ name: '停用的规则', kind: 'customer', grade: 'A', discount: 50, active: false });
  await rule({ name: '销售代表权限', kind: 'position', role_id: repRole.id, discount: 10 });
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('no rule applies: the list price', async () => {
  const p = await price(admin, laptop, acc.plain);
  assert.deepEqual([p.list_price, p.discount, p.price, p.rule], [5000, 0, 5000, null]);
});

test('销量折扣: a quantity break per product, a deeper one per category (and the categories below it)', async () => {
  assert.equal((await price(admin, laptop, acc.plain, 9.99)).price, 5000);
  let p = await price(admin, laptop, acc.plain, 10);
  assert.deepEqual([p.discount, p.price, p.rule], [3, 4850, '销量折扣「笔记本满10台」3%']);
  p = await price(admin, laptop, acc.plain, 50);
  assert.deepEqual([p.discount, p.price, p.rule], [5, 4750, '销量折扣「电脑类满50台」5%']);
  assert.equal((await price(admin, printer, acc.plain, 100)).price, 2000); // no break for 外设
});

test('客户折扣: the customer\'s own rule before its grade\'s; an inactive rule is ignored; rounding half up to the 分', async () => {
  let p = await price(admin, laptop, acc.gradeA);
  assert.deepEqual([p.discount, p.price, p.rule], [5, 4750, '客户折扣「A类客户」5%']);
  p = await price(admin, laptop, acc.own);
  assert.deepEqual([p.discount, p.price, p.rule], [2, 4900, '客户折扣「乙方协议价」2%']);
  p = await price(admin, mouse, acc.gradeA); // 33.33 × 95 % = 31.6635
  assert.equal(p.price, 31.66);
});

test('代理折扣: a 代理商 gets its agent discount instead of the customer discount, the deepest that fits the product', async () => {
  let p = await price(admin, laptop, acc.agent);
  assert.deepEqual([p.discount, p.price, p.rule], [15, 4250, '代理折扣「渠道统一折扣」15%']);
  p = await price(admin, printer, acc.agent);
  assert.deepEqual([p.discount, p.price, p.rule], [20, 1600, '代理折扣「外设代理加价」20%']);
});

test('combined: the customer or agent discount, then the volume break on top', async () => {
  let p = await price(admin, laptop, acc.gradeA, 10); // 5000 × 95 % × 97 %
  assert.deepEqual([p.discount, p.price, p.rule], [7.85, 4607.5, '客户折扣「A类客户」5% + 销量折扣「笔记本满10台」3%']);
  p = await price(admin, laptop, acc.agent, 50); // 5000 × 85 % × 95 %
  assert.deepEqual([p.discount, p.price, p.rule], [19.25, 4037.5, '代理折扣「渠道统一折扣」15% + 销量折扣「电脑类满50台」5%']);
});

test('a line saved without a price takes the rule price, with the rule shown on the line; the endpoint gives the same', async () => {
  const q = created(await admin.post('/api/v1/quotes', { subject: '笔记本报价', account_id: acc.gradeA.id, lines: [
    { product_id: laptop.id, quantity: 10, tax_rate: 13 },
    { product_id: mouse.id, quantity: 3, list_price: 33.33, price: 33.33, tax_rate: 13 },
    { description: '上门安装', quantity: 1, price: 300, tax_rate: 6 }] }));
  const [l1, l2, l3] = q.lines;
  assert.deepEqual([l1.list_price, l1.discount, l1.price, l1.rule_price, l1.price_rule, l1.amount],
    [5000, 7.85, 4607.5, 4607.5, '客户折扣「A类客户」5% + 销量折扣「笔记本满10台」3%', 46075]);
  // a price given is kept; the rule price stays beside it
  assert.deepEqual([l2.price, l2.rule_price, l2.price_rule], [33.33, 31.66, '客户折扣「A类客户」5%']);
  assert.deepEqual([l3.rule_price, l3.price_rule, l3.over_position_discount], [null, null, false]);
  const p = await price(admin, laptop, acc.gradeA, 10);
  assert.deepEqual([p.price, p.discount, p.rule], [l1.price, l1.discount, l1.price_rule]);
  // the quantity changes: priced again
  const u = ok(await admin.patch(`/api/v1/quotes/${q.id}`, { lines: [{ id: l1.id, quantity: 1, price: null }, { id: l2.id }, { id: l3.id }] }));
  assert.deepEqual([u.lines[0].price, u.lines[0].price_rule], [4750, '客户折扣「A类客户」5%']);
});

test('职位折扣: a price below the rule price by more than the role may grant is flagged, and waits for approval', async () => {
  created(await admin.post('/api/v1/approval_flows', { name: '超职位折扣审批', entity: 'sales_orders',
    condition: { field: 'lines_over_discount', op: 'gt', value: 0 }, steps: [{ kind: 'superior' }] }));
  const order = async p => created(await rep.post('/api/v1/sales_orders', { subject: `职位折扣 ${p}`, account_id: acc.gradeA.id,
    lines: [{ product_id: laptop.id, quantity: 1, price: p, tax_rate: 13 }] }));
  // rule price 4750; the 销售代表 may go 10 % below it: 4275
  const within = await order(4275);
  assert.deepEqual([within.lines[0].over_position_discount, within.lines_over_discount], [false, 0]);
  assert.equal(ok(await rep.post(`/api/v1/sales_orders/${within.id}/actions/submit`, {})).record.status, 'approved');
  const beyond = await order(4274.99);
  assert.deepEqual([beyond.lines[0].over_position_discount, beyond.lines_over_discount], [true, 1]);
  assert.equal(ok(await rep.post(`/api/v1/sales_orders/${beyond.id}/actions/submit`, {})).record.status, 'pending');
  const mgr = await srv.client('mgr', PW);
  assert.equal(ok(await mgr.get('/api/v1/approvals/inbox')).items[0].record_id, beyond.id);
  assert.equal((await price(rep, laptop, acc.gradeA)).position_discount, 10);
  // a role without a 职位折扣 rule grants nothing by hand
  const own = created(await admin.post('/api/v1/quotes', { subject: '管理员报价', account_id: acc.gradeA.id,
    lines: [{ product_id: laptop.id, quantity: 1, price: 4749.99, tax_rate: 13 }] }));
  assert.equal(own.lines[0].over_position_discount, true);
});

test('rules: a discount within 0-100 %, a volume break names a product or category, a customer rule a customer or grade; administrators only', async () => {
  let r = await admin.post('/api/v1/price_rules', { name: '太多', kind: 'customer', grade: 'B', discount: 101 });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.discount, 'out_of_range');
  r = await admin.post('/api/v1/price_rules', { name: '无对象', kind: 'volume', min_quantity: 5, discount: 5 });
  assert.equal(r.json.error.fields.product_id, 'required');
  r = await admin.post('/api/v1/price_rules', { name: '无客户', kind: 'customer', discount: 5 });
  assert.equal(r.json.error.fields.account_id, 'required');
  r = await admin.post('/api/v1/price_rules', { name: '无数量', kind: 'volume', product_id: laptop.id, discount: 5 });
  assert.equal(r.json.error.fields.min_quantity, 'required');
  assertError(assert, await rep.post('/api/v1/price_rules', { name: '自己定', kind: 'position', role_id: repRole.id, discount: 90 }), 403, 'forbidden');
  assertError(assert, await admin.get(`/api/v1/prices?account_id=${acc.plain.id}`), 422, 'validation_failed');
  assertError(assert, await admin.get(`/api/v1/prices?product_id=${laptop.id}&quantity=0`), 422, 'validation_failed');
  assertError(assert, await admin.get(`/api/v1/prices?product_id=${laptop.id}&quantity=abc`), 422, 'validation_failed');
  assert.equal((await admin.get('/api/v1/prices?product_id=999999')).status, 404);
});
