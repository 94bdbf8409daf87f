// expenses.test.mjs - 费用管理 and 成本分析 (issue 12 item 10, SPEC §6):
// expenses charged to an opportunity, a campaign, a ticket or an order, in
// exact 分; an approval flow for large ones (the superior approves, never
// the submitter); only approved expenses count: a campaign's 实际费用 and
// the cost analysis, whose figures are checked against hand-computed ones
// (revenue less product cost less expenses, to the 分), as JSON and Excel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
let admin, rep, mgr, x = {};
const expense = async (who, body) => created(await who.post('/api/v1/expenses', { incurred_on: '2026-11-10', ...body }));
const act = (who, id, name, body = {}) => who.post(`/api/v1/expenses/${id}/actions/${name}`, body);
const approved = async (who, body) => {
  const e = await expense(who, body);
  assert.equal(ok(await act(who, e.id, 'submit')).record.status, 'approved');
  return e;
};
const report = async (by, q = '') => ok(await admin.get(`/api/v1/reports/cost?by=${by}&from=2026-11-01&to=2026-11-30${q}`));
const row = (r, label) => r.items.find(i => i.label === label);

before(async () => {
  await srv.start();
  admin = await srv.client();
  const ALL = { view: true, create: true, edit: true, delete: true };
  const sales = created(await admin.post('/api/v1/profiles', { name: '销售业务', permissions: { accounts: ALL, expenses: ALL, campaigns: { view: true } } }));
  const mgrRole = created(await admin.post('/api/v1/roles', { name: '销售经理', profile_ids: [sales.id] }));
  const repRole = created(await admin.post('/api/v1/roles', { name: '销售代表', parent_id: mgrRole.id, profile_ids: [sales.id] }));
  created(await admin.post('/api/v1/users', { username: 'rep', name: '李娜', password: PW, role_id: repRole.id }));
  created(await admin.post('/api/v1/users', { username: 'mgr', name: '张伟', password: PW, role_id: mgrRole.id }));
  [rep, mgr] = [await srv.client('rep', PW), await srv.client('mgr', PW)];
  ok(await admin.req('PUT', '/api/v1/sharing', { body: { campaigns: 'public_read', opportunities: 'public_read', accounts: 'public_read', sales_orders: 'public_read' } }));
  created(await admin.post('/api/v1/approval_flows', { name: '大额费用审批', entity: 'expenses',
    condition: { field: 'amount', op: 'gt', value: 5000 }, steps: [{ kind: 'superior' }] }));

  x.hx = created(await admin.post('/api/v1/accounts', { name: '恒信科技' }));
  x.xh = created(await admin.post('/api/v1/accounts', { name: '西湖数码' }));
  x.a = created(await admin.post('/api/v1/products', { name: '工控机', price: 100, cost: 60 }));
  x.b = created(await admin.post('/api/v1/products', { name: '数据线', price: 50, cost: 33.33 }));
  const order = async (account, lines, submit = true) => {
    const o = created(await admin.post('/api/v1/sales_orders', { subject: '订单', account_id: account.id, order_date: '2026-11-05',
      lines: lines.map(([p, quantity, price]) => ({ product_id: p.id, quantity, price, tax_rate: 13 })) }));
    if (submit) ok(await admin.post(`/api/v1/sales_orders/${o.id}/actions/submit`, {}));
    return o;
  };
  x.o1 = await order(x.hx, [[x.a, 10, 100], [x.b, 3, 50]]); // 不含税 1150.00; 成本 600 + 99.99
  await order(x.hx, [[x.a, 99, 100]], false);                 // a draft: not revenue
  x.o3 = await order(x.xh, [[x.a, 1.5, 100]]);                // 150.00; 成本 90.00
  x.opp = created(await admin.post('/api/v1/opportunities', { name: '恒信工控项目', account_id: x.hx.id, amount: 5000 }));
  ok(await admin.post(`/api/v1/opportunities/${x.opp.id}/actions/win`, {}));
  x.camp = created(await admin.post('/api/v1/campaigns', { name: '苏州工业展', type: 'exhibition' }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('an expense: exact amounts, a positive amount, the customer taken from what it is charged to', async () => {
  const e = await expense(rep, { subject: '拜访恒信差旅', expense_type: 'travel', amount: '1234.56', opportunity_id: x.opp.id });
  assert.deepEqual([e.amount, e.status, e.account_id], [1234.56, 'draft', x.hx.id]);
  assert.match(e.code, /^FY-\d{6}$/);
  for (const amount of [0, -5]) {
    const r = await rep.post('/api/v1/expenses', { subject: '坏金额', expense_type: 'other', amount, incurred_on: '2026-11-10' });
    assertError(assert, r, 422, 'validation_failed');
    assert.equal(r.json.error.fields.amount, 'not_positive');
  }
  assertError(assert, await rep.post('/api/v1/expenses', { subject: '三位小数', expense_type: 'other', amount: '1.005', incurred_on: '2026-11-10' }), 422, 'validation_failed');
  assertError(assert, await rep.post('/api/v1/expenses', { subject: '无类型', amount: 1, incurred_on: '2026-11-10' }), 422, 'validation_failed');
  // the state moves by the actions only
  assertError(assert, await rep.patch(`/api/v1/expenses/${e.id}`, { status: 'approved' }), 422, 'validation_failed');
  ok(await rep.del(`/api/v1/expenses/${e.id}`).then(r => ({ status: r.status === 204 ? 200 : r.status, text: r.text, json: {} })));
});

test('a large expense waits for the superior, locked meanwhile; the submitter cannot approve it; the campaign\'s 实际费用 counts it once approved', async () => {
  const small = await approved(rep, { subject: '展会易拉宝', expense_type: 'advertising', amount: 1000, campaign_id: x.camp.id });
  assert.equal(ok(await admin.get(`/api/v1/campaigns/${x.camp.id}`)).actual_cost, 1000);
  const big = await expense(rep, { subject: '展位费', expense_type: 'advertising', amount: 6000, campaign_id: x.camp.id });
  assert.equal(ok(await act(rep, big.id, 'submit', { comment: '展会主办方要求先付' })).record.status, 'pending');
  assertError(assert, await rep.patch(`/api/v1/expenses/${big.id}`, { amount: 6500 }), 422, 'locked');
  assertError(assert, await act(rep, big.id, 'approve'), 403);
  assert.equal(ok(await admin.get(`/api/v1/campaigns/${x.camp.id}`)).actual_cost, 1000, 'not before it is approved');
  const inbox = ok(await mgr.get('/api/v1/approvals/inbox'));
  assert.deepEqual(inbox.items.map(i => [i.entity, i.record_id]), [['expenses', big.id]]);
  assert.equal(ok(await act(mgr, big.id, 'approve')).record.status, 'approved');
  assert.equal(ok(await admin.get(`/api/v1/campaigns/${x.camp.id}`)).actual_cost, 7000);
  // an approved expense is locked; a rejected one goes back to 草稿 with the reason
  assertError(assert, await rep.patch(`/api/v1/expenses/${small.id}`, { amount: 1 }), 422, 'locked');
  const third = await expense(rep, { subject: '展会宴请', expense_type: 'entertainment', amount: 8000, campaign_id: x.camp.id });
  ok(await act(rep, third.id, 'submit'));
  assertError(assert, await act(mgr, third.id, 'send_back'), 422, 'validation_failed');
  assert.equal(ok(await act(mgr, third.id, 'send_back', { comment: '超标准，请按规定重报' })).record.status, 'draft');
  assert.equal(ok(await admin.get(`/api/v1/campaigns/${x.camp.id}`)).actual_cost, 7000);
  ok(await rep.del(`/api/v1/expenses/${third.id}`).then(r => ({ status: r.status === 204 ? 200 : r.status, text: r.text, json: {} })));
});

test('成本分析 against hand-computed figures: by type, opportunity, campaign, customer and salesperson', async () => {
  await approved(rep, { subject: '拜访恒信差旅', expense_type: 'travel', amount: 200, opportunity_id: x.opp.id });
  await approved(admin, { subject: '恒信验收宴请', expense_type: 'entertainment', amount: 88.88, sales_order_id: x.o1.id });
  await expense(rep, { subject: '未提交的差旅', expense_type: 'travel', amount: 50, opportunity_id: x.opp.id }); // a draft: not counted
  await approved(rep, { subject: '上月的差旅', expense_type: 'travel', amount: 999, opportunity_id: x.opp.id, incurred_on: '2026-10-31' }); // outside

  // by type: 差旅费 200, 业务招待费 88.88, 广告宣传费 1000 + 6000
  let r = await report('type');
  assert.deepEqual(r.columns.map(c => c.key), ['label', 'count', 'expenses']);
  assert.deepEqual(r.items.map(i => [i.label, i.count, i.expenses]), [['广告宣传费', 2, 7000], ['差旅费', 1, 200], ['业务招待费', 1, 88.88]]);
  assert.deepEqual([r.total.count, r.total.expenses], [4, 7288.88]);

  // by opportunity: won 5000 less 200; the rest charged to no opportunity
  r = await report('opportunity');
  assert.deepEqual(r.columns.map(c => c.key), ['label', 'won_amount', 'expenses', 'net']);
  assert.deepEqual(row(r, '恒信工控项目'), { id: x.opp.id, label: '恒信工控项目', won_amount: 5000, expenses: 200, net: 4800 });
  assert.deepEqual([row(r, '（未归属）').expenses, row(r, '（未归属）').net], [7088.88, -7088.88]);

  // by campaign
  r = await report('campaign');
  assert.deepEqual([row(r, '苏州工业展').expenses, row(r, '苏州工业展').won_amount, row(r, '苏州工业展').net], [7000, 0, -7000]);

  // by customer: 恒信 1150.00 − (600 + 3 × 33.33 = 699.99) − (200 + 88.88) = 161.13, 14.01 %
  r = await report('customer');
  assert.deepEqual(r.columns.map(c => c.key), ['label', 'revenue', 'product_cost', 'expenses', 'net', 'margin_rate']);
  assert.equal(r.columns.find(c => c.key === 'net').label, '毛利');
  assert.deepEqual(row(r, '恒信科技'), { id: x.hx.id, label: '恒信科技', revenue: 1150, product_cost: 699.99, expenses: 288.88, net: 161.13, margin_rate: 14.01 });
  // 西湖数码: 1.5 × 100 = 150.00 − 1.5 × 60 = 90.00, no expenses: 60.00, 40 %
  assert.deepEqual(row(r, '西湖数码'), { id: x.xh.id, label: '西湖数码', revenue: 150, product_cost: 90, expenses: 0, net: 60, margin_rate: 40 });
  // the campaign's expenses belong to no customer
  assert.deepEqual([row(r, '（未归属）').expenses, row(r, '（未归属）').revenue], [7000, 0]);
  // total: 1300 − 789.99 − 7288.88 = −6778.87, −521.45 %
  assert.deepEqual(r.total, { id: null, label: '合计', revenue: 1300, product_cost: 789.99, expenses: 7288.88, net: -6778.87, margin_rate: -521.45 });

  // by salesperson: the orders are the administrator's, the expenses split between him and 李娜
  r = await report('owner');
  assert.deepEqual([row(r, '李娜').expenses, row(r, '李娜').revenue], [7200, 0]);
  assert.equal(row(r, '系统管理员').revenue, 1300);

  // Excel, and bad parameters
  const xlsx = await admin.get('/api/v1/reports/cost?by=customer&format=xlsx');
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.headers.get('content-type'), /spreadsheetml/);
  assertError(assert, await admin.get('/api/v1/reports/cost?by=nope'), 400, 'bad_param');
  assertError(assert, await admin.get('/api/v1/reports/cost?from=2026-13-01'), 400, 'bad_param');
});

test('a salesperson\'s report holds what their lists show; without the right to see expenses it is refused', async () => {
  // 李娜 sees her own expenses: no orders of hers, so no revenue
  const r = ok(await rep.get('/api/v1/reports/cost?by=type&from=2026-11-01&to=2026-11-30'));
  assert.deepEqual(r.total.expenses, 7200);
  const noone = created(await admin.post('/api/v1/profiles', { name: '无费用权限', permissions: { accounts: { view: true } } }));
  const role = created(await admin.post('/api/v1/roles', { name: '前台', profile_ids: [noone.id] }));
  created(await admin.post('/api/v1/users', { username: 'desk', name: '前台', password: PW, role_id: role.id }));
  const desk = await srv.client('desk', PW);
  assertError(assert, await desk.get('/api/v1/reports/cost?by=type'), 403, 'forbidden');
});
