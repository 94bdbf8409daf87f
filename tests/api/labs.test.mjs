// labs.test.mjs - the labs of issue 16 done by scripted students through
// the API, as the browser would: ALLPASS 实验十 服务中心, 博星卓越 实验六 市场管理
// and 实验十 客户服务, 行健动力 实验五 我的办公室 and 实验六 通讯中心. For each,
// one student does every step and passes all of them from their own
// records; another skips one step and passes everything else, and that
// step says why in the words of the lab.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, firstSignIn, ok } from './harness.mjs';
import { created, stepOf } from './classroom.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
const LABS = ['allpass-10', 'bx-06', 'bx-10', 'xj-05', 'xj-06'];
const students = {}; // lab -> [the one who does everything, the one who skips a step]
const assignments = {};
const day = offset => new Date(Date.now() + 8 * 3600000 + offset * 86400000).toISOString().slice(0, 10); // Beijing
const at = offset => new Date(Date.now() + offset * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
const progress = async (s, lab) => ok(await s.get(`/api/v1/assignments/${assignments[lab]}/my-progress`));
const act = async (s, entity, id, name, body = {}) => ok(await s.post(`/api/v1/${entity}/${id}/actions/${name}`, body));

before(async () => {
  await srv.start();
  const platform = await srv.client();
  created(await platform.post('/api/v1/users', { username: 'li_t', name: '李老师', password: PW }));
  const t = (await platform.get('/api/v1/users')).json.items.find(u => u.username === 'li_t');
  assert.equal((await platform.req('PUT', `/api/v1/teachers/${t.id}`)).status, 204);
  const teacher = await srv.client('li_t', PW);
  const klass = await created(await teacher.post('/api/v1/classes', { name: '电子商务2401班' }));
  const rows = ['学号,姓名'];
  LABS.forEach((_, i) => rows.push(`20240901${String(2 * i + 1).padStart(2, '0')},学生${2 * i + 1}`, `20240901${String(2 * i + 2).padStart(2, '0')},学生${2 * i + 2}`));
  const r = await teacher.req('POST', `/api/v1/classes/${klass.id}/students/import`,
    { raw: rows.join('\n'), headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
  assert.equal(r.status, 201, r.text);
  const opens = at(-1 / 1440), closes = at(7);
  for (const [i, lab] of LABS.entries()) {
    const a = await created(await teacher.post('/api/v1/assignments', { class_id: klass.id, experiment: lab, opens_at: opens, closes_at: closes }));
    assignments[lab] = a.id;
    const [one, two] = [r.json.students[2 * i], r.json.students[2 * i + 1]];
    students[lab] = [await firstSignIn(srv, one.student_no, one.password, PW), await firstSignIn(srv, two.student_no, two.password, PW)];
  }
});
after(async () => { await srv.stop(); srv.cleanup(); });

const allDone = p => {
  assert.equal(p.done, p.total, JSON.stringify(p.steps.filter(s => s.state !== 'done')));
  for (const step of p.steps) assert.equal(step.why, null, step.key);
};
const allDoneBut = (p, key, why) => {
  const left = p.steps.filter(s => s.state !== 'done');
  assert.deepEqual(left.map(s => [s.key, s.why]), [[key, why]]);
};

// ---- 博星卓越 实验六 市场管理 ----

async function marketingLab(s, { completeTask }) {
  const c = await created(await s.post('/api/v1/campaigns', { name: '2026 京津冀智慧教育装备展', type: 'exhibition', budget: 80000,
    expected_revenue: 300000, start_date: day(10), end_date: day(12), location: '北京国家会议中心' }));
  const tasks = [];
  for (const [subject, kind, due] of [['展位设计与搭建', 'preparation', 8], ['邀约重点学校参展', 'invitation', 9], ['展会效果评估', 'evaluation', 20]])
    tasks.push(await created(await s.post('/api/v1/campaign_tasks', { subject, kind, campaign_id: c.id, due_date: day(due), owner_id: s.user.id })));
  for (const name of ['北京市海淀实验小学', '天津市南开中学', '石家庄市第二中学'])
    await created(await s.post('/api/v1/accounts', { name, industry: 'education', city: name.slice(0, 2) }));
  assert.deepEqual(ok(await s.post(`/api/v1/campaigns/${c.id}/members`, { entity: 'accounts', status: 'invited' })), { added: 3, skipped: 0 });
  const members = ok(await s.get(`/api/v1/campaigns/${c.id}/related/members`)).items;
  for (const m of members.slice(0, 2))
    ok(await s.patch(`/api/v1/campaign_members/${m.id}`, { status: 'responded', response: '派两位老师参观' }));
  if (completeTask) {
    await act(s, 'campaign_tasks', tasks[0].id, 'start');
    await act(s, 'campaign_tasks', tasks[0].id, 'complete', { result: '展位按期搭好，位置靠近主通道' });
  }
  for (const [subject, responses] of [['展会第一天现场统计', 40], ['展会第二天现场统计', 25]])
    await created(await s.post('/api/v1/campaign_tracks', { subject, task_id: tasks[1].id, method: 'onsite', visitors: 150, responses,
      leads_gained: 2, content: '重点学校到访，登记名片' }));
  for (const [name, company] of [['周老师', '北京市海淀实验小学'], ['吴主任', '天津市南开中学']])
    await created(await s.post('/api/v1/leads', { name, company, source: 'campaign', campaign_id: c.id }));
  const x = await created(await s.post('/api/v1/expenses', { subject: '展位费及搭建费', expense_type: 'conference', amount: 65000, campaign_id: c.id }));
  await act(s, 'expenses', x.id, 'submit');
  await act(s, 'campaigns', c.id, 'start');
  await act(s, 'campaigns', c.id, 'complete', { summary: '三天到访 300 人次，线索 2 条，下周起逐一回访。' });
  return ok(await s.get(`/api/v1/campaigns/${c.id}`));
}

test('博星 实验六 市场管理: every step from the student\'s campaign, its tasks, members, tracking, leads and cost', async () => {
  const [s] = students['bx-06'];
  let p = await progress(s, 'bx-06');
  assert.equal(p.done, 0);
  assert.equal(stepOf(p, 'tasks').why, '还没有填写了截止日期的市场任务：需要 3 个');
  const c = await marketingLab(s, { completeTask: true });
  assert.deepEqual([c.status, c.task_count, c.tasks_done, c.track_count, c.tracked_responses, c.member_count, c.response_count, c.lead_count, c.actual_cost],
    ['completed', 3, 1, 2, 65, 3, 2, 2, 65000]);
  allDone(await progress(s, 'bx-06'));
});

test('博星 实验六: a student who never completes a 市场任务 passes everything else, and hears why', async () => {
  const [, s] = students['bx-06'];
  await marketingLab(s, { completeTask: false });
  allDoneBut(await progress(s, 'bx-06'), 'task_done', '还没有市场任务到达「已完成」');
});

// ---- 博星卓越 实验十 客户服务 ----

async function customer(s, name, contact) {
  const a = await created(await s.post('/api/v1/accounts', { name }));
  const c = await created(await s.post('/api/v1/contacts', { name: contact, account_id: a.id, mobile: '13900000000' }));
  return [a, c];
}

async function serviceLab(s, { care }) {
  await created(await s.post('/api/v1/sla_rules', { name: '高优先级报修', priority: 'high', first_response_hours: 4, resolution_hours: 16, follow_up_days: 3 }));
  const kb = await created(await s.post('/api/v1/kb_articles', { title: '净水器出水变慢怎么办？', kind: 'faq', category: 'after_sales',
    body: '先检查进水阀是否全开；仍然慢，更换 PP 棉滤芯。' }));
  await act(s, 'kb_articles', kb.id, 'publish');
  const [a, c] = await customer(s, '北京和园物业管理有限公司', '王经理');
  const t = await created(await s.post('/api/v1/tickets', { subject: '大堂净水器出水慢', kind: 'request', account_id: a.id, contact_id: c.id,
    channel: 'phone', category: 'repair', priority: 'high', description: '王经理来电：大堂商用净水器出水很慢。' }));
  await created(await s.post('/api/v1/tickets', { subject: '安装师傅迟到两小时', kind: 'complaint', account_id: a.id, channel: 'phone',
    category: 'attitude', priority: 'normal', description: '约定上午九点安装，十一点才到。' }));
  await act(s, 'tickets', t.id, 'start');
  ok(await s.patch(`/api/v1/tickets/${t.id}`, { notes: { add: [{ kind: 'visit', noted_at: at(0), content: '上门更换了 PP 棉滤芯' }] } }));
  await act(s, 'tickets', t.id, 'resolve', { resolution: '更换 PP 棉滤芯，出水恢复正常', kb_article_id: kb.id });
  await act(s, 'tickets', t.id, 'close', { satisfaction: '4', satisfaction_note: '师傅很专业' });
  const visits = ok(await s.get(`/api/v1/activities?filter=${encodeURIComponent(JSON.stringify({ field: 'subject', op: 'starts', value: '服务回访' }))}`)).items;
  assert.equal(visits.length, 1, 'closing planned the 服务回访 the rule asks for');
  if (care) await act(s, 'activities', visits[0].id, 'complete', { result: '客户确认净水器使用正常' });
}

test('博星 实验十 客户服务: the rule, the FAQ, a call and a complaint, resolved, closed with 满意度, then the 服务回访', async () => {
  const [s] = students['bx-10'];
  let p = await progress(s, 'bx-10');
  assert.equal(stepOf(p, 'sla').why, '还没有设定了关闭后回访天数的服务时限规则');
  await serviceLab(s, { care: true });
  allDone(await progress(s, 'bx-10'));
});

test('博星 实验十: a student who leaves the 服务回访 planned has not done it', async () => {
  const [, s] = students['bx-10'];
  await serviceLab(s, { care: false });
  allDoneBut(await progress(s, 'bx-10'), 'care', '还没有服务回访到达「已完成」');
});

// ---- ALLPASS 实验十 服务中心 ----

async function serviceCentre(s, { close }) {
  await created(await s.post('/api/v1/service_queues', { name: '售后维修组', category: 'repair', members: [{ user_id: s.user.id }] }));
  const kb = await created(await s.post('/api/v1/kb_articles', { title: '网络打印机脱机的排查步骤', kind: 'article', category: 'technical',
    keywords: '打印机 脱机 网络', body: '一、检查网线和指示灯；二、查看打印机 IP；三、重新添加打印机端口。' }));
  await act(s, 'kb_articles', kb.id, 'publish');
  const [a, c] = await customer(s, '南京华信电子有限公司', '陈静');
  const t = await created(await s.post('/api/v1/tickets', { subject: '财务部网络打印机脱机', account_id: a.id, contact_id: c.id, channel: 'phone',
    category: 'repair', priority: 'high', description: '更换路由器后打印机一直脱机。' }));
  assert.equal(t.owner_id, s.user.id, 'the 维修 queue gave it to its agent');
  await act(s, 'tickets', t.id, 'start');
  await act(s, 'tickets', t.id, 'resolve', { resolution: '重新添加打印机端口', kb_article_id: kb.id });
  if (close) await act(s, 'tickets', t.id, 'close', { satisfaction: '5' });
  await created(await s.post('/api/v1/tickets', { subject: '维修人员未按约定时间上门', kind: 'complaint', account_id: a.id, channel: 'phone',
    category: 'attitude', priority: 'high', description: '约好下午两点，四点还没到。' }));
}

test('ALLPASS 实验十 服务中心: a queue, an article, the call handled to its close, a complaint', async () => {
  const [s] = students['allpass-10'];
  await serviceCentre(s, { close: true });
  allDone(await progress(s, 'allpass-10'));
});

test('ALLPASS 实验十: a ticket resolved but never closed has no customer feedback', async () => {
  const [, s] = students['allpass-10'];
  await serviceCentre(s, { close: false });
  allDoneBut(await progress(s, 'allpass-10'), 'feedback', '还没有记录了满意度的服务工单到达「已关闭」');
});

// ---- 行健动力 实验五 我的办公室 ----

async function officeLab(s, { weekly }) {
  for (const subject of ['整理湖北省教育系统客户名单', '准备光谷软件园客户上门演示'])
    await created(await s.post('/api/v1/activities', { subject, kind: 'task', start_at: at(1) }));
  await created(await s.post('/api/v1/activities', { subject: '销售部周例会', kind: 'meeting', start_at: at(3), end_at: at(3.04),
    ...(weekly ? { repeat: 'weekly', repeat_until: day(40) } : {}) }));
  const folder = await created(await s.post('/api/v1/doc_folders', { name: '销售部工作记录', shares: [{ share_with: 'all' }] }));
  await created(await s.post('/api/v1/documents', { title: '今日工作记录', kind: 'work_record', work_date: day(0), folder_id: folder.id,
    content: '电话联系湖北省实验中学信息中心，约定下周演示。' }));
  const a = await created(await s.post('/api/v1/accounts', { name: '湖北省实验中学' }));
  for (const [name, mobile] of [['欧阳明', '13971000001'], ['张红', '13971000002'], ['李建', '13971000003']])
    await created(await s.post('/api/v1/contacts', { name, account_id: a.id, mobile, email: `${mobile}@example.cn` }));
  const kb = await created(await s.post('/api/v1/kb_articles', { title: '视频会议终端连接投影仪没有声音怎么办？', kind: 'faq', category: 'technical',
    body: '在终端的音频设置里把输出选为 HDMI。' }));
  await act(s, 'kb_articles', kb.id, 'publish');
  const vcf = await s.req('GET', '/api/v1/contacts/export?format=vcf');
  assert.equal(vcf.status, 200);
  assert.match(vcf.text, /FN:欧阳明/);
}

test('行健 实验五 我的办公室: 工作安排, a weekly 日程, a shared folder with a 工作记录, the 通讯录, the 知识库', async () => {
  const [s] = students['xj-05'];
  await officeLab(s, { weekly: true });
  allDone(await progress(s, 'xj-05'));
});

test('行健 实验五: a meeting that does not repeat is not the weekly 例会', async () => {
  const [, s] = students['xj-05'];
  await officeLab(s, { weekly: false });
  allDoneBut(await progress(s, 'xj-05'), 'schedule', '还没有每周重复的会议日程');
});

// ---- 行健动力 实验六 通讯中心 ----

async function commLab(s, { email }) {
  await created(await s.post('/api/v1/users', { username: `zhoulin_${s.user.id}`, name: '周琳', password: PW })); // a reader for the board
  const n = await created(await s.post('/api/v1/announcements', { title: '新品体验日接待安排', category: 'event', body: '下周六 9:30 光谷体验中心，销售部负责接待。' }));
  await act(s, 'announcements', n.id, 'publish', { audience: 'all' });
  const a = await created(await s.post('/api/v1/accounts', { name: '武汉光谷金融港管理有限公司' }));
  const contacts = [];
  for (const [name, mobile] of [['陈晨', '13972000001'], ['刘洋', '13972000002']])
    contacts.push(await created(await s.post('/api/v1/contacts', { name, account_id: a.id, mobile, email: `${mobile}@example.cn` })));
  assert.equal((await s.req('PUT', '/api/v1/communications/settings', { body: { sms_provider: 'test', public_url: srv.base } })).status, 200);
  const sms = await created(await s.post('/api/v1/comm_templates', { name: '体验日到场提醒', channel: 'sms',
    body: '{{contact.name}}您好，长江视讯新品体验日将于下周六上午 9:30 在光谷举行。' }));
  assert.equal(ok(await s.post('/api/v1/communications/send', { template_id: sms.id, contact_ids: contacts.map(c => c.id) })).queued, 2);
  const mail = await created(await s.post('/api/v1/comm_templates', { name: '新品体验日邀请函', channel: 'email', subject: '长江视讯新品体验日邀请',
    body: '尊敬的{{contact.name}}：诚邀{{account.name}}参加长江视讯新品体验日。' }));
  if (email) assert.equal(ok(await s.post('/api/v1/communications/send', { template_id: mail.id, contact_ids: contacts.map(c => c.id) })).queued, 2);
}

test('行健 实验六 通讯中心: an announcement, SMS and email templates with merge fields, both sent', async () => {
  const [s] = students['xj-06'];
  await commLab(s, { email: true });
  allDone(await progress(s, 'xj-06'));
});

test('行健 实验六: a template written but never sent is not an invitation sent', async () => {
  const [, s] = students['xj-06'];
  await commLab(s, { email: false });
  allDoneBut(await progress(s, 'xj-06'), 'email', '还没有已排队或已发出的邀请邮件：需要 2 个');
});
