// sales.test.mjs - leads convert into a customer, a contact and an
// opportunity in one transaction; stages set their probability; the funnel
// sums the pipeline the user may see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const srv = new Server();
let admin;

before(async () => { await srv.start(); admin = await srv.client(); });
after(async () => { await srv.stop(); srv.cleanup(); });

const newLead = async (body) => {
  const r = await admin.post('/api/v1/leads', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
};

test('a stage sets its default probability unless one is given', async () => {
  const acc = (await admin.post('/api/v1/accounts', { name: '苏州科沃斯机器人股份有限公司' })).json;
  const o = await admin.post('/api/v1/opportunities', { name: '扫地机器人渠道合作', account_id: acc.id, amount: 500000 });
  assert.equal(o.status, 201, o.text);
  assert.equal(o.json.stage, 'prospecting');
  assert.equal(o.json.probability, 10);
  const p = await admin.patch(`/api/v1/opportunities/${o.json.id}`, { stage: 'proposal' });
  assert.equal(p.json.probability, 50);
  const q = await admin.patch(`/api/v1/opportunities/${o.json.id}`, { stage: 'negotiation', probability: 65 });
  assert.equal(q.json.probability, 65);
  const h = (await admin.get(`/api/v1/opportunities/${o.json.id}/history`)).json.items.filter(i => i.field === 'stage');
  assert.deepEqual(h.map(i => i.new_value), ['negotiation', 'proposal']);
  const meta = (await admin.get('/api/v1/metadata')).json.entities.find(e => e.name === 'opportunities');
  assert.deepEqual(meta.fields.find(f => f.name === 'stage').options.map(o => o.probability), [10, 30, 50, 70, 90, 100, 0]);
  assertError(assert, await admin.post('/api/v1/opportunities', { name: '无客户的机会' }), 422, 'validation_failed');
});

test('converting a lead creates customer, contact and opportunity at once', async () => {
  const lead = await newLead({ name: '陈静', company: '杭州海康威视数字技术股份有限公司', title: '采购经理', mobile: '13800138000', source: 'website', city: '杭州' });
  assert.equal(lead.status, 'new');
  const r = await admin.post(`/api/v1/leads/${lead.id}/convert`, { create_opportunity: true, opportunity: { amount: 120000, expected_close_date: '2026-12-31' } });
  assert.equal(r.status, 200, r.text);
  const acc = (await admin.get(`/api/v1/accounts/${r.json.account_id}`)).json;
  assert.equal(acc.name, '杭州海康威视数字技术股份有限公司');
  assert.equal(acc.city, '杭州');
  assert.equal(acc.source, 'website');
  const con = (await admin.get(`/api/v1/contacts/${r.json.contact_id}`)).json;
  assert.equal(con.name, '陈静');
  assert.equal(con.account_id, acc.id);
  assert.equal(con.mobile, '13800138000');
  const opp = (await admin.get(`/api/v1/opportunities/${r.json.opportunity_id}`)).json;
  assert.equal(opp.account_id, acc.id);
  assert.equal(opp.contact_id, con.id);
  assert.equal(opp.amount, 120000);
  assert.equal(opp.source, 'lead');
  const after = (await admin.get(`/api/v1/leads/${lead.id}`)).json;
  assert.equal(after.status, 'converted');
  assert.equal(after.converted_account_id, acc.id);
  assert.equal(after.converted_contact_id, con.id);
  assert.equal(after.converted_opportunity_id, opp.id);
  assert.match(after.converted_at, /Z$/);
  assertError(assert, await admin.post(`/api/v1/leads/${lead.id}/convert`, {}), 409, 'already_converted');
  // Clients cannot forge the conversion stamps.
  assertError(assert, await admin.patch(`/api/v1/leads/${lead.id}`, { converted_account_id: 1 }), 422);
});

test('conversion can link an existing customer; a refused conversion changes nothing', async () => {
  const acc = (await admin.post('/api/v1/accounts', { name: '无锡小天鹅电器有限公司' })).json;
  const linked = await newLead({ name: '王强', company: '小天鹅' });
  const r = await admin.post(`/api/v1/leads/${linked.id}/convert`, { account_id: acc.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.account_id, acc.id);
  assert.equal(r.json.opportunity_id, null);
  // Same company name as an existing customer: 409, no contact, lead untouched.
  const dup = await newLead({ name: '赵敏', company: '无锡小天鹅电器有限公司' });
  const before = (await admin.get(`/api/v1/contacts?q=${encodeURIComponent('赵敏')}`)).json.total;
  assertError(assert, await admin.post(`/api/v1/leads/${dup.id}/convert`, {}), 409, 'duplicate');
  assert.equal((await admin.get(`/api/v1/contacts?q=${encodeURIComponent('赵敏')}`)).json.total, before);
  assert.equal((await admin.get(`/api/v1/leads/${dup.id}`)).json.status, 'new');
  assertError(assert, await admin.post(`/api/v1/leads/${dup.id}/convert`, { account_id: 999999 }), 422);
  assertError(assert, await admin.post(`/api/v1/leads/${dup.id}/convert`, { bogus: 1 }), 422, 'validation_failed');
  await admin.del(`/api/v1/leads/${dup.id}`);
  assertError(assert, await admin.post(`/api/v1/leads/${dup.id}/convert`, {}), 404, 'not_found');
});

test('two conversions of one lead at once: exactly one wins', async () => {
  const lead = await newLead({ name: '周杰', company: '并发测试科技有限公司' });
  const results = await Promise.all([1, 2, 3].map(() => admin.post(`/api/v1/leads/${lead.id}/convert`, {})));
  const codes = results.map(r => r.status).sort();
  assert.deepEqual(codes, [200, 409, 409], results.map(r => r.text).join('\n'));
  assert.equal((await admin.get(`/api/v1/accounts?q=${encodeURIComponent('并发测试')}`)).json.total, 1);
});

test('the funnel sums count, amount and weighted amount per stage', async () => {
  srv.addUser('xuming', 'Xu#2026pw', { name: '徐明' });
  const xu = await srv.client('xuming', 'Xu#2026pw');
  const acc = (await xu.post('/api/v1/accounts', { name: '徐明的客户有限公司' })).json;
  for (const [stage, amount, date] of [['prospecting', 1000, '2026-01-15'], ['proposal', 2000, '2026-02-15'], ['proposal', 3000.5, '2026-03-15'], ['won', 4000, '2026-03-20']])
    assert.equal((await xu.post('/api/v1/opportunities', { name: `${stage}-${amount}`, account_id: acc.id, stage, amount, expected_close_date: date })).status, 201);
  const f = (await xu.get('/api/v1/reports/funnel')).json;
  const by = Object.fromEntries(f.items.map(i => [i.stage, i]));
  assert.deepEqual(f.items.map(i => i.label), ['初步接洽', '需求确定', '方案报价', '谈判审核', '签约确认', '赢单', '丢单']);
  assert.equal(by.proposal.count, 2);
  assert.equal(by.proposal.amount, 5000.5);
  assert.equal(by.proposal.weighted_amount, 2500.25);
  assert.equal(by.prospecting.weighted_amount, 100);
  assert.equal(by.won.weighted_amount, 4000);
  assert.deepEqual(f.total, { count: 4, amount: 10000.5, weighted_amount: 6600.25 });
  const q1 = (await xu.get('/api/v1/reports/funnel?from=2026-02-01&to=2026-03-16')).json;
  assert.equal(q1.total.count, 2);
  const mine = (await admin.get(`/api/v1/reports/funnel?owner=${xu.user.id}`)).json;
  assert.equal(mine.total.count, 4);
  assert.ok((await admin.get('/api/v1/reports/funnel')).json.total.count >= 4);
  assertError(assert, await xu.get('/api/v1/reports/funnel?from=2026-13'), 400, 'bad_param');
  assertError(assert, await xu.get('/api/v1/reports/funnel?owner=abc'), 400, 'bad_param');
});

test('the funnel narrows: each band holds the deals that reached its stage or beyond, lost ones up to where they dropped out', async () => {
  srv.addUser('loudou', 'Lou#2026pw', { name: '娄斗' });
  const lou = await srv.client('loudou', 'Lou#2026pw');
  const empty = (await lou.get('/api/v1/reports/funnel')).json;
  assert.deepEqual(empty.bands.map(b => b.stage), ['prospecting', 'qualification', 'proposal', 'negotiation', 'commit', 'won'],
    'the open stages in metadata order, then the won state; 丢单 is no band');
  assert.ok(empty.bands.every(b => b.count === 0 && b.rate === null), JSON.stringify(empty.bands));
  assert.equal(empty.win_rate, null);
  const acc = (await lou.post('/api/v1/accounts', { name: '娄斗的漏斗客户有限公司' })).json;
  const mk = async (name, stage, amount) => {
    const r = await lou.post('/api/v1/opportunities', { name, account_id: acc.id, stage, amount });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  await mk('甲', 'prospecting', 1000);
  await mk('乙', 'proposal', 2000);
  const lost = await mk('丙', 'prospecting', 3000);
  assert.equal((await lou.patch(`/api/v1/opportunities/${lost.id}`, { stage: 'negotiation' })).status, 200);
  assert.equal((await lou.patch(`/api/v1/opportunities/${lost.id}`, { stage: 'lost', lost_reason: 'price' })).status, 200);
  await mk('丁', 'won', 4000);
  await mk('戊', 'commit', 5000);
  const f = (await lou.get('/api/v1/reports/funnel')).json;
  const band = Object.fromEntries(f.bands.map(b => [b.stage, b]));
  assert.deepEqual(f.bands.map(b => b.count), [5, 4, 4, 3, 2, 1]);
  assert.deepEqual(f.bands.map(b => b.amount), [15000, 14000, 14000, 12000, 9000, 4000]);
  assert.deepEqual(f.bands.map(b => b.rate), [null, 80, 100, 75, 66.7, 50]);
  assert.equal(band.won.won, true);
  assert.equal(band.won.label, '赢单');
  assert.deepEqual(f.lost, { count: 1, amount: 3000 });
  assert.equal(f.win_rate, 20);
  for (let i = 1; i < f.bands.length; i++) assert.ok(f.bands[i].count <= f.bands[i - 1].count, 'never wider below');
  // the stock per stage is still there beside the bands
  assert.equal(f.items.find(i => i.stage === 'lost').count, 1);
  assert.equal(f.total.count, 5);
  // bounded like the rest: only 戊 closes in 2027
  const r = await lou.patch(`/api/v1/opportunities/${(await lou.get('/api/v1/opportunities?q=' + encodeURIComponent('戊'))).json.items[0].id}`, { expected_close_date: '2027-01-10' });
  assert.equal(r.status, 200, r.text);
  const y = (await lou.get('/api/v1/reports/funnel?from=2027-01-01')).json;
  assert.deepEqual(y.bands.map(b => b.count), [1, 1, 1, 1, 1, 0]);
  const en = await lou.get('/api/v1/reports/funnel', { headers: { 'Accept-Language': 'en' } });
  assert.equal(en.json.bands.at(-1).label, 'Closed won');
});

test('reminders: planned activities in the window, the follow-ups 下次回访时间 plans, customers due for contact', async () => {
  srv.addUser('hanmei', 'Han#2026pw', { name: '韩梅' });
  const han = await srv.client('hanmei', 'Han#2026pw');
  const acc = (await han.post('/api/v1/accounts', { name: '韩梅的客户有限公司' })).json;
  // One base time for the whole test: recomputing "now" per call would race
  // the second boundary between writing a time and asserting it.
  const base = Date.now();
  const iso = days => new Date(base + days * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  const mk = body => han.post('/api/v1/activities', { account_id: acc.id, ...body });
  await mk({ subject: '逾期回访', status: 'planned', next_follow_up_at: iso(-2) });
  await mk({ subject: '三天后拜访', kind: 'visit', status: 'planned', start_at: iso(3) });
  await mk({ subject: '下月会议', kind: 'meeting', status: 'planned', start_at: iso(30) });
  await mk({ subject: '已完成电话', status: 'done', next_follow_up_at: iso(1) });
  await admin.post('/api/v1/activities', { subject: '别人的任务', status: 'planned', start_at: iso(1) });
  await han.patch(`/api/v1/accounts/${acc.id}`, { next_contact_at: iso(2) });
  const r = await han.get('/api/v1/reminders?days=7');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map(i => [i.kind, i.entity, i.title, i.overdue]), [
    ['follow_up', 'activities', '回访：逾期回访', true],
    ['follow_up', 'activities', '回访：已完成电话', false], // a done call's 下次回访 is what reminds most
    ['scheduled', 'activities', '三天后拜访', false],
    ['contact', 'accounts', '韩梅的客户有限公司', false]]);
  assert.equal(r.json.items[0].account_name, '韩梅的客户有限公司');
  assert.ok(r.json.items.every(i => i.owner_id === han.user.id && i.owner_name === '韩梅'), 'whose each one is: ' + JSON.stringify(r.json.items));
  assert.equal((await han.get('/api/v1/reminders?days=40')).json.total, 5);
  assertError(assert, await han.get('/api/v1/reminders?days=-1'), 400, 'bad_param');
  assertError(assert, await han.get('/api/v1/reminders?days=abc'), 400, 'bad_param');
});

test('下次回访时间 plans one follow-up: moved when the time changes, cancelled when cleared, gone from reminders when done', async () => {
  srv.addUser('lucy', 'Lucy#2026pw', { name: '露西' });
  const lucy = await srv.client('lucy', 'Lucy#2026pw');
  const acc = (await lucy.post('/api/v1/accounts', { name: '回访计划测试有限公司' })).json;
  // One base time for the whole test: recomputing "now" per call would race
  // the second boundary between writing a time and asserting it.
  const base = Date.now();
  const iso = days => new Date(base + days * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  const call = (await lucy.post('/api/v1/activities', { subject: '首次电话', kind: 'call', status: 'done', account_id: acc.id, next_follow_up_at: iso(2) })).json;
  const plans = async () => (await lucy.get(`/api/v1/activities?filter=${encodeURIComponent(JSON.stringify({ field: 'follow_up_of', op: 'eq', value: call.id }))}`)).json.items;
  let p = await plans();
  assert.equal(p.length, 1);
  assert.deepEqual([p[0].subject, p[0].kind, p[0].status, p[0].start_at, p[0].account_id, p[0].owner_id], ['回访：首次电话', 'call', 'planned', iso(2), acc.id, lucy.user.id]);
  await lucy.patch(`/api/v1/activities/${call.id}`, { next_follow_up_at: iso(4) });
  p = await plans();
  assert.equal(p.length, 1, 'moved, not doubled');
  assert.equal(p[0].start_at, iso(4));
  await lucy.patch(`/api/v1/activities/${call.id}`, { next_follow_up_at: null });
  assert.equal((await plans())[0].status, 'cancelled');
  await lucy.patch(`/api/v1/activities/${call.id}`, { next_follow_up_at: iso(1) });
  const planned = (await plans()).find(x => x.status === 'planned');
  assert.ok(planned, 'planned again');
  const due = async () => (await lucy.get('/api/v1/reminders?days=3')).json.items.map(i => i.id);
  assert.ok((await due()).includes(planned.id));
  await lucy.patch(`/api/v1/activities/${planned.id}`, { status: 'done', result: '客户已确认', next_follow_up_at: iso(9) });
  assert.ok(!(await due()).includes(planned.id), 'done: no longer reminded');
  const next = (await lucy.get(`/api/v1/activities?filter=${encodeURIComponent(JSON.stringify({ field: 'follow_up_of', op: 'eq', value: planned.id }))}`)).json.items;
  assert.deepEqual(next.map(a => [a.subject, a.start_at]), [['回访：首次电话', iso(9)]], 'the chain goes on without 回访：回访：');
  // the calendar sees it as an activity at that time
  const cal = (await lucy.get(`/api/v1/activities?filter=${encodeURIComponent(JSON.stringify({ and: [{ field: 'start_at', op: 'gte', value: iso(0) }, { field: 'start_at', op: 'lt', value: iso(2) }] }))}`)).json.items;
  assert.ok(cal.some(a => a.id === planned.id));
});

test('stage history: each stage an opportunity went through, when, and the time spent in it', async () => {
  const acc = (await admin.post('/api/v1/accounts', { name: '阶段历程测试有限公司' })).json;
  const o = (await admin.post('/api/v1/opportunities', { name: '阶段停留', account_id: acc.id, stage: 'qualification' })).json;
  const only = (await admin.get(`/api/v1/opportunities/${o.id}/stages`)).json;
  assert.equal(only.items.length, 1);
  assert.deepEqual([only.items[0].stage, only.items[0].label, only.items[0].entered_at, only.items[0].left_at], ['qualification', '需求确定', o.created_at, null]);
  await new Promise(ok => setTimeout(ok, 1100)); // history times have whole seconds
  await admin.patch(`/api/v1/opportunities/${o.id}`, { stage: 'proposal' });
  await admin.patch(`/api/v1/opportunities/${o.id}`, { amount: 1000 }); // not a stage change
  await admin.patch(`/api/v1/opportunities/${o.id}`, { stage: 'qualification' }); // back again
  const r = await admin.get(`/api/v1/opportunities/${o.id}/stages`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map(i => i.stage), ['qualification', 'proposal', 'qualification']);
  const [a, b, c] = r.json.items;
  assert.equal(a.left_at, b.entered_at);
  assert.equal(b.left_at, c.entered_at);
  assert.equal(c.left_at, null);
  assert.ok(a.seconds >= 1, 'a second at least in the first stage');
  const qual = r.json.totals.find(t => t.stage === 'qualification');
  assert.equal(qual.seconds, a.seconds + c.seconds, 'totals add the visits of a stage');
  // in stage order, a stage left within the same second included (0 s)
  assert.deepEqual(r.json.totals.map(t => t.stage), ['qualification', 'proposal']);
  // as private as the record
  srv.addUser('stagepeer', 'Stage#2026pw', { name: '旁人' });
  const peer = await srv.client('stagepeer', 'Stage#2026pw');
  assertError(assert, await peer.get(`/api/v1/opportunities/${o.id}/stages`), 404);
  assertError(assert, await admin.get('/api/v1/opportunities/999999/stages'), 404);
  assertError(assert, await admin.get('/api/v1/opportunities/abc/stages'), 404);
});

test('records agree: a deal lost says why, a contact belongs to the chosen customer, 已转换 only by converting', async () => {
  const a = (await admin.post('/api/v1/accounts', { name: '一致性甲有限公司' })).json;
  const b = (await admin.post('/api/v1/accounts', { name: '一致性乙有限公司' })).json;
  const liuming = (await admin.post('/api/v1/contacts', { name: '刘明', account_id: b.id })).json;
  const free = (await admin.post('/api/v1/contacts', { name: '无主联系人' })).json;
  // a contact of another customer is refused, on create and on update, naming the field
  let r = await admin.post('/api/v1/opportunities', { name: '错配商机', account_id: a.id, contact_id: liuming.id });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.contact_id, 'not_in_account');
  const o = (await admin.post('/api/v1/opportunities', { name: '一致商机', account_id: b.id, contact_id: liuming.id })).json;
  assertError(assert, await admin.patch(`/api/v1/opportunities/${o.id}`, { account_id: a.id }), 422);
  assert.equal((await admin.post('/api/v1/opportunities', { name: '无主联系人商机', account_id: a.id, contact_id: free.id })).status, 201,
    'a contact without a customer may join any');
  r = await admin.post('/api/v1/activities', { subject: '错配拜访', account_id: a.id, opportunity_id: o.id });
  assert.equal(r.json.error.fields.opportunity_id, 'not_in_account');
  // lost needs a reason; with one it goes through
  r = await admin.patch(`/api/v1/opportunities/${o.id}`, { stage: 'lost' });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.lost_reason, 'required');
  assert.equal((await admin.patch(`/api/v1/opportunities/${o.id}`, { stage: 'lost', lost_reason: 'price' })).json.probability, 0);
  assertError(assert, await admin.patch(`/api/v1/opportunities/${o.id}`, { lost_reason: null }), 422);
  // 已转换 by hand is refused; converting sets it
  const lead = await newLead({ name: '手改状态', company: '手改状态有限公司' });
  r = await admin.patch(`/api/v1/leads/${lead.id}`, { status: 'converted' });
  assertError(assert, r, 422);
  assert.equal(r.json.error.fields.status, 'read_only');
  assert.match(r.json.error.message, /已转换/);
  const status = (await admin.get('/api/v1/metadata')).json.entities.find(e => e.name === 'leads').fields.find(f => f.name === 'status');
  assert.deepEqual(status.server_values, ['converted'], 'the form is told not to offer it');
  assert.equal((await admin.post(`/api/v1/leads/${lead.id}/convert`, {})).status, 200);
  assert.equal((await admin.get(`/api/v1/leads/${lead.id}`)).json.status, 'converted');
});

test('converting takes the lead\'s follow-ups and remarks along to the new customer and contact', async () => {
  const lead = await newLead({ name: '带历史', company: '带历史转换有限公司', description: '展会上认识，对年度维保感兴趣' });
  const call = (await admin.post('/api/v1/activities', { subject: '首次电话沟通', kind: 'call', status: 'done', lead_id: lead.id })).json;
  const r = await admin.post(`/api/v1/leads/${lead.id}/convert`, {});
  assert.equal(r.status, 200, r.text);
  const moved = (await admin.get(`/api/v1/activities/${call.id}`)).json;
  assert.equal(moved.account_id, r.json.account_id);
  assert.equal(moved.contact_id, r.json.contact_id);
  assert.equal(moved.lead_id, lead.id, 'the lead stays linked too');
  const timeline = (await admin.get(`/api/v1/accounts/${r.json.account_id}/related/activities`)).json.items;
  assert.ok(timeline.some(a => a.id === call.id), 'the customer\'s timeline starts with it');
  assert.ok((await admin.get(`/api/v1/activities/${call.id}/history`)).json.items.some(h => h.field === 'account_id'));
  assert.equal((await admin.get(`/api/v1/accounts/${r.json.account_id}`)).json.description, '展会上认识，对年度维保感兴趣');
  assert.equal((await admin.get(`/api/v1/contacts/${r.json.contact_id}`)).json.description, '展会上认识，对年度维保感兴趣');
});

test('业绩简报 per salesperson: won this month, the open pipeline, activities done; a manager sees the team, a rep only self', async () => {
  const all = { view: true, create: true, edit: true, delete: true };
  const profile = (await admin.post('/api/v1/profiles', { name: '简报销售', permissions: { accounts: all, opportunities: all, activities: all } })).json;
  const boss = (await admin.post('/api/v1/roles', { name: '简报经理', profile_ids: [profile.id] })).json;
  const rep = (await admin.post('/api/v1/roles', { name: '简报代表', parent_id: boss.id, profile_ids: [profile.id] })).json;
  const mk = async (username, name, role_id) => {
    const r = await admin.post('/api/v1/users', { username, name, password: 'Pass#2026word', role_id });
    assert.equal(r.status, 201, r.text);
    return srv.client(username, 'Pass#2026word');
  };
  const mgr = await mk('jianbao_mgr', '简经理', boss.id);
  const a = await mk('jianbao_a', '甲代表', rep.id);
  const b = await mk('jianbao_b', '乙代表', rep.id);
  for (const [c, name] of [[a, '甲代表的客户有限公司'], [b, '乙代表的客户有限公司']]) {
    const acc = (await c.post('/api/v1/accounts', { name })).json;
    c.account = acc.id;
  }
  const deal = async (c, name, stage, amount) => {
    const r = await c.post('/api/v1/opportunities', { name, account_id: c.account, stage, amount });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  await deal(a, '甲赢单一', 'won', 10000);
  const moved = await deal(a, '甲谈判后赢', 'negotiation', 20000.5);
  assert.equal((await a.patch(`/api/v1/opportunities/${moved.id}`, { stage: 'won' })).status, 200);
  await deal(a, '甲在谈', 'proposal', 30000);
  await deal(b, '乙在谈一', 'prospecting', 1000);
  await deal(b, '乙在谈二', 'commit', 2000);
  await deal(b, '乙丢单', 'lost', 5000).catch(() => {});
  await a.post('/api/v1/activities', { subject: '甲的电话', status: 'done', account_id: a.account });
  await a.post('/api/v1/activities', { subject: '甲的计划', status: 'planned', account_id: a.account });
  await b.post('/api/v1/activities', { subject: '乙的拜访', status: 'done', kind: 'visit', account_id: b.account });
  await b.post('/api/v1/activities', { subject: '乙上月的拜访', status: 'done', kind: 'visit', account_id: b.account, start_at: '2020-01-10T02:00:00Z' });

  const r = await mgr.get('/api/v1/reports/team');
  assert.equal(r.status, 200, r.text);
  const by = Object.fromEntries(r.json.items.map(i => [i.owner_name, i]));
  assert.deepEqual(Object.keys(by).sort(), ['乙代表', '甲代表']);
  assert.deepEqual([by['甲代表'].won_count, by['甲代表'].won_amount, by['甲代表'].open_count, by['甲代表'].open_amount, by['甲代表'].activities_done],
    [2, 30000.5, 1, 30000, 1]);
  assert.deepEqual([by['乙代表'].won_count, by['乙代表'].open_count, by['乙代表'].open_amount, by['乙代表'].weighted_amount, by['乙代表'].activities_done],
    [0, 2, 3000, 1900, 1]);
  assert.deepEqual([r.json.total.won_amount, r.json.total.open_amount, r.json.total.activities_done], [30000.5, 33000, 2]);
  // the period: 2020-01 holds only 乙's old visit
  const old = (await mgr.get('/api/v1/reports/team?from=2020-01-01&to=2020-01-31')).json;
  assert.equal(old.from, '2019-12-31T16:00:00Z', 'China-time days');
  assert.equal(old.to, '2020-01-31T16:00:00Z');
  assert.equal(old.total.activities_done, 1);
  assert.equal(old.total.won_count, 0);
  // a rep sees only self
  const mine = (await b.get('/api/v1/reports/team')).json;
  assert.deepEqual(mine.items.map(i => i.owner_name), ['乙代表']);
  assertError(assert, await b.get('/api/v1/reports/team?from=2026-1-1'), 400, 'bad_param');
});
