// approvals.test.mjs - 业务审批 (issue 12 item 11, SPEC §7): flows as
// records an administrator edits (entity, a filter condition, steps); an
// order over the threshold waits for the submitter's superior, one under
// it passes straight; the pending order is locked; nobody approves their
// own request; reject needs a comment; the submitter withdraws; a
// two-step flow; the 待我审批 inbox; another company sees nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
let admin, rep, mgr, fin, roles = {}, account, bigFlow;


before(async () => {
  await srv.start();
  admin = await srv.client();
  const ALL = { view: true, create: true, edit: true, delete: true };
  const sales = created(await admin.post('/api/v1/profiles', { name: '销售业务', permissions: { accounts: ALL, sales_orders: ALL } }));
  const profile_ids = [sales.id];
  roles.mgr = created(await admin.post('/api/v1/roles', { name: '销售经理', profile_ids }));
  roles.rep = created(await admin.post('/api/v1/roles', { name: '销售代表', parent_id: roles.mgr.id, profile_ids }));
  roles.fin = created(await admin.post('/api/v1/roles', { name: '财务', profile_ids: [created(await admin.post('/api/v1/profiles', { name: '财务查看', permissions: { sales_orders: { view: true } } })).id] }));
  const mk = async (username, name, role) => created(await admin.post('/api/v1/users', { username, name, password: PW, role_id: role.id }));
  await mk('rep', '李娜', roles.rep);
  await mk('mgr', '张伟', roles.mgr);
  await mk('fin', '王芳', roles.fin);
  [rep, mgr, fin] = await Promise.all(['rep', 'mgr', 'fin'].map(u => srv.client(u, PW)));
  // a named role approves what it can see: orders are readable by the company
  ok(await admin.req('PUT', '/api/v1/sharing', { body: { sales_orders: 'public_read', accounts: 'public_read' } }));
  account = created(await admin.post('/api/v1/accounts', { name: '南京审批测试有限公司' }));
  bigFlow = created(await admin.post('/api/v1/approval_flows', {
    name: '大额订单审批', entity: 'sales_orders',
    condition: { and: [{ field: 'total', op: 'gt', value: 10000 }, { field: 'total', op: 'lte', value: 100000 }] },
    steps: [{ kind: 'superior' }],
  }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

const order = async (price, who = rep) => created(await who.post('/api/v1/sales_orders', {
  subject: `订单 ${price}`, account_id: account.id, lines: [{ description: '服务器', quantity: 1, price, tax_rate: 0 }],
}));
const act = (who, id, name, body = {}) => who.post(`/api/v1/sales_orders/${id}/actions/${name}`, body);
const inbox = async who => ok(await who.get('/api/v1/approvals/inbox'));
const approvalHistory = async id => ok(await admin.get(`/api/v1/sales_orders/${id}/history`)).items
  .filter(h => h.action === 'approval').map(h => h.new_value).reverse();

test('the flow is a record: the administrator sets its condition and steps; a bad condition is refused', async () => {
  const flow = ok(await admin.get(`/api/v1/approval_flows/${bigFlow.id}`));
  assert.deepEqual(flow.steps.map(s => s.kind), ['superior']);
  assert.equal(flow.condition.and[0].value, 10000);
  const r = await admin.post('/api/v1/approval_flows', { name: '坏条件', entity: 'sales_orders', condition: { field: 'no_such', op: 'eq', value: 1 } });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.condition, 'bad_filter');
  assertError(assert, await rep.post('/api/v1/approval_flows', { name: '越权', entity: 'sales_orders' }), 403, 'forbidden');
  const meta = ok(await admin.get('/api/v1/metadata'));
  assert.ok(meta.entities.find(e => e.name === 'sales_orders').actions.some(a => a.name === 'withdraw'));
});

// 触发条件 is a json field holding a filter over the 审批对象 (metadata
// filter_of): whatever the form or a client sends, a condition the filter
// compiler refuses is a 422 naming the field, in Chinese, and nothing is
// stored; one that fits the old 审批对象 but not a new one is refused too.
test('a malformed or hostile 触发条件 is refused with a clear error, never stored', async () => {
  const flows = async () => ok(await admin.get('/api/v1/approval_flows')).total;
  const before = await flows();
  let deep = { field: 'total', op: 'gt', value: 1 };
  for (let i = 0; i < 9; i++) deep = { and: [deep] };
  // not an object or array at all: the json field's own type check
  for (const condition of ['total > 10000', 42]) {
    const r = await admin.post('/api/v1/approval_flows', { name: '坏条件', entity: 'sales_orders', condition });
    assertError(assert, r, 422, 'validation_failed');
    assert.equal(r.json.error.fields.condition, 'invalid_type', r.text);
    assert.match(r.json.error.message, /[\u4e00-\u9fff]/, r.text);
  }
  const bad = [
    { field: 'total', op: 'gt' },
    { field: 'total; DROP TABLE sales_orders; --', op: 'eq', value: 1 },
    { field: 'total', op: 'like', value: '%' },
    { field: 'total', op: 'gt', value: 'abc' },
    { field: 'owner_id', op: 'under', value: 1 },
    { field: 'status', op: 'in', value: 'approved' },
    { or: 'x' },
    deep,
    Array.from({ length: 101 }, (_, i) => ({ field: 'total', op: 'gt', value: i })),
  ];
  for (const condition of bad) {
    const r = await admin.post('/api/v1/approval_flows', { name: '坏条件', entity: 'sales_orders', condition, steps: [{ kind: 'superior' }] });
    assertError(assert, r, 422, 'validation_failed');
    assert.equal(r.json.error.fields.condition, 'bad_filter', JSON.stringify(condition));
    assert.match(r.json.error.message, /^触发条件无效：\S/, r.text);
  }
  // a number too small for a double is not read as 0 (sent as text: JavaScript would make it 0)
  const tiny = await admin.req('POST', '/api/v1/approval_flows', { headers: { 'Content-Type': 'application/json' },
    raw: '{"name":"坏条件","entity":"sales_orders","condition":{"field":"total","op":"gt","value":1e-400}}' });
  assert.ok([400, 422].includes(tiny.status), tiny.text);
  assert.ok(tiny.json.error.message, tiny.text);
  assert.equal(await flows(), before, 'nothing stored');
  // a condition on the order's own field does not fit 费用: changing the 审批对象 alone is refused
  const f = created(await admin.post('/api/v1/approval_flows', { name: '折扣审批', entity: 'sales_orders', active: false,
    condition: { field: 'lines_over_discount', op: 'gt', value: 0 } }));
  const moved = await admin.patch(`/api/v1/approval_flows/${f.id}`, { entity: 'expenses' });
  assertError(assert, moved, 422, 'validation_failed');
  assert.equal(moved.json.error.fields.condition, 'bad_filter');
  assert.equal(ok(await admin.get(`/api/v1/approval_flows/${f.id}`)).entity, 'sales_orders');
  assert.equal((await admin.del(`/api/v1/approval_flows/${f.id}`)).status, 204);
});

test('an order under the threshold passes straight to 已审批', async () => {
  const o = await order(5000);
  const r = ok(await act(rep, o.id, 'submit'));
  assert.equal(r.record.status, 'approved');
  assert.equal(r.result.approval, 'not_needed');
  assert.deepEqual(await approvalHistory(o.id), ['无需审批，直接通过']);
});

test('an order over the threshold waits for the superior; locked meanwhile; the submitter cannot approve it', async () => {
  const o = await order(20000);
  const r = ok(await act(rep, o.id, 'submit', { comment: '客户急需' }));
  assert.equal(r.record.status, 'pending');
  assert.equal(r.result.approval, 'pending');
  // 待我审批: the superior's, not the submitter's, not finance's
  const box = await inbox(mgr);
  assert.equal(box.total, 1);
  assert.deepEqual([box.items[0].entity, box.items[0].record_id, box.items[0].status], ['sales_orders', o.id, 'pending']);
  assert.match(box.items[0].title, /业务订单 DD-\d+ 订单 20000/);
  assert.equal((await inbox(rep)).total, 0);
  assert.equal((await inbox(fin)).total, 0);
  assert.equal(ok(await mgr.get('/api/v1/approvals/inbox?limit=0')).total, 1);
  // locked while pending: neither fields nor lines change
  assertError(assert, await rep.patch(`/api/v1/sales_orders/${o.id}`, { subject: '改主题' }), 422, 'locked');
  assertError(assert, await rep.patch(`/api/v1/sales_orders/${o.id}`, { lines: [] }), 422, 'locked');
  // the state moves by the actions only, so no PATCH skips the approval
  const r2 = await admin.patch(`/api/v1/sales_orders/${o.id}`, { status: 'approved' });
  assertError(assert, r2, 422, 'validation_failed');
  assert.equal(r2.json.error.fields.status, 'read_only');
  // nobody approves their own request, nor one that is not theirs to decide
  assertError(assert, await act(rep, o.id, 'approve'), 403, 'own_request');
  assertError(assert, await act(fin, o.id, 'approve'), 403, 'not_approver');
  assertError(assert, await act(admin, o.id, 'approve'), 403, 'not_approver');
  // the requests change by the decisions only
  const req = box.items[0];
  assertError(assert, await admin.post('/api/v1/approval_requests', {}), 422, 'read_only');
  assert.equal((await admin.patch(`/api/v1/approval_requests/${req.id}`, { comment: '改' })).status, 422);
  assertError(assert, await admin.del(`/api/v1/approval_requests/${req.id}`), 422, 'read_only');

  const done = ok(await act(mgr, o.id, 'approve', { comment: '同意' }));
  assert.equal(done.record.status, 'approved');
  assert.equal(done.result.approval, 'approved');
  assert.equal((await inbox(mgr)).total, 0);
  assert.equal(ok(await admin.get(`/api/v1/approval_requests/${req.id}`)).status, 'approved');
  assertError(assert, await act(mgr, o.id, 'approve'), 409, 'already_approved');
  // the record's history tells the whole
  assert.deepEqual(await approvalHistory(o.id), ['提交审批（流程「大额订单审批」，共 1 步）：客户急需', '审批通过（第 1 步，共 1 步）：同意']);
  const status = ok(await admin.get(`/api/v1/sales_orders/${o.id}/history`)).items.filter(h => h.field === 'status').map(h => h.new_value);
  assert.deepEqual(status.reverse(), ['pending', 'approved']);
});

test('reject needs a comment and sends the order back to 草稿; the submitter may then edit and resubmit', async () => {
  const o = await order(30000);
  ok(await act(rep, o.id, 'submit'));
  let r = await act(mgr, o.id, 'send_back');
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.comment, 'required');
  assertError(assert, await act(mgr, o.id, 'send_back', { comment: '折扣太大', extra: 1 }), 422, 'validation_failed');
  // the limit is 1,000 characters, not bytes: 1,001 Chinese ones are refused
  r = await act(mgr, o.id, 'send_back', { comment: '折'.repeat(1001) });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.comment, 'too_long');
  assert.match(r.json.error.message, /1000 个字符/);
  r = ok(await act(mgr, o.id, 'send_back', { comment: '折扣太大' }));
  assert.equal(r.record.status, 'draft');
  const req = ok(await admin.get(`/api/v1/approval_requests?filter=${encodeURIComponent(JSON.stringify({ field: 'record_id', op: 'eq', value: o.id }))}`)).items;
  assert.deepEqual(req.map(x => [x.status, x.comment]), [['rejected', '折扣太大']]);
  assert.deepEqual((await approvalHistory(o.id)).slice(-1), ['驳回：折扣太大']);
  ok(await rep.patch(`/api/v1/sales_orders/${o.id}`, { lines: [{ description: '服务器', quantity: 1, price: 9000, tax_rate: 0 }] }));
  assert.equal(ok(await act(rep, o.id, 'submit')).record.status, 'approved');
});

test('the submitter withdraws a pending request; nobody else can', async () => {
  const o = await order(40000);
  ok(await act(rep, o.id, 'submit'));
  assertError(assert, await act(mgr, o.id, 'withdraw'), 403, 'not_submitter');
  const r = ok(await act(rep, o.id, 'withdraw', { comment: '数量有误' }));
  assert.equal(r.record.status, 'draft');
  assert.equal((await inbox(mgr)).total, 0);
  assertError(assert, await act(mgr, o.id, 'approve'), 422, 'action_not_allowed');
  assertError(assert, await act(rep, o.id, 'withdraw'), 409, 'already_draft');
  assert.deepEqual((await approvalHistory(o.id)).slice(-1), ['撤回审批申请：数量有误']);
});

test('a two-step flow: the superior, then finance; each sees it in turn', async () => {
  created(await admin.post('/api/v1/approval_flows', {
    name: '特大订单审批', entity: 'sales_orders', condition: { field: 'total', op: 'gt', value: 100000 },
    steps: [{ kind: 'superior' }, { kind: 'role', role_id: roles.fin.id }],
  }));
  const o = await order(200000);
  ok(await act(rep, o.id, 'submit'));
  assert.equal((await inbox(fin)).total, 0);
  assertError(assert, await act(fin, o.id, 'approve'), 403, 'not_approver');
  let r = ok(await act(mgr, o.id, 'approve'));
  assert.deepEqual([r.record.status, r.result.approval, r.result.step], ['pending', 'pending', 2]);
  assert.equal((await inbox(mgr)).total, 0);
  assert.equal((await inbox(fin)).total, 1);
  assertError(assert, await act(mgr, o.id, 'approve'), 403, 'not_approver');
  r = ok(await act(fin, o.id, 'approve', { comment: '资金已确认' }));
  assert.equal(r.record.status, 'approved');
  assert.equal((await inbox(fin)).total, 0);
  assert.deepEqual(await approvalHistory(o.id), [
    '提交审批（流程「特大订单审批」，共 2 步）', '审批通过（第 1 步，共 2 步）', '审批通过（第 2 步，共 2 步）：资金已确认']);
});

test('a submitter without a superior role cannot start a superior step', async () => {
  const o = await order(50000, mgr); // 销售经理 has no parent role
  const r = await act(mgr, o.id, 'submit');
  assertError(assert, r, 422, 'no_approver');
  assert.equal(ok(await mgr.get(`/api/v1/sales_orders/${o.id}`)).status, 'draft');
});

test("another company sees none of this company's flows and requests, and its orders pass under its own (no) flows", async () => {
  const pending = await order(60000);
  ok(await act(rep, pending.id, 'submit'));
  created(await admin.post('/api/v1/companies', {
    name: '乙方审批测试公司', code: 'yifang_sp', admin: { username: 'boss_sp', name: '乙方管理员', password: PW },
  }));
  const boss = await srv.client('boss_sp', PW);
  assert.equal(ok(await boss.get('/api/v1/approval_flows')).total, 0);
  assert.equal(ok(await boss.get('/api/v1/approval_requests')).total, 0);
  assert.equal((await inbox(boss)).total, 0);
  assert.equal((await boss.get(`/api/v1/approval_flows/${bigFlow.id}`)).status, 404);
  const acc = created(await boss.post('/api/v1/accounts', { name: '乙方客户' }));
  const o = created(await boss.post('/api/v1/sales_orders', { subject: '乙方大单', account_id: acc.id, lines: [{ description: '设备', quantity: 1, price: 50000, tax_rate: 0 }] }));
  assert.equal(ok(await act(boss, o.id, 'submit')).record.status, 'approved');
  assert.ok((await inbox(mgr)).total >= 1);
});

test('an order beyond the customer\'s 资信额度 (with what it still owes) waits for finance', async () => {
  created(await admin.post('/api/v1/approval_flows', {
    name: '超资信额度审批', entity: 'sales_orders', condition: { field: 'credit_exceeded', op: 'eq', value: true },
    steps: [{ kind: 'role', role_id: roles.fin.id }],
  }));
  const acc = created(await admin.post('/api/v1/accounts', { name: '资信额度测试客户', credit_limit: 12000 }));
  const small = async price => created(await rep.post('/api/v1/sales_orders', {
    subject: `额度内订单 ${price}`, account_id: acc.id, lines: [{ description: '耗材', quantity: 1, price, tax_rate: 0 }] }));
  const first = await small(8000);
  let r = ok(await act(rep, first.id, 'submit'));
  assert.deepEqual([r.record.status, r.record.credit_exceeded], ['approved', false]);
  const second = await small(6000); // 8000 still owed + 6000 > 12000
  r = ok(await act(rep, second.id, 'submit'));
  assert.deepEqual([r.record.status, r.record.credit_exceeded], ['pending', true]);
  assert.ok((await inbox(fin)).items.some(x => x.record_id === second.id));
  ok(await act(fin, second.id, 'approve'));
  // once the first is paid, a third fits again
  created(await admin.post('/api/v1/receipts', { account_id: acc.id, sales_order_id: first.id, amount: 8000 }));
  const third = await small(4000); // 6000 owed + 4000 <= 12000
  assert.equal(ok(await act(rep, third.id, 'submit')).record.status, 'approved');
});
