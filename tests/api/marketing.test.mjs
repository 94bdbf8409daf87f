// marketing.test.mjs - 市场管理 (issue 16): competitors are accounts of
// type 竞争对手 that opportunities name in their owned lines (a link the
// metadata limits to competitors), and the won/lost report per competitor
// counts the closed deals the caller may see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
let admin, seller, customer, huawei, inspur;

const created = r => { assert.equal(r.status, 201, r.text); return r.json; };
const ok = r => { assert.equal(r.status, 200, r.text); return r.json; };
const rival = (items, id) => items.find(i => i.competitor_id === id);

before(async () => {
  await srv.start();
  admin = await srv.client();
  const all = { view: true, create: true, edit: true, delete: true };
  const sales = created(await admin.post('/api/v1/profiles', { name: '销售人员', permissions: { accounts: all, opportunities: all } }));
  const role = created(await admin.post('/api/v1/roles', { name: '销售岗位', profile_ids: [sales.id] }));
  created(await admin.post('/api/v1/users', { username: 'xs1', name: '销售甲', password: PW, role_id: role.id }));
  seller = await srv.client('xs1', PW);
  customer = created(await admin.post('/api/v1/accounts', { name: '南京钢铁集团', type: 'customer' }));
  huawei = created(await admin.post('/api/v1/accounts', {
    name: '华为技术有限公司', type: 'competitor', strengths: '品牌强，渠道广', weaknesses: '价格偏高',
    competing_products: '华为云 CRM', price_policy: '标准版每用户每年 1200 元' }));
  inspur = created(await admin.post('/api/v1/accounts', { name: '浪潮通用软件', type: 'competitor' }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

const deal = async (client, name, amount, rivals, account = customer.id) =>
  created(await client.post('/api/v1/opportunities', {
    name, account_id: account, amount, expected_close_date: '2026-06-30',
    competitors: rivals.map(id => ({ competitor_id: id })) }));

test('metadata: the competitor fields show for competitors only, and the link is limited to them', async () => {
  const meta = ok(await admin.get('/api/v1/metadata'));
  const accounts = meta.entities.find(e => e.name === 'accounts');
  const type = accounts.fields.find(f => f.name === 'type');
  assert.ok(type.options.some(o => o.value === 'competitor' && o.label_zh === '竞争对手'));
  for (const name of ['strengths', 'weaknesses', 'competing_products', 'price_policy'])
    assert.deepEqual(accounts.fields.find(f => f.name === name).visible_when, { field: 'type', op: 'eq', value: 'competitor' }, name);
  const opp = meta.entities.find(e => e.name === 'opportunities');
  assert.ok(opp.relations.some(r => r.name === 'competitors' && r.owned));
  assert.ok(!opp.fields.some(f => f.name === 'competitors'), 'no free text any more');
  const lines = meta.entities.find(e => e.name === 'opportunity_competitors');
  assert.equal(lines.owned_by, 'opportunities');
  assert.deepEqual(lines.fields.find(f => f.name === 'competitor_id').link_filter, { field: 'type', op: 'eq', value: 'competitor' });
  assert.equal(huawei.strengths, '品牌强，渠道广');
});

test('an opportunity names competitors as links; an account that is not a competitor is refused', async () => {
  const o = await deal(admin, '南钢 CRM 一期', 100000, [huawei.id, inspur.id]);
  assert.deepEqual(o.competitors.map(l => [l.competitor_id, l.competitor_name]), [[huawei.id, '华为技术有限公司'], [inspur.id, '浪潮通用软件']]);
  const r = await admin.patch(`/api/v1/opportunities/${o.id}`, { competitors: [{ competitor_id: customer.id }] });
  assertError(assert, r, 422, 'validation_failed');
  assert.deepEqual(r.json.error.fields, { 'competitors[0].competitor_id': 'not_found' });
  // the picker's filter is the list API's
  const list = ok(await admin.get('/api/v1/accounts?filter=' + encodeURIComponent(JSON.stringify({ field: 'type', op: 'eq', value: 'competitor' }))));
  assert.deepEqual(list.items.map(a => a.id).sort(), [huawei.id, inspur.id].sort());
  // a won deal is locked, but who it was won against may still be noted
  ok(await admin.post(`/api/v1/opportunities/${o.id}/actions/win`, {}));
  const p = ok(await admin.patch(`/api/v1/opportunities/${o.id}`, { competitors: [{ competitor_id: huawei.id, their_price: 95000, threat: 'high', note: '对手降价 5%' }, { competitor_id: inspur.id }] }));
  assert.equal(p.competitors[0].their_price, 95000);
  assertError(assert, await admin.patch(`/api/v1/opportunities/${o.id}`, { amount: 1 }), 422, 'locked');
});

test('won/lost against each competitor: counts and amounts of closed deals the caller sees', async () => {
  const lost = await deal(admin, '南钢 CRM 二期', 50000, [huawei.id, huawei.id]); // named twice: counts once
  ok(await admin.post(`/api/v1/opportunities/${lost.id}/actions/lose`, { lost_reason: 'competitor' }));
  await deal(admin, '南钢 呼叫中心', 30000, [inspur.id]); // open: not counted
  let rep = ok(await admin.get('/api/v1/reports/competitors'));
  assert.deepEqual(rival(rep.items, huawei.id), { competitor_id: huawei.id, competitor_name: '华为技术有限公司',
    won_count: 1, won_amount: 100000, lost_count: 1, lost_amount: 50000, win_rate: 50 });
  assert.deepEqual(rival(rep.items, inspur.id), { competitor_id: inspur.id, competitor_name: '浪潮通用软件',
    won_count: 1, won_amount: 100000, lost_count: 0, lost_amount: 0, win_rate: 100 });
  assert.equal(rep.items[0].competitor_id, huawei.id, 'most deals faced first');
  assert.deepEqual(rep.total, { won_count: 2, won_amount: 200000, lost_count: 1, lost_amount: 50000 });
  assert.equal(rep.amount_hidden, false);

  // a salesperson sees only their own deals
  rep = ok(await seller.get('/api/v1/reports/competitors'));
  assert.deepEqual(rep.items, []);
  const kingdee = created(await seller.post('/api/v1/accounts', { name: '金蝶软件', type: 'competitor' }));
  const mine = await deal(seller, '扬子石化 CRM', 80000, [kingdee.id], kingdee.id);
  ok(await seller.post(`/api/v1/opportunities/${mine.id}/actions/lose`, { lost_reason: 'price' }));
  rep = ok(await seller.get('/api/v1/reports/competitors'));
  assert.deepEqual(rep.items.map(i => [i.competitor_name, i.won_count, i.lost_count, i.lost_amount]), [['金蝶软件', 0, 1, 80000]]);
  assert.equal(ok(await admin.get('/api/v1/reports/competitors')).items.length, 3);

  // the period bounds the expected close date; a bad date is 400
  assert.deepEqual(ok(await admin.get('/api/v1/reports/competitors?from=2026-07-01')).items, []);
  assert.equal(ok(await admin.get('/api/v1/reports/competitors?from=2026-06-01&to=2026-06-30')).items.length, 3);
  assertError(assert, await admin.get('/api/v1/reports/competitors?from=2026-6-1'), 400, 'bad_param');
  // deleting a deal takes it out of the report
  assert.equal((await admin.del(`/api/v1/opportunities/${lost.id}`)).status, 204);
  rep = ok(await admin.get('/api/v1/reports/competitors'));
  assert.equal(rival(rep.items, huawei.id).lost_count, 0);
});
