// marketing.test.mjs - 市场管理 (issue 16): competitors are accounts of
// type 竞争对手 that opportunities name in their owned lines (a link the
// metadata limits to competitors), and the won/lost report per competitor
// counts the closed deals the caller may see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
let admin, seller, customer, huawei, inspur;

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

// ---- campaigns (市场活动) ----

const newCampaign = async (extra = {}) => created(await admin.post('/api/v1/campaigns', {
  name: '2026 南京智能制造展', type: 'exhibition', start_date: '2026-05-12', end_date: '2026-05-14',
  budget: 80000, expected_cost: 60000, ...extra }));
const act = (id, name, body = {}) => admin.post(`/api/v1/campaigns/${id}/actions/${name}`, body);
// 实际费用 is what the campaign's approved expenses add up to (费用管理): no
// approval flow for expenses here, so submitting approves at once
const spend = async (campaign, amount, subject = '展位费') => {
  const x = created(await admin.post('/api/v1/expenses', { subject, expense_type: 'conference', amount, incurred_on: '2026-05-12', campaign_id: campaign.id }));
  ok(await admin.post(`/api/v1/expenses/${x.id}/actions/submit`, {}));
  return x;
};

test('a campaign moves through its states as metadata says, and is locked once completed', async () => {
  const meta = ok(await admin.get('/api/v1/metadata'));
  assert.ok(meta.menu.find(g => g.key === 'marketing').items.includes('campaigns'));
  const fields = meta.entities.find(e => e.name === 'campaigns').fields;
  assert.equal(fields.find(f => f.name === 'roi').computed, 'if(actual_cost > 0, won_amount / actual_cost, null)');
  const c = await newCampaign();
  assert.equal(c.status, 'planned');
  assert.match(c.code, /^HD-\d{6}$/);
  assertError(assert, await admin.patch(`/api/v1/campaigns/${c.id}`, { status: 'completed' }), 422, 'invalid_transition');
  ok(await act(c.id, 'start'));
  await spend(c, 52000);
  const done = ok(await act(c.id, 'complete', { summary: '到场 300 人，收集名片 120 张' })).record;
  assert.deepEqual([done.status, done.actual_cost], ['completed', 52000]);
  assertError(assert, await admin.patch(`/api/v1/campaigns/${c.id}`, { budget: 1 }), 422, 'locked');
  await spend(c, 1000, '会后物流费'); // the bills come in late
  assert.equal(ok(await admin.get(`/api/v1/campaigns/${c.id}`)).actual_cost, 53000);
  assertError(assert, await act(c.id, 'cancel'), 422, 'action_not_allowed');
  // found by the global search, in Chinese and by pinyin initials like customers
  const hits = ok(await admin.get('/api/v1/search?q=' + encodeURIComponent('智能制造展'))).items;
  assert.ok(hits.some(h => h.entity === 'campaigns' && h.id === c.id), JSON.stringify(hits));
  assert.ok(ok(await admin.get('/api/v1/campaigns?q=nj')).items.some(x => x.id === c.id), 'pinyin initials');
});

test('members are added from a filter in one request, each record once; responses are counted', async () => {
  const c = await newCampaign({ name: '客户答谢会', type: 'customer_event' });
  const a1 = created(await admin.post('/api/v1/accounts', { name: '无锡机床厂', city: '无锡' }));
  created(await admin.post('/api/v1/accounts', { name: '无锡纺织集团', city: '无锡' }));
  created(await admin.post('/api/v1/accounts', { name: '常州电机厂', city: '常州' }));
  const wuxi = { field: 'city', op: 'eq', value: '无锡' };
  let r = ok(await admin.post(`/api/v1/campaigns/${c.id}/members`, { entity: 'accounts', filter: wuxi, status: 'invited' }));
  assert.deepEqual(r, { added: 2, skipped: 0 });
  r = ok(await admin.post(`/api/v1/campaigns/${c.id}/members`, { entity: 'accounts', filter: { field: 'city', op: 'in', value: ['无锡', '常州'] } }));
  assert.deepEqual(r, { added: 1, skipped: 2 });
  const lead = created(await admin.post('/api/v1/leads', { name: '周敏', company: '苏州精密' }));
  ok(await admin.post(`/api/v1/campaigns/${c.id}/members`, { entity: 'leads', q: '周敏' }));
  let camp = ok(await admin.get(`/api/v1/campaigns/${c.id}`));
  assert.equal(camp.member_count, 4);
  // one at a time too; the same record twice is refused, the other links are cleared
  const dup = await admin.post('/api/v1/campaign_members', { campaign_id: c.id, member_type: 'account', account_id: a1.id });
  assertError(assert, dup, 409, 'already_member');
  const m = created(await admin.post('/api/v1/campaign_members', { campaign_id: c.id, member_type: 'lead',
    lead_id: created(await admin.post('/api/v1/leads', { name: '钱进' })).id, account_id: a1.id }));
  assert.equal(m.account_id, null);
  assertError(assert, await admin.post('/api/v1/campaign_members', { campaign_id: c.id, member_type: 'contact' }), 422, 'validation_failed');
  // responses
  const members = ok(await admin.get(`/api/v1/campaigns/${c.id}/related/members?limit=50`)).items;
  ok(await admin.patch(`/api/v1/campaign_members/${members[0].id}`, { status: 'responded', responded_at: '2026-05-10T02:00:00Z', response: '确认参加' }));
  ok(await admin.patch(`/api/v1/campaign_members/${members[1].id}`, { status: 'attended' }));
  camp = ok(await admin.get(`/api/v1/campaigns/${c.id}`));
  assert.deepEqual([camp.member_count, camp.response_count], [5, 2]);
  // bad requests
  assertError(assert, await admin.post(`/api/v1/campaigns/${c.id}/members`, { entity: 'products' }), 422, 'validation_failed');
  assertError(assert, await admin.post(`/api/v1/campaigns/${c.id}/members`, { entity: 'accounts', filter: { field: 'nope', op: 'eq', value: 1 } }), 400, 'bad_filter');
  assertError(assert, await admin.post(`/api/v1/campaigns/${c.id}/members`, { entity: 'accounts', extra: 1 }), 422);
  assertError(assert, await admin.post('/api/v1/campaigns/999999/members', { entity: 'accounts' }), 404);
  assert.equal(lead.campaign_id, null);
});

test('leads and opportunities sourced: ROI is won amount over cost, and cost per lead follows the leads', async () => {
  let c = await newCampaign({ name: '华东区网络研讨会', type: 'webinar' });
  await spend(c, 30000, '直播平台费');
  c = ok(await admin.get(`/api/v1/campaigns/${c.id}`));
  assert.deepEqual([c.lead_count, c.roi, c.cost_per_lead, c.won_amount], [0, 0, null, 0]);
  assert.equal(created(await admin.post('/api/v1/campaigns', { name: '未定费用', type: 'other' })).roi, null, 'no cost, no ROI');
  const l1 = created(await admin.post('/api/v1/leads', { name: '孙磊', company: '南通港务', campaign_id: c.id, source: 'campaign' }));
  created(await admin.post('/api/v1/leads', { name: '李娟', company: '泰州医药', campaign_id: c.id }));
  created(await admin.post('/api/v1/leads', { name: '赵刚', company: '盐城汽配', campaign_id: c.id }));
  let camp = ok(await admin.get(`/api/v1/campaigns/${c.id}`));
  assert.deepEqual([camp.lead_count, camp.cost_per_lead], [3, 10000]);
  // converting a lead carries its campaign to the opportunity
  const conv = ok(await admin.post(`/api/v1/leads/${l1.id}/actions/convert`, { create_opportunity: true, opportunity: { amount: 120000 } }));
  const oppId = conv.result.opportunity_id;
  assert.equal(ok(await admin.get(`/api/v1/opportunities/${oppId}`)).campaign_id, c.id);
  const o2 = created(await admin.post('/api/v1/opportunities', { name: '盐城汽配 CRM', account_id: customer.id, amount: 45000, campaign_id: c.id }));
  camp = ok(await admin.get(`/api/v1/campaigns/${c.id}`));
  assert.deepEqual([camp.opportunity_count, camp.won_amount, camp.roi], [2, 0, 0]);
  ok(await admin.post(`/api/v1/opportunities/${oppId}/actions/win`, {}));
  ok(await admin.post(`/api/v1/opportunities/${o2.id}/actions/win`, {}));
  camp = ok(await admin.get(`/api/v1/campaigns/${c.id}`));
  assert.deepEqual([camp.won_amount, camp.roi], [165000, 5.5]);
  // cost changes move both
  await spend(c, 40000, '线上广告投放');
  camp = ok(await admin.get(`/api/v1/campaigns/${c.id}`));
  assert.deepEqual([camp.roi, camp.cost_per_lead], [2.36, 23333.33]);
  assert.deepEqual(ok(await admin.get(`/api/v1/campaigns/${c.id}/related/leads`)).items.length, 3);
  // exported like any module, the computed figures with it
  const csv = await admin.get('/api/v1/campaigns/export?format=csv');
  assert.equal(csv.status, 200);
  assert.match(csv.text, /投资回报率/);
  assert.match(csv.text, /华东区网络研讨会/);
});

test('市场任务 are given to a person with a due date: theirs to see and do, in their bell and their manager\'s until done', async () => {
  const bjDay = offset => new Date(Date.now() + 8 * 3600000 + offset * 86400000).toISOString().slice(0, 10);
  const root = ok(await admin.get('/api/v1/roles')).items.find(r => r.name === '管理员');
  const all = { view: true, create: true, edit: true, export: true };
  const p = created(await admin.post('/api/v1/profiles', { name: '市场专员', permissions: { campaigns: { view: true, edit: true }, campaign_tasks: all, campaign_tracks: all,
    campaign_members: all, accounts: all } }));
  const role = created(await admin.post('/api/v1/roles', { name: '市场专员', parent_id: root.id, profile_ids: [p.id] }));
  created(await admin.post('/api/v1/users', { username: 'sc1', name: '市场甲', password: PW, role_id: role.id }));
  const sc = await srv.client('sc1', PW);
  const c = await newCampaign({ name: '苏州工业园区客户答谢会', type: 'customer_event' });
  const other = await newCampaign({ name: '无锡渠道伙伴大会', type: 'seminar' });
  const due = created(await admin.post('/api/v1/campaign_tasks', { subject: '布置答谢会场', campaign_id: c.id, due_date: bjDay(1), owner_id: sc.user.id }));
  assert.match(due.code, /^RW-\d{6}$/);
  assert.deepEqual([due.status, due.kind, due.priority, due.completed_on], ['not_started', 'preparation', 'normal', null]);
  const late = created(await admin.post('/api/v1/campaign_tasks', { subject: '寄送邀请函', kind: 'invitation', campaign_id: c.id, due_date: bjDay(-2), owner_id: sc.user.id }));
  created(await admin.post('/api/v1/campaign_tasks', { subject: '答谢会效果评估', kind: 'evaluation', campaign_id: c.id, due_date: bjDay(30), owner_id: sc.user.id }));
  const mine = created(await admin.post('/api/v1/campaign_tasks', { subject: '预订酒店', campaign_id: c.id, due_date: bjDay(0) }));
  assertError(assert, await admin.post('/api/v1/campaign_tasks', { subject: '无期限', campaign_id: c.id }), 422, 'validation_failed');
  // the company reads its campaigns; only who may change one changes its members
  assert.equal(ok(await sc.get(`/api/v1/campaigns/${c.id}`)).name, '苏州工业园区客户答谢会');
  const own = created(await sc.post('/api/v1/accounts', { name: '苏州金鸡湖酒店' }));
  const refused = await sc.post('/api/v1/campaign_members', { campaign_id: c.id, member_type: 'account', account_id: own.id });
  assertError(assert, refused, 403, 'forbidden');
  assert.deepEqual(refused.json.error.fields, { campaign_id: 'not_writable' });
  assertError(assert, await sc.post(`/api/v1/campaigns/${c.id}/members`, { entity: 'accounts' }), 403, 'forbidden');
  const edit = await sc.patch(`/api/v1/campaigns/${c.id}`, { location: '改地点' }); // not theirs to change, edit right or not
  assert.ok([403, 404].includes(edit.status), edit.text);
  assert.notEqual(ok(await admin.get(`/api/v1/campaigns/${c.id}`)).location, '改地点');
  // the assignee lists their own tasks, not the administrator's
  assert.deepEqual(ok(await sc.get('/api/v1/campaign_tasks?sort=due_date')).items.map(t => t.subject), ['寄送邀请函', '布置答谢会场', '答谢会效果评估']);
  assertError(assert, await sc.get(`/api/v1/campaign_tasks/${mine.id}`), 404);
  assertError(assert, await seller.get('/api/v1/campaign_tasks'), 403);
  // the bell: open tasks due within the window, overdue marked; the manager sees the team's
  const bell = async who => ok(await who.get('/api/v1/reminders?days=7')).items.filter(i => i.kind === 'campaign_task')
    .map(i => [i.entity, i.title, i.due_at, i.overdue, i.owner_name]);
  assert.deepEqual(await bell(sc), [
    ['campaign_tasks', '寄送邀请函（苏州工业园区客户答谢会）', `${bjDay(-2)}T15:59:59Z`, true, '市场甲'],
    ['campaign_tasks', '布置答谢会场（苏州工业园区客户答谢会）', `${bjDay(1)}T15:59:59Z`, false, '市场甲']]);
  assert.equal((await bell(admin)).length, 3, 'the administrator\'s own task and the two of the role below');
  // done through the actions: 完成情况 is asked, 完成日期 stamped, progress 100, out of the bell
  ok(await sc.post(`/api/v1/campaign_tasks/${late.id}/actions/start`, {}));
  assertError(assert, await sc.post(`/api/v1/campaign_tasks/${late.id}/actions/complete`, {}), 422);
  const done = ok(await sc.post(`/api/v1/campaign_tasks/${late.id}/actions/complete`, { result: '邀请函已寄出 60 份' })).record;
  assert.deepEqual([done.status, done.progress, done.completed_on], ['done', 100, bjDay(0)]);
  assertError(assert, await sc.patch(`/api/v1/campaign_tasks/${late.id}`, { due_date: bjDay(3) }), 422, 'locked');
  assert.deepEqual((await bell(sc)).map(i => i[1]), ['布置答谢会场（苏州工业园区客户答谢会）']);
  const reopened = ok(await sc.post(`/api/v1/campaign_tasks/${late.id}/actions/reopen`, {})).record;
  assert.deepEqual([reopened.status, reopened.completed_on], ['in_progress', null]);
  ok(await sc.post(`/api/v1/campaign_tasks/${late.id}/actions/complete`, { result: '邀请函已全部寄出' }));

  // 市场跟踪: a task's entry belongs to its campaign; another campaign is refused
  const track = created(await sc.post('/api/v1/campaign_tracks', { subject: '邀请函回执统计', task_id: late.id, method: 'phone',
    visitors: 60, responses: 38, leads_gained: 5, effect: 'good', content: '60 家中 38 家确认出席' }));
  assert.deepEqual([track.campaign_id, track.track_date], [c.id, bjDay(0)]);
  const wrong = await sc.post('/api/v1/campaign_tracks', { subject: '串了活动', campaign_id: other.id, task_id: late.id, content: '不应保存' });
  assertError(assert, wrong, 422, 'validation_failed');
  assert.deepEqual(wrong.json.error.fields, { task_id: 'other_campaign' });
  assertError(assert, await sc.post('/api/v1/campaign_tracks', { subject: '没有活动', content: '不应保存' }), 422, 'validation_failed');
  created(await admin.post('/api/v1/campaign_tracks', { subject: '会场现场统计', campaign_id: c.id, responses: 41, content: '到场 41 家' }));
  const camp = ok(await admin.get(`/api/v1/campaigns/${c.id}`));
  assert.deepEqual([camp.task_count, camp.tasks_done, camp.track_count, camp.tracked_responses], [4, 1, 2, 79]);
  assert.deepEqual(ok(await admin.get(`/api/v1/campaign_tasks/${late.id}/related/tracks`)).items.map(t => t.subject), ['邀请函回执统计']);
  // the global search and the export know them
  const hits = ok(await sc.get(`/api/v1/search?q=${encodeURIComponent('布置答谢会场')}`)).items;
  assert.ok(hits.some(h => h.entity === 'campaign_tasks' && h.id === due.id), JSON.stringify(hits));
  const csv = await sc.get('/api/v1/campaign_tasks/export?format=csv');
  assert.equal(csv.status, 200);
  assert.match(csv.text, /任务主题/);
  assert.match(csv.text, /布置答谢会场/);
  assert.doesNotMatch(csv.text, /预订酒店/, 'the export is the list the user sees');
});
