// service_stats.test.mjs - 客户关怀 for the anniversary of a customer's
// first signed order (in the bell, like birthdays), and 服务统计: tickets by
// category, channel, agent and month with first-response and resolution
// SLA met rates and the average satisfaction, checked against figures
// worked out by hand, as JSON and as a spreadsheet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
let admin, account;
const iso = ms => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const beijingDay = ms => new Date(ms + 8 * 3600000).toISOString().slice(0, 10);

before(async () => {
  await srv.start();
  admin = await srv.client();
  account = created(await admin.post('/api/v1/accounts', { name: '杭州云启信息技术有限公司' }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('客户关怀: the anniversary of the first signed order is in the owner\'s bell, drafts and cancelled orders do not count', async () => {
  const soon = beijingDay(Date.now() + 2 * 86400000);
  const year = Number(soon.slice(0, 4));
  const md = soon.slice(5);
  if (md === '02-29') return; // no anniversary on a day most years lack
  const order = async (subject, date) => created(await admin.post('/api/v1/sales_orders', { subject, account_id: account.id, order_date: date }));
  // a draft five years back on the same day does not count; the signed one three years back does
  await order('未提交的旧订单', `${year - 5}-${md}`);
  const signed = await order('首批服务器采购', `${year - 3}-${md}`);
  ok(await admin.post(`/api/v1/sales_orders/${signed.id}/actions/submit`, {}));
  const later = await order('扩容订单', `${year - 1}-${md}`);
  ok(await admin.post(`/api/v1/sales_orders/${later.id}/actions/submit`, {}));
  const bell = ok(await admin.get('/api/v1/reminders?days=7')).items.filter(i => i.kind === 'anniversary');
  assert.equal(bell.length, 1, JSON.stringify(bell));
  assert.deepEqual([bell[0].entity, bell[0].id, bell[0].account_name], ['accounts', account.id, '杭州云启信息技术有限公司']);
  assert.equal(bell[0].title, `杭州云启信息技术有限公司 合作 3 周年（首单签订于 ${year - 3}-${md}）`);
  // due at the start of that day, Beijing time
  assert.equal(bell[0].due_at, iso(Date.parse(`${soon}T00:00:00Z`) - 8 * 3600000));
});

test('服务统计: counts, SLA met rates and satisfaction by category, channel, agent and month, exact', async () => {
  created(await admin.post('/api/v1/sla_rules', { name: '高优先级', priority: 'high', first_response_hours: 4, resolution_hours: 24 }));
  const today = beijingDay(Date.now());
  const longAgo = iso(Date.now() - 40 * 86400000);
  const ticket = async (more) => created(await admin.post('/api/v1/tickets', { subject: '服务器宕机', description: '机房服务器无法开机。', account_id: account.id, ...more }));
  const act = async (id, name, body = {}) => ok(await admin.post(`/api/v1/tickets/${id}/actions/${name}`, body));
  const handle = async (t, satisfaction) => {
    await act(t.id, 'start');
    await act(t.id, 'resolve', { resolution: '已更换电源' });
    if (satisfaction) await act(t.id, 'close', { satisfaction });
  };
  // T1 repair/phone/high, now: answered and resolved in time, 5
  await handle(await ticket({ category: 'repair', channel: 'phone', priority: 'high' }), '5');
  // T2 repair/phone/high, 40 days ago: both clocks breached, 2
  await handle(await ticket({ category: 'repair', channel: 'phone', priority: 'high', received_at: longAgo }), '2');
  // T3 repair/email/high, now, untouched: no clock has ended
  await ticket({ category: 'repair', channel: 'email', priority: 'high' });
  // T4 a usage complaint by wechat, low (no rule, no deadlines): resolved, 4
  await handle(await ticket({ category: 'usage', channel: 'wechat', priority: 'low', kind: 'complaint' }), '4');

  const byCategory = ok(await admin.get('/api/v1/reports/service?by=category'));
  assert.equal(byCategory.report, 'service');
  assert.deepEqual(byCategory.columns.map(c => c.key),
    ['label', 'tickets', 'complaints', 'resolved', 'response_met', 'response_rate', 'resolution_met', 'resolution_rate', 'rated', 'satisfaction']);
  const row = label => byCategory.items.find(r => r.label === label);
  const pick = r => [r.tickets, r.complaints, r.resolved, r.response_met, r.response_rate, r.resolution_met, r.resolution_rate, r.rated, r.satisfaction];
  // 故障维修: 3 tickets, 2 resolved; response measured 2 (T1 met, T2 late) = 50%; resolution the same; (5 + 2) / 2
  assert.deepEqual(pick(row('故障维修')), [3, 0, 2, 1, 50, 1, 50, 2, 3.5]);
  // 使用咨询: no deadlines, so nothing measured (0.00), one complaint rated 4
  assert.deepEqual(pick(row('使用咨询')), [1, 1, 1, 0, 0, 0, 0, 1, 4]);
  // the whole: rates of the whole, not sums of the rows' rates; (5 + 2 + 4) / 3 = 3.666… → 3.67
  assert.deepEqual(pick(byCategory.total), [4, 1, 3, 1, 50, 1, 50, 3, 3.67]);

  const byChannel = ok(await admin.get('/api/v1/reports/service?by=channel'));
  assert.deepEqual(byChannel.items.map(r => [r.label, r.tickets]), [['电话', 2], ['邮件', 1], ['微信', 1]]);
  // 邮件 holds only T3, which nobody rated: no average, not 0 (an empty cell in the file)
  assert.deepEqual(byChannel.items.map(r => [r.label, r.rated, r.satisfaction]), [['电话', 2, 3.5], ['邮件', 0, null], ['微信', 1, 4]]);
  const channelCsv = (await admin.get('/api/v1/reports/service?by=channel&format=csv')).text;
  assert.equal(channelCsv.split(/\r?\n/).find(l => l.startsWith('邮件,')), '邮件,1,0,0,0,0.00,0,0.00,0,');
  const byAgent = ok(await admin.get('/api/v1/reports/service?by=owner'));
  assert.deepEqual(byAgent.items.map(r => [r.tickets, r.satisfaction]), [[4, 3.67]]);
  // the period: T2 falls out; rates and averages are exact decimals (numbers in JSON)
  const recent = ok(await admin.get(`/api/v1/reports/service?by=category&from=${today.slice(0, 8)}01`));
  const month = today.slice(0, 7);
  if (longAgo.slice(0, 7) !== month) assert.deepEqual(pick(recent.items.find(r => r.label === '故障维修')), [2, 0, 1, 1, 100, 1, 100, 1, 5]);
  const byMonth = ok(await admin.get('/api/v1/reports/service?by=month'));
  assert.deepEqual(byMonth.items.map(r => r.label), [...new Set([longAgo.slice(0, 7), iso(Date.now()).slice(0, 7)])].sort());

  const csv = await admin.get('/api/v1/reports/service?by=category&format=csv');
  assert.equal(csv.status, 200);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(lines[0], '分组,工单数,投诉数,已解决,按时首次响应,首次响应达标率%,按时解决,解决时限达标率%,评价数,平均满意度');
  assert.ok(lines.includes('故障维修,3,0,2,1,50.00,1,50.00,2,3.50'), lines.join('\n'));
  assert.equal(lines.at(-1), '合计,4,1,3,1,50.00,1,50.00,3,3.67');
  const xlsx = await admin.get('/api/v1/reports/service?format=xlsx');
  assert.equal(xlsx.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assertError(assert, await admin.get('/api/v1/reports/service?by=weather'), 400, 'bad_param');
  assertError(assert, await admin.get('/api/v1/reports/service?from=yesterday'), 400, 'bad_param');
});

test('服务统计 counts only the tickets the user\'s list shows, and needs the tickets right', async () => {
  const perms = { view: true, create: true, edit: true };
  const profile = created(await admin.post('/api/v1/profiles', { name: '坐席', permissions: { tickets: perms, accounts: perms } }));
  const role = created(await admin.post('/api/v1/roles', { name: '坐席', profile_ids: [profile.id] }));
  created(await admin.post('/api/v1/users', { username: 'zuoxi', name: '坐席小刘', password: PW, role_id: role.id }));
  const agent = await srv.client('zuoxi', PW);
  const own = created(await agent.post('/api/v1/accounts', { name: '宁波海曙贸易有限公司' }));
  created(await agent.post('/api/v1/tickets', { subject: '咨询开票', description: '询问增值税专用发票。', account_id: own.id, category: 'billing', channel: 'phone' }));
  const mine = ok(await agent.get('/api/v1/reports/service'));
  assert.equal(mine.total.tickets, 1, 'only the agent\'s own ticket');
  assertError(assert, await agent.get('/api/v1/reports/service?format=xlsx'), 403, 'forbidden');
  const none = created(await admin.post('/api/v1/profiles', { name: '无工单', permissions: { accounts: { view: true } } }));
  const r2 = created(await admin.post('/api/v1/roles', { name: '行政', profile_ids: [none.id] }));
  created(await admin.post('/api/v1/users', { username: 'xingzheng', name: '行政小王', password: PW, role_id: r2.id }));
  assertError(assert, await (await srv.client('xingzheng', PW)).get('/api/v1/reports/service'), 403, 'forbidden');
});
