// computed.test.mjs - computed fields (docs/engine.md "Computed fields"):
// served in metadata, refused from clients, recomputed in the write's
// transaction when an input or a related record changes (created, changed,
// moved to another parent, deleted, restored), sortable and filterable, and
// a value that cannot be computed exactly refuses the write (422) and
// leaves nothing written. On accounts: open_pipeline, won_amount,
// done_activities, revenue_per_employee; on opportunities: weighted_amount.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, filterParam } from './harness.mjs';

const srv = new Server();
let admin;

before(async () => { await srv.start(); admin = await srv.client(); });
after(async () => { await srv.stop(); srv.cleanup(); });

const account = async name => {
  const r = await admin.post('/api/v1/accounts', { name });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const get = async (entity, id) => (await admin.get(`/api/v1/${entity}/${id}`)).json;

test('metadata serves the expression and marks the field read-only', async () => {
  const m = (await admin.get('/api/v1/metadata')).json;
  const opp = m.entities.find(e => e.name === 'opportunities').fields.find(f => f.name === 'weighted_amount');
  assert.equal(opp.computed, 'round(amount * probability / 100, 2)');
  assert.equal(opp.readonly, true);
  assert.equal(opp.label, '加权金额');
  const acc = m.entities.find(e => e.name === 'accounts').fields.find(f => f.name === 'done_activities');
  assert.equal(acc.computed, "count(activities where status = 'done')");
  const plain = m.entities.find(e => e.name === 'accounts').fields.find(f => f.name === 'name');
  assert.equal(plain.computed, undefined);
});

test('a client that writes a computed field gets 422 computed', async () => {
  const r = await admin.post('/api/v1/accounts', { name: '南京计算字段一号有限公司', done_activities: 5 });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.done_activities, 'computed');
  const a = await account('南京计算字段二号有限公司');
  const p = await admin.patch(`/api/v1/accounts/${a.id}`, { open_pipeline: 1 });
  assertError(assert, p, 422, 'validation_failed');
  assert.equal(p.json.error.fields.open_pipeline, 'computed');
});

test('the record\'s own inputs: weighted amount follows amount and probability, exactly', async () => {
  const a = await account('苏州加权金额测试有限公司');
  const r = await admin.post('/api/v1/opportunities', { name: '加权一', account_id: a.id, amount: 1234.57, probability: 33.33 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.weighted_amount, 411.48);
  const p = await admin.patch(`/api/v1/opportunities/${r.json.id}`, { amount: 0.15, probability: 10 });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.weighted_amount, 0.02, 'half a 分 rounds up');
  const q = await admin.patch(`/api/v1/opportunities/${r.json.id}`, { amount: null });
  assert.equal(q.json.weighted_amount, null);
});

test('aggregates follow related records: create, update, move, delete, restore', async () => {
  const a = await account('杭州汇总测试甲有限公司');
  const b = await account('杭州汇总测试乙有限公司');
  const o1 = (await admin.post('/api/v1/opportunities', { name: '汇总一', account_id: a.id, amount: 100.10, stage: 'proposal' })).json;
  const o2 = (await admin.post('/api/v1/opportunities', { name: '汇总二', account_id: a.id, amount: 0.20, stage: 'commit' })).json;
  let acc = await get('accounts', a.id);
  assert.equal(acc.open_pipeline, 100.3);
  assert.equal(acc.won_amount, 0);
  const v = acc.version;

  await admin.patch(`/api/v1/opportunities/${o2.id}`, { stage: 'won' });
  acc = await get('accounts', a.id);
  assert.equal(acc.open_pipeline, 100.1);
  assert.equal(acc.won_amount, 0.2);
  assert.ok(acc.version > v, 'a recomputed parent gets a new version (ETag)');

  const moved = await admin.patch(`/api/v1/opportunities/${o1.id}`, { account_id: b.id });
  assert.equal(moved.status, 200, moved.text);
  assert.equal((await get('accounts', a.id)).open_pipeline, 0, 'the old parent drops it');
  assert.equal((await get('accounts', b.id)).open_pipeline, 100.1, 'the new parent gains it');

  assert.equal((await admin.del(`/api/v1/opportunities/${o2.id}`)).status, 204);
  assert.equal((await get('accounts', a.id)).won_amount, 0);
  assert.equal((await admin.post(`/api/v1/opportunities/${o2.id}/restore`)).status, 200);
  assert.equal((await get('accounts', a.id)).won_amount, 0.2);

  const act = (await admin.post('/api/v1/activities', { subject: '拜访', account_id: a.id, status: 'planned' })).json;
  assert.equal((await get('accounts', a.id)).done_activities, 0);
  await admin.patch(`/api/v1/activities/${act.id}`, { status: 'done' });
  assert.equal((await get('accounts', a.id)).done_activities, 1);
  await admin.post('/api/v1/activities', { subject: '电话', account_id: a.id, status: 'done' });
  assert.equal((await get('accounts', a.id)).done_activities, 2);
});

test('merging accounts: the kept one sums the opportunities it takes over', async () => {
  const keep = await account('合并计算保留有限公司');
  const dup = await account('合并计算重复有限公司');
  await admin.post('/api/v1/opportunities', { name: '保留的机会', account_id: keep.id, amount: 10 });
  await admin.post('/api/v1/opportunities', { name: '转来的机会', account_id: dup.id, amount: 5.55 });
  const r = await admin.post('/api/v1/accounts/merge', { target_id: keep.id, source_ids: [dup.id] });
  assert.equal(r.status, 200, r.text);
  assert.equal((await get('accounts', keep.id)).open_pipeline, 15.55);
});

test('concurrent writes under one account add up: the sum is never a stale one', async () => {
  const a = await account('并发汇总测试有限公司');
  const rs = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    admin.post('/api/v1/opportunities', { name: `并发${i}`, account_id: a.id, amount: i + 0.01 })));
  const stored = rs.filter(r => r.status === 201).map(r => r.json.amount);
  for (const r of rs) assert.ok(r.status === 201 || r.status === 503, r.text);
  const want = stored.reduce((x, y) => x + Math.round(y * 100), 0) / 100;
  assert.equal((await get('accounts', a.id)).open_pipeline, want);
});

test('computed fields sort and filter like any field', async () => {
  const names = ['排序计算甲公司', '排序计算乙公司', '排序计算丙公司'];
  const amounts = [300, 100, 200];
  for (const [i, n] of names.entries()) {
    const a = await account(n);
    await admin.post('/api/v1/opportunities', { name: `${n}机会`, account_id: a.id, amount: amounts[i] });
  }
  const q = encodeURIComponent('排序计算');
  const asc = (await admin.get(`/api/v1/accounts?q=${q}&sort=open_pipeline`)).json.items.map(i => i.open_pipeline);
  assert.deepEqual(asc, [100, 200, 300]);
  const desc = (await admin.get(`/api/v1/accounts?q=${q}&sort=-open_pipeline`)).json.items.map(i => i.name);
  assert.deepEqual(desc, ['排序计算甲公司', '排序计算丙公司', '排序计算乙公司']);
  const f = filterParam({ field: 'open_pipeline', op: 'gte', value: 200 });
  const r = await admin.get(`/api/v1/accounts?q=${q}&filter=${f}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.total, 2);
});

test('人均营业额 is left empty, not refused, for a customer without employees (if guards the division)', async () => {
  // The engine refuses a division by zero (unit tests: tests/expr-cases.json);
  // a field that may meet one says what it means instead.
  const r = await admin.post('/api/v1/accounts', { name: '零员工测试有限公司', annual_revenue: 1000, employees: 0 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.revenue_per_employee, null);
  const a = (await admin.post('/api/v1/accounts', { name: '三员工测试有限公司', annual_revenue: 1000, employees: 3 })).json;
  assert.equal(a.revenue_per_employee, 333.33);
  const p = await admin.patch(`/api/v1/accounts/${a.id}`, { employees: 0 });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.revenue_per_employee, null);
});

test('large sums stay exact; overflow answers 422 computation_failed and nothing is written', async () => {
  const a = await account('溢出测试有限公司');
  const big = '999999999999999.99'; // the largest amount a client may send (as text: a double cannot hold it)
  // 92 of them: 91999999999999999.08 元, still within a BIGINT of 分
  for (let i = 0; i < 92; i++) {
    const r = await admin.post('/api/v1/opportunities', { name: `溢出${i}`, account_id: a.id, amount: big });
    assert.equal(r.status, 201, r.text);
  }
  const before = await admin.get(`/api/v1/accounts/${a.id}`);
  assert.match(before.text, /"open_pipeline":91999999999999999\.08[,}]/, 'exact to the 分 past 2^53');
  const over = await admin.post('/api/v1/opportunities', { name: '溢出二', account_id: a.id, amount: big });
  assertError(assert, over, 422, 'computation_failed');
  assert.equal(over.json.error.fields.open_pipeline, 'overflow');
  assert.match(over.json.error.message, /在谈机会金额/);
  const list = await admin.get(`/api/v1/opportunities?filter=${filterParam({ field: 'account_id', op: 'eq', value: a.id })}`);
  assert.equal(list.json.total, 92, 'the opportunity that would overflow its account is not stored');
  assert.equal((await admin.get(`/api/v1/accounts/${a.id}`)).text, before.text);
});

test('an existing database gets the new columns, computed once at start', async () => {
  const old = new Server();
  await old.start();
  const c = await old.client();
  const a = (await c.post('/api/v1/accounts', { name: '升级前的客户有限公司' })).json;
  await c.post('/api/v1/opportunities', { name: '升级前的机会', account_id: a.id, amount: 88.8, probability: 50 });
  await old.stop();
  // as a database from before computed fields: no column, no remembered definitions
  const sql = stmt => old.sql(stmt);
  sql('ALTER TABLE accounts DROP COLUMN open_pipeline');
  sql('UPDATE opportunities SET weighted_amount = NULL');
  sql("DELETE FROM settings WHERE key LIKE 'computed:%'");
  await old.start({ db: old.db, dir: old.dir });
  try {
    const c2 = await old.client();
    assert.equal((await c2.get(`/api/v1/accounts/${a.id}`)).json.open_pipeline, 88.8);
    const o = (await c2.get(`/api/v1/opportunities?filter=${filterParam({ field: 'account_id', op: 'eq', value: a.id })}`)).json.items[0];
    assert.equal(o.weighted_amount, 44.4);
  } finally {
    await old.stop();
    old.cleanup();
  }
});
