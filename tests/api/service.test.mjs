// service.test.mjs - 客户服务 (issue 16): service tickets and complaints with
// their state machine, the SLA clock on the company's working calendar
// (weekends, 国庆, a 调休 Saturday), deadlines recomputed with the
// priority, breach flags and escalation to the superior, round-robin
// assignment by queue, satisfaction at closing, the care follow-up and the
// bell. Times below are UTC; the calendar's day is Beijing's (UTC+8).
// The breach sweep is the server's job (every round here), never a GET's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, BACKEND, created, ok } from './harness.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
let admin, agent1, agent2, users = {}, account, contact, article, repairQueue, anyQueue;

const sleep = ms => new Promise(r => setTimeout(r, ms));
async function until(what, fn, seconds = 20) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

before(async () => {
  await srv.start({ env: { KEHU_SLA_SWEEP_SECONDS: '0', KEHU_MAIL_POLL_MS: '100' } });
  admin = await srv.client();
  const perms = { view: true, create: true, edit: true, delete: true, export: true };
  const profile = created(await admin.post('/api/v1/profiles', {
    name: '客服人员', permissions: { tickets: perms, accounts: perms, contacts: perms, kb_articles: { view: true }, activities: perms } }));
  const lead = created(await admin.post('/api/v1/roles', { name: '客服主管', profile_ids: [profile.id] }));
  const agent = created(await admin.post('/api/v1/roles', { name: '客服专员', parent_id: lead.id, profile_ids: [profile.id] }));
  const mk = async (username, name, role) =>
    (users[username] = created(await admin.post('/api/v1/users', { username, name, password: PW, role_id: role.id })));
  await mk('zhouqing', '周清', lead);
  await mk('wujing', '吴静', agent);
  await mk('chenfei', '陈飞', agent);
  agent1 = await srv.client('wujing', PW);
  agent2 = await srv.client('chenfei', PW);
  account = created(await admin.post('/api/v1/accounts', { name: '南京华信电子有限公司' }));
  contact = created(await admin.post('/api/v1/contacts', { name: '刘洋', account_id: account.id }));
  article = created(await admin.post('/api/v1/kb_articles', { title: '打印机卡纸怎么办', category: 'technical', body: '打开后盖取出纸张。' }));
  for (const [name, priority, category, r, s, days] of [
    ['高优先级', 'high', null, 2, 8, 0], ['低优先级', 'low', null, 8, 40, 0],
    ['质量投诉', 'high', 'quality', 1, 4, 3], ['普通', 'normal', null, 4, 16, 0]]) {
    created(await admin.post('/api/v1/sla_rules', { name, priority, category, first_response_hours: r, resolution_hours: s, follow_up_days: days }));
  }
  repairQueue = created(await admin.post('/api/v1/service_queues', {
    name: '维修组', category: 'repair', members: [{ user_id: users.wujing.id }, { user_id: users.chenfei.id }] }));
  anyQueue = created(await admin.post('/api/v1/service_queues', { name: '客服热线', members: [{ user_id: users.chenfei.id }] }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

const ticket = async (more, as = admin) => created(await as.post('/api/v1/tickets', {
  subject: '打印机频繁卡纸', account_id: account.id, contact_id: contact.id, channel: 'phone', category: 'usage',
  priority: 'high', description: '客户反映办公室打印机每天卡纸多次。', owner_id: users.wujing.id, ...more }));
const act = async (as, id, name, body = {}) => as.post(`/api/v1/tickets/${id}/actions/${name}`, body);

test('the metadata: tickets in 客户服务 with their state machine and actions; settings entities', async () => {
  const meta = ok(await agent1.get('/api/v1/metadata'));
  const t = meta.entities.find(e => e.name === 'tickets');
  assert.deepEqual(t.actions.map(a => a.name), ['start', 'ask_customer', 'resume', 'resolve', 'close', 'reopen']);
  const close = t.actions.find(a => a.name === 'close');
  assert.deepEqual(close.ask.map(q => [q.field, !!q.required]), [['satisfaction', true], ['satisfaction_note', false]]);
  assert.deepEqual(t.fields.find(f => f.name === 'kind').options.map(o => o.label), ['服务请求', '客户投诉', '咨询', '反馈留言']);
  assert.ok(meta.menu.find(g => g.key === 'service').items.includes('tickets'));
  for (const name of ['sla_rules', 'service_queues', 'work_calendars']) assert.ok(meta.entities.find(e => e.name === name), name);
});

test('the ticket queue has its own index (metadata "indexes"): queue, status, then the deadline', async () => {
  const names = BACKEND === 'sqlite'
    ? srv.sql("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets' AND name LIKE 'tickets_cx_%' ORDER BY name")
    : srv.sql("SELECT indexname FROM pg_indexes WHERE tablename = 'tickets' AND indexname LIKE 'tickets_cx_%' ORDER BY indexname");
  assert.deepEqual(names.split('\n'), ['tickets_cx_queue_id_status_resolution_due', 'tickets_cx_status_resolution_due']);
  const def = BACKEND === 'sqlite'
    ? srv.sql("SELECT sql FROM sqlite_master WHERE name = 'tickets_cx_queue_id_status_resolution_due'")
    : srv.sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'tickets_cx_queue_id_status_resolution_due'");
  assert.match(def, /company_id, queue_id, status, resolution_due, id\)? WHERE \(?deleted_at IS NULL/);
});

test('the first ticket seeds the company calendar with the national holidays and 调休 days', async () => {
  await ticket({ subject: '首张工单' });
  const cals = ok(await admin.get('/api/v1/work_calendars')).items;
  assert.equal(cals.length, 1);
  const cal = ok(await admin.get(`/api/v1/work_calendars/${cals[0].id}`));
  assert.deepEqual([cal.name, cal.work_start, cal.work_end, cal.saturday_off], ['法定工作日历', '09:00', '18:00', true]);
  const oct10 = cal.days.find(d => d.day === '2026-10-10');
  assert.deepEqual([oct10.kind, oct10.note], ['workday', '国庆节调休']);
  assert.ok(cal.days.some(d => d.day === '2027-10-01' && d.kind === 'holiday'));
  // settings are the administrator's
  assertError(assert, await agent1.post('/api/v1/work_calendars', { name: '我的日历' }), 403);
});

test('SLA across a weekend: Friday 17:00 + 2 working hours is Monday 10:00', async () => {
  const t = await ticket({ received_at: '2026-03-06T09:00:00Z' });
  assert.equal(t.first_response_due, '2026-03-09T02:00:00Z');
  assert.equal(t.resolution_due, '2026-03-09T08:00:00Z'); // 8 h: 1 on Friday, 7 on Monday
  // both passed long ago: flagged at once
  assert.deepEqual([t.response_breached, t.resolution_breached], [true, true]);
});

test('SLA across 国庆 and on the 调休 Saturday', async () => {
  const t = await ticket({ received_at: '2026-09-30T08:00:00Z' }); // Wednesday 16:00
  assert.equal(t.first_response_due, '2026-09-30T10:00:00Z'); // 2 h: 16-18 on the 30th
  assert.equal(t.resolution_due, '2026-10-08T07:00:00Z'); // 8 h: 2 on the 30th, nothing until 10-08, 6 there
  const sat = await ticket({ received_at: '2026-10-09T09:00:00Z' }); // Friday 17:00
  assert.equal(sat.first_response_due, '2026-10-10T02:00:00Z'); // Saturday 10-10 is a working day
});

test('a category rule wins over one for any category; a priority change recomputes the deadlines', async () => {
  const q = await ticket({ received_at: '2026-03-06T09:00:00Z', category: 'quality', kind: 'complaint' });
  assert.equal(q.first_response_due, '2026-03-06T10:00:00Z'); // 1 h: Friday 18:00
  const t = await ticket({ received_at: '2026-03-06T09:00:00Z' });
  const low = ok(await agent1.patch(`/api/v1/tickets/${t.id}`, { priority: 'low' }));
  assert.equal(low.first_response_due, '2026-03-09T08:00:00Z'); // 8 h: 1 Friday + 7 Monday = 16:00
  assert.equal(low.resolution_due, '2026-03-13T04:00:00Z'); // 40 h: 1 + 4 × 9 + 3, Friday 12:00
  // a priority without a rule: no deadline, no breach
  const none = ok(await agent1.patch(`/api/v1/tickets/${t.id}`, { priority: 'urgent' }));
  assert.deepEqual([none.first_response_due, none.resolution_due, none.resolution_breached], [null, null, false]);
});

test('bad input: unknown priority, a future 受理时间, bad calendar hours and rule hours', async () => {
  const r = await agent1.post('/api/v1/tickets', { subject: 'x', account_id: account.id, description: 'x', priority: 'asap' });
  assertError(assert, r, 422, 'validation_failed');
  assert.equal(r.json.error.fields.priority, 'not_an_option');
  const f = await agent1.post('/api/v1/tickets', { subject: 'x', account_id: account.id, description: 'x', received_at: '2099-01-01T00:00:00Z' });
  assertError(assert, f, 422, 'validation_failed');
  assert.equal(f.json.error.fields.received_at, 'future');
  const cal = await admin.post('/api/v1/work_calendars', { name: '夜班', work_start: '25:00', work_end: '08:00' });
  assertError(assert, cal, 422, 'validation_failed');
  assert.equal(cal.json.error.fields.work_start, 'invalid');
  const late = await admin.post('/api/v1/work_calendars', { name: '倒挂', work_start: '18:00', work_end: '09:00' });
  assert.equal(late.json.error.fields.work_end, 'invalid');
  const rule = await admin.post('/api/v1/sla_rules', { name: '零', priority: 'low', first_response_hours: 0, resolution_hours: 5 });
  assertError(assert, rule, 422, 'validation_failed');
  assert.equal(rule.json.error.fields.first_response_hours, 'out_of_range');
});

test('a hostile description is stored and returned as text', async () => {
  const evil = '<img src=x onerror=alert(1)><script>alert("工单")</script>';
  const t = await ticket({ description: evil, subject: '<b>粗体</b>' });
  const back = ok(await agent1.get(`/api/v1/tickets/${t.id}`));
  assert.equal(back.description, evil);
  assert.equal(back.subject, '<b>粗体</b>');
});

test('the life of a ticket: responded, resolved with an article, closed only with 满意度, reopened', async () => {
  const t = await ticket({ subject: '复印机不出纸' });
  assert.equal(t.status, 'new');
  assert.equal(t.first_responded_at, null);
  assertError(assert, await agent1.patch(`/api/v1/tickets/${t.id}`, { status: 'closed' }), 422, 'validation_failed');
  let r = ok(await act(agent1, t.id, 'start')).record;
  assert.equal(r.status, 'in_progress');
  assert.match(r.first_responded_at, /^2\d{3}-/);
  assert.equal(r.response_breached, false);
  // 处理记录 as lines
  r = ok(await agent1.patch(`/api/v1/tickets/${t.id}`, { notes: [
    { noted_at: '2026-12-01T02:00:00Z', kind: 'reply', content: '已电话联系客户，约定明日上门。' },
    { noted_at: '2026-12-02T02:00:00Z', kind: 'visit', content: '更换搓纸轮。' }] }));
  assert.deepEqual(r.notes.map(n => n.position), [1, 2]);
  assertError(assert, await act(agent1, t.id, 'close', { satisfaction: '5' }), 422, 'action_not_allowed');
  assertError(assert, await act(agent1, t.id, 'resolve', {}), 422);
  r = ok(await act(agent1, t.id, 'resolve', { resolution: '更换搓纸轮后恢复正常。', kb_article_id: article.id })).record;
  assert.deepEqual([r.status, r.kb_article_id], ['resolved', article.id]);
  assert.match(r.resolved_at, /^2\d{3}-/);
  const noSat = await act(agent1, t.id, 'close', {});
  assertError(assert, noSat, 422);
  assert.equal(noSat.json.error.fields.satisfaction, 'required');
  assertError(assert, await act(agent1, t.id, 'close', { satisfaction: '6' }), 422);
  r = ok(await act(agent1, t.id, 'close', { satisfaction: '4', satisfaction_note: '师傅很专业' })).record;
  assert.deepEqual([r.status, r.satisfaction], ['closed', '4']);
  assert.match(r.closed_at, /^2\d{3}-/);
  assertError(assert, await agent1.patch(`/api/v1/tickets/${t.id}`, { subject: '改' }), 422, 'locked');
  assertError(assert, await act(agent1, t.id, 'reopen', {}), 422);
  r = ok(await act(agent1, t.id, 'reopen', { reopen_reason: '客户反映问题复现' })).record;
  assert.deepEqual([r.status, r.reopen_count, r.satisfaction, r.closed_at, r.resolved_at], ['in_progress', 1, null, null, null]);
  // the article lists the tickets that used it
  const used = ok(await agent1.get(`/api/v1/tickets?filter=${encodeURIComponent(JSON.stringify({ field: 'kb_article_id', op: 'eq', value: article.id }))}`));
  assert.equal(used.total, 1);
});

test('closing a complaint whose rule says so plans the care follow-up for the owner', async () => {
  const t = await ticket({ category: 'quality', kind: 'complaint', subject: '硒鼓漏粉' });
  await act(agent1, t.id, 'start');
  await act(agent1, t.id, 'resolve', { resolution: '免费更换硒鼓' });
  ok(await act(agent1, t.id, 'close', { satisfaction: '3' }));
  const acts = ok(await admin.get(`/api/v1/activities?q=${encodeURIComponent('硒鼓漏粉')}`)).items;
  assert.equal(acts.length, 1);
  assert.deepEqual([acts[0].status, acts[0].account_id, acts[0].owner_id], ['planned', account.id, users.wujing.id]);
  assert.match(acts[0].subject, /^服务回访：FW-\d{6} 硒鼓漏粉$/);
  const days = (Date.parse(acts[0].start_at) - Date.now()) / 86400000;
  assert.ok(days > 2.9 && days < 3.1, String(days));
});

test('round robin within a queue, the queue by category, a named owner kept', async () => {
  const owners = [];
  for (let i = 0; i < 3; i++) {
    const t = await ticket({ owner_id: undefined, category: 'repair', subject: `报修 ${i}` }, admin);
    owners.push(t.owner_id);
    assert.equal(t.queue_id, repairQueue.id);
  }
  assert.deepEqual(owners, [users.wujing.id, users.chenfei.id, users.wujing.id]);
  const other = await ticket({ owner_id: undefined, category: 'billing' }, admin);
  assert.deepEqual([other.queue_id, other.owner_id], [anyQueue.id, users.chenfei.id]);
  const named = await ticket({ owner_id: users.wujing.id, category: 'repair' }, admin);
  assert.deepEqual([named.owner_id, named.queue_id], [users.wujing.id, null]);
  assert.equal(ok(await admin.get(`/api/v1/service_queues/${repairQueue.id}`)).assigned_count, 3);
});

test('breached tickets are escalated to the superior and warned in the bell; the queue by deadline', async () => {
  const late = await ticket({ received_at: '2026-03-06T09:00:00Z', subject: '网络中断' });
  const fresh = await ticket({ subject: '新装软件咨询' });
  assert.equal(fresh.resolution_breached, false);
  const queue = ok(await agent1.get('/api/v1/service/queue?limit=500'));
  const ids = queue.items.map(t => t.id);
  assert.ok(ids.includes(late.id) && ids.includes(fresh.id));
  assert.ok(ids.indexOf(late.id) < ids.indexOf(fresh.id));
  const dues = queue.items.map(t => t.resolution_due).filter(Boolean);
  assert.deepEqual(dues, [...dues].sort());
  assert.ok(queue.items.every(t => ['new', 'in_progress', 'waiting_customer'].includes(t.status)));
  // the server's sweep escalates it, no request needed
  const after = await until('the escalation', async () => {
    const t = ok(await agent1.get(`/api/v1/tickets/${late.id}`));
    return t.escalated_at ? t : null;
  });
  assert.deepEqual([after.escalated_to, after.resolution_breached], [users.zhouqing.id, true]);
  assert.match(after.escalated_at, /^2\d{3}-/);
  // the owner's bell and the superior's
  const mine = ok(await agent1.get('/api/v1/reminders?days=7')).items.filter(i => i.entity === 'tickets');
  const item = mine.find(i => i.id === late.id);
  assert.deepEqual([item.kind, item.overdue, item.account_name], ['sla_breach', true, '南京华信电子有限公司']);
  const boss = await srv.client('zhouqing', PW);
  assert.ok(ok(await boss.get('/api/v1/reminders?days=7')).items.some(i => i.entity === 'tickets' && i.id === late.id));
  // filtered by queue
  const repair = ok(await admin.get(`/api/v1/service/queue?queue_id=${repairQueue.id}`));
  assert.ok(repair.items.length >= 3 && repair.items.every(t => t.queue_id === repairQueue.id));
  assertError(assert, await admin.get('/api/v1/service/queue?queue_id=abc'), 400, 'bad_param');
});

test('a contact whose birthday comes this week is in the bell (客户关怀)', async () => {
  const soon = new Date(Date.now() + 8 * 3600000 + 2 * 86400000).toISOString().slice(5, 10);
  const c = created(await admin.post('/api/v1/contacts', { name: '孙丽', account_id: account.id, birthday: `1985-${soon}`, owner_id: users.wujing.id }));
  const bell = ok(await agent1.get('/api/v1/reminders?days=7')).items;
  const b = bell.find(i => i.kind === 'birthday' && i.id === c.id);
  assert.ok(b, JSON.stringify(bell.map(i => i.kind)));
  assert.match(b.title, /^孙丽 生日/);
});

test('the bell of an agent without activities holds the service items, not a 403', async () => {
  const perms = { view: true, create: true, edit: true };
  const profile = created(await admin.post('/api/v1/profiles', { name: '热线坐席', permissions: { tickets: perms, accounts: { view: true } } }));
  const role = created(await admin.post('/api/v1/roles', { name: '热线坐席', profile_ids: [profile.id] }));
  created(await admin.post('/api/v1/users', { username: 'rexian', name: '热线小王', password: PW, role_id: role.id }));
  const hotline = await srv.client('rexian', PW);
  const bell = await hotline.get('/api/v1/reminders?days=7');
  assert.equal(bell.status, 200, bell.text);
  assert.ok(Array.isArray(bell.json.items));
  assert.ok(bell.json.items.every(i => i.entity !== 'activities'));
});
