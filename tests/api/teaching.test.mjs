// teaching.test.mjs - the teaching platform: a platform administrator
// appoints teachers; a teacher makes a class and imports its roster (CSV or
// .xlsx, as a 教务系统 exports it); every student signs in with the 学号,
// changes the generated password first, and administers a company of their
// own; experiments are published as assignments whose steps are checked
// against the student's own records; the teacher sees the class × step
// matrix of their own classes only and can reset a student's company.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { Server, assertError, filterParam, makeTeachers, firstSignIn as signInFirst, TEACH_PASSWORD as PW } from './harness.mjs';
import { created, stepOf } from './classroom.mjs';

const srv = new Server();
const CSV = { 'Content-Type': 'text/csv; charset=utf-8' };
const XLSX = { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
let platform, teacher, teacher2, plain;
let klass, roster, assignment, assignment5;
const students = {}; // 学号 -> signed-in client

// Signs in with the first password and replaces it (harness.mjs).
const firstSignIn = (no, password) => signInFirst(srv, no, password, PW);

const CSV_ROSTER = [
  '2025-2026学年第一学期 客户关系管理 学生名单,,,,,',
  '序号,学号,姓名,性别,班级,小组,联系电话',
  '1,2023010101,张晓明,男,市场营销2301,第一组,13800000001',
  '2,2023010102,李婷,女,市场营销2301,第一组,13800000002',
  '3,2023010103,王磊,男,市场营销2301,第二组,13800000003',
  ',,,,,,',
].join('\r\n');

before(async () => {
  await srv.start();
  platform = await srv.client();
  ({ wang_t: teacher, chen_t: teacher2 } = await makeTeachers(srv, platform, [['wang_t', '王老师'], ['chen_t', '陈老师']]));
  await created(await platform.post('/api/v1/users', { username: 'zhou', name: '周职员', password: PW }));
  plain = await srv.client('zhou', PW);
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('platform administrators appoint teachers; only teachers make classes', async () => {
  assert.equal(teacher.user.is_teacher, true);
  assert.equal(plain.user.is_teacher, false);
  const list = (await platform.get('/api/v1/teachers')).json;
  assert.deepEqual(list.items.map(t => t.username).sort(), ['chen_t', 'wang_t']);
  assertError(assert, await teacher.get('/api/v1/teachers'), 403, 'forbidden');
  assertError(assert, await teacher.req('PUT', `/api/v1/teachers/${plain.user.id}`), 403, 'forbidden');
  assertError(assert, await platform.req('PUT', '/api/v1/teachers/999999'), 404, 'not_found');
  assertError(assert, await plain.post('/api/v1/classes', { name: '冒名班级' }), 403, 'forbidden');
  klass = await created(await teacher.post('/api/v1/classes', { name: '市场营销2301班', course: '客户关系管理', term: '2025-2026-1' }));
  assert.equal(klass.mode, 'company_per_student');
  assert.equal(klass.owner_id, teacher.user.id);
});

test('a teacher sees only their own classes', async () => {
  const other = await created(await teacher2.post('/api/v1/classes', { name: '电子商务2302班' }));
  assert.deepEqual((await teacher.get('/api/v1/classes')).json.items.map(c => c.name), ['市场营销2301班']);
  assert.deepEqual((await teacher2.get('/api/v1/classes')).json.items.map(c => c.name), ['电子商务2302班']);
  assertError(assert, await teacher2.get(`/api/v1/classes/${klass.id}`), 404);
  assertError(assert, await teacher2.patch(`/api/v1/classes/${klass.id}`, { name: '改名' }), 404);
  assertError(assert, await teacher.get(`/api/v1/classes/${other.id}`), 404);
  // the platform administrator (an administrator of the school's company) sees both
  assert.equal((await platform.get('/api/v1/classes')).json.total, 2);
});

test('the roster import gives each student a sign-in and a company; the passwords are said once', async () => {
  const bad = await teacher.req('POST', `/api/v1/classes/${klass.id}/students/import`,
    { raw: '学号,姓名\n2023010199,\nA B,张三\n2023010198,赵六\n2023010198,赵六\n', headers: CSV });
  assertError(assert, bad, 422, 'validation_failed');
  assert.deepEqual(Object.keys(bad.json.error.fields).sort(),
    ['row_2.name', 'row_3.student_no', 'row_5.student_no']);
  assertError(assert, await teacher.req('POST', `/api/v1/classes/${klass.id}/students/import`,
    { raw: '编号,名字\n1,张三\n', headers: CSV }), 422, 'bad_file');
  assertError(assert, await teacher2.req('POST', `/api/v1/classes/${klass.id}/students/import`,
    { raw: CSV_ROSTER, headers: CSV }), 404);
  assert.equal((await teacher.get('/api/v1/students')).json.total, 0, 'a refused roster leaves nothing');

  const r = await teacher.req('POST', `/api/v1/classes/${klass.id}/students/import`, { raw: CSV_ROSTER, headers: CSV });
  assert.equal(r.status, 201, r.text);
  roster = r.json;
  assert.equal(roster.created, 3);
  assert.deepEqual(roster.students.map(s => [s.student_no, s.name, s.group_name]),
    [['2023010101', '张晓明', '第一组'], ['2023010102', '李婷', '第一组'], ['2023010103', '王磊', '第二组']]);
  for (const s of roster.students) assert.match(s.password, /^[A-Za-z2-9]{10}$/);
  const list = (await teacher.get(`/api/v1/students?sort=student_no`)).json.items;
  assert.deepEqual(list.map(s => [s.student_no, s.admin_class, s.class_id]),
    roster.students.map(s => [s.student_no, '市场营销2301', klass.id]));
  assert.ok(list.every(s => s.owner_id === teacher.user.id));
  // students come only from a roster
  assertError(assert, await teacher.post('/api/v1/students', { name: '手工' }), 403, 'forbidden');

  // importing again skips who is there
  const again = await teacher.req('POST', `/api/v1/classes/${klass.id}/students/import`, { raw: CSV_ROSTER, headers: CSV });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.created, 0);
  assert.equal(again.json.skipped, 3);

  for (const s of roster.students) students[s.student_no] = await firstSignIn(s.student_no, s.password);
  const zhang = students['2023010101'];
  assert.equal(zhang.user.is_admin, true);
  assert.equal(zhang.user.platform_admin, false);
  assert.equal(zhang.user.company_id, roster.students[0].company_id);
  assert.notEqual(zhang.user.company_id, teacher.user.company_id);
  const companies = new Set(Object.values(students).map(s => s.user.company_id));
  assert.equal(companies.size, 3, 'a company per student');
  // the sandbox starts like a new company
  assert.deepEqual((await zhang.get('/api/v1/roles')).json.items.map(x => x.name), ['管理员']);
  // and sees nothing of the school's company
  assert.equal((await zhang.get('/api/v1/classes')).json.total, 0);
  assert.equal((await zhang.get('/api/v1/students')).json.total, 0);
});

test('an .xlsx roster as a 教务系统 exports it: numeric 学号, extra columns, a title row', async () => {
  const small = await created(await teacher.post('/api/v1/classes', { name: '物流管理2303班' }));
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('学生名单');
  sheet.addRow(['物流管理2303班 学生名单']);
  sheet.addRow(['序号', '学号', '姓名', '性别', '行政班', '组别', '身份证号']);
  sheet.addRow([1, 2023030101, '孙悦', '女', '物流2303', '甲组', '320102200501011234']);
  sheet.addRow([2, 2023030102, '周杰', '男', '物流2303', '乙组', '320102200502021234']);
  const r = await teacher.req('POST', `/api/v1/classes/${small.id}/students/import`,
    { raw: Buffer.from(await book.xlsx.writeBuffer()), headers: XLSX });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.students.map(s => [s.username, s.name, s.group_name]),
    [['2023030101', '孙悦', '甲组'], ['2023030102', '周杰', '乙组']]);
  // a student already in another class keeps one sign-in: the 学号 is taken
  const clash = await teacher.req('POST', `/api/v1/classes/${small.id}/students/import`,
    { raw: '学号,姓名\n2023010101,张晓明\n', headers: CSV });
  assertError(assert, clash, 422, 'validation_failed');
  assert.equal(clash.json.error.fields['row_2.student_no'], 'taken');
});

test('experiments are served from the binary; assignments publish one to a class', async () => {
  const list = (await teacher.get('/api/v1/experiments')).json;
  const codes = list.items.map(x => x.code);
  assert.ok(codes.includes('allpass-02') && codes.includes('allpass-05'), codes.join());
  const x = (await teacher.get('/api/v1/experiments/allpass-02')).json;
  assert.equal(x.number, '实验二');
  assert.ok(x.scenario.includes('南京奥派机电'));
  assert.ok(x.objectives.length >= 3);
  assert.ok(x.steps.every(s => s.key && s.title && s.instructions && s.check));
  assertError(assert, await teacher.get('/api/v1/experiments/nope'), 404);

  const opens = new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, 'Z');
  const closes = new Date(Date.now() + 7 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  assertError(assert, await teacher.post('/api/v1/assignments',
    { class_id: klass.id, experiment: 'nope', opens_at: opens, closes_at: closes }), 422);
  assertError(assert, await teacher.post('/api/v1/assignments',
    { class_id: klass.id, experiment: 'allpass-02', opens_at: closes, closes_at: opens }), 422);
  const foreign = await teacher2.post('/api/v1/assignments',
    { class_id: klass.id, experiment: 'allpass-02', opens_at: opens, closes_at: closes });
  assert.ok([404, 422].includes(foreign.status), foreign.text);
  assertError(assert, await plain.post('/api/v1/assignments',
    { class_id: klass.id, experiment: 'allpass-02', opens_at: opens, closes_at: closes }), 403);
  assignment = await created(await teacher.post('/api/v1/assignments',
    { class_id: klass.id, experiment: 'allpass-02', opens_at: opens, closes_at: closes }));
  assert.equal(assignment.title, '实验二 客户档案：客户与联系人管理');
  assignment5 = await created(await teacher.post('/api/v1/assignments',
    { class_id: klass.id, experiment: 'allpass-05', opens_at: opens, closes_at: closes }));
});

test('实验二: a scripted student passes every step; the checks tick from their own records', async () => {
  const s = students['2023010101'];
  let p = (await s.get(`/api/v1/assignments/${assignment.id}/my-progress`)).json;
  assert.equal(p.open, true);
  assert.equal(p.experiment.code, 'allpass-02');
  assert.equal(p.done, 0);
  assert.equal(stepOf(p, 'accounts').state, 'not_started');
  assert.equal(stepOf(p, 'accounts').why, '还没有填写了所属行业和城市的客户：需要 3 个');

  const aopai = await created(await s.post('/api/v1/accounts', { name: '南京奥派机电设备有限公司', industry: 'manufacturing', city: '南京' }));
  const hengxin = await created(await s.post('/api/v1/accounts', { name: '苏州恒信精密模具有限公司', industry: 'manufacturing', city: '苏州' }));
  p = (await s.get(`/api/v1/assignments/${assignment.id}/my-progress`)).json;
  assert.equal(stepOf(p, 'accounts').state, 'in_progress');
  assert.equal(stepOf(p, 'accounts').why, '还差 1 个填写了所属行业和城市的客户：目前有 2 个，需要 3 个');
  // the record page's panel: which steps this customer counts for, and why not yet (the steps' own checks)
  const onRecord = async (entity, id, who = s) => who.get(`/api/v1/assignments/${assignment.id}/my-progress/${entity}/${id}`);
  let r = (await onRecord('accounts', aopai.id)).json;
  assert.deepEqual(r.record, { entity: 'accounts', id: aopai.id, name: '南京奥派机电设备有限公司' });
  assert.deepEqual(r.steps.map(x => [x.key, x.role, x.counts, x.record_why]), [
    ['accounts', 'record', true, null],
    ['grade', 'record', false, '这条记录还不是客户等级为 A 的重点客户'],
    ['key_contacts', 'parent', false, '这条记录不是A 级客户']]);
  assert.equal(r.steps[0].why, '还差 1 个填写了所属行业和城市的客户：目前有 2 个，需要 3 个', 'the step\'s own reason beside');
  const binhu = await created(await s.post('/api/v1/accounts', { name: '无锡滨湖实验中学', industry: 'education', city: '无锡' }));
  assert.equal((await s.patch(`/api/v1/accounts/${aopai.id}`, { grade: 'A' })).status, 200);
  await created(await s.post('/api/v1/contacts', { name: '王海燕', account_id: aopai.id, title: '行政部经理', decision_role: 'decision_maker', mobile: '13912345678' }));
  r = (await onRecord('accounts', aopai.id)).json;
  assert.deepEqual(r.steps.map(x => [x.key, x.counts, x.record_why]), [['accounts', true, null], ['grade', true, null],
    ['key_contacts', false, '还差 1 个联系人：A 级客户「南京奥派机电设备有限公司」目前只有 1 个联系人，需要 2 个']]);
  const liu = await created(await s.post('/api/v1/contacts', { name: '刘建国', account_id: aopai.id, title: '采购主管' }));
  r = (await onRecord('accounts', aopai.id)).json;
  assert.deepEqual(r.steps.find(x => x.key === 'key_contacts').counts, true, 'two contacts now');
  r = (await onRecord('contacts', liu.id)).json;
  assert.deepEqual(r.steps.map(x => [x.key, x.role, x.counts, x.record_why]), [
    ['contacts', 'record', true, null],
    ['decision_makers', 'record', false, '这条记录还不是填写了手机号码的决策者'],
    ['key_contacts', 'record', true, null]]);
  // another student, the teacher, an unknown entity or record: not found
  assertError(assert, await onRecord('contacts', liu.id, students['2023010102']), 404);
  assertError(assert, await onRecord('contacts', liu.id, teacher), 404);
  assertError(assert, await onRecord('nope', liu.id), 404);
  assertError(assert, await onRecord('contacts', 999999), 404);

  await created(await s.post('/api/v1/contacts', { name: '陈志远', account_id: hengxin.id, title: '总经理', decision_role: 'decision_maker', mobile: '13812345678' }));
  await created(await s.post('/api/v1/contacts', { name: '赵丽', account_id: binhu.id, title: '总务处主任' }));
  const visit = await created(await s.post('/api/v1/activities', { subject: '拜访奥派机电王经理', kind: 'visit', account_id: aopai.id }));
  p = (await s.get(`/api/v1/assignments/${assignment.id}/my-progress`)).json;
  assert.equal(stepOf(p, 'visit').why, '还没有关联到客户的拜访记录到达「已完成」');
  r = (await onRecord('activities', visit.id)).json;
  assert.deepEqual(r.steps.map(x => [x.key, x.counts, x.record_why, x.why]), [
    ['visit', false, '这条记录还没有到达「已完成」', '还没有关联到客户的拜访记录到达「已完成」'],
    ['follow_up', false, '这条记录还不是已定好时间的电话回访计划', '还没有已定好时间的电话回访计划']]);
  const done = await s.patch(`/api/v1/activities/${visit.id}`, { status: 'done', result: '确认下季度更换 20 台复印机' });
  assert.equal(done.status, 200, done.text);
  const nextWeek = new Date(Date.now() + 7 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  await created(await s.post('/api/v1/activities', { subject: '电话回访王经理', kind: 'call', account_id: aopai.id, start_at: nextWeek }));

  p = (await s.get(`/api/v1/assignments/${assignment.id}/my-progress`)).json;
  assert.equal(p.done, p.total, JSON.stringify(p.steps));
  for (const step of p.steps) {
    assert.equal(step.state, 'done');
    assert.equal(step.why, null);
    assert.match(step.done_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }
});

test('实验二: a student who skips a step does not pass it, and hears why', async () => {
  const s = students['2023010102'];
  const acc = [];
  for (const [name, city] of [['南京奥派机电设备有限公司', '南京'], ['苏州恒信精密模具有限公司', '苏州'], ['无锡滨湖实验中学', '无锡']])
    acc.push(await created(await s.post('/api/v1/accounts', { name, industry: 'manufacturing', city, grade: 'A' })));
  // three contacts, one of them without a customer: the contacts step is not done
  await created(await s.post('/api/v1/contacts', { name: '王海燕', account_id: acc[0].id, decision_role: 'decision_maker', mobile: '13912345678' }));
  await created(await s.post('/api/v1/contacts', { name: '陈志远', account_id: acc[1].id, decision_role: 'decision_maker' }));
  await created(await s.post('/api/v1/contacts', { name: '赵丽', account_id: acc[2].id }));
  await created(await s.post('/api/v1/contacts', { name: '无主联系人' }));
  const p = (await s.get(`/api/v1/assignments/${assignment.id}/my-progress`)).json;
  assert.equal(stepOf(p, 'accounts').state, 'done');
  assert.equal(stepOf(p, 'grade').state, 'done');
  assert.equal(stepOf(p, 'contacts').state, 'in_progress');
  assert.equal(stepOf(p, 'contacts').why, '还差 1 个关联到客户的联系人：目前有 3 个，需要 4 个');
  assert.equal(stepOf(p, 'decision_makers').why, '还差 1 个填写了手机号码的决策者：目前有 1 个，需要 2 个');
  // every A-grade customer needs two contacts: the reason names the first one short of them
  assert.equal(stepOf(p, 'key_contacts').state, 'not_started');
  assert.equal(stepOf(p, 'key_contacts').why, '还差 1 个联系人：A 级客户「南京奥派机电设备有限公司」目前只有 1 个联系人，需要 2 个');
  assert.equal(stepOf(p, 'visit').state, 'not_started');
  assert.equal(stepOf(p, 'follow_up').why, '还没有已定好时间的电话回访计划');
  assert.equal(p.done, 2);
  await created(await s.post('/api/v1/contacts', { name: '刘建国', account_id: acc[0].id }));
  const q = (await s.get(`/api/v1/assignments/${assignment.id}/my-progress`)).json;
  assert.equal(stepOf(q, 'key_contacts').state, 'in_progress');
  assert.deepEqual([stepOf(q, 'key_contacts').count, stepOf(q, 'key_contacts').need], [1, 3]);
  assert.equal(stepOf(q, 'key_contacts').why, '还差 1 个联系人：A 级客户「苏州恒信精密模具有限公司」目前只有 1 个联系人，需要 2 个');
  assert.equal(stepOf(q, 'contacts').state, 'done');
});

test('实验五: leads converted, an opportunity won and another lost', async () => {
  const s = students['2023010103'];
  let p = (await s.get(`/api/v1/assignments/${assignment5.id}/my-progress`)).json;
  assert.equal(stepOf(p, 'convert').why, '还没有销售线索到达「已转换」');
  const leads = [];
  for (const [name, company] of [['周敏', '杭州安途汽车服务连锁有限公司'], ['孙伟', '合肥江淮新能源配件有限公司'], ['钱晓东', '宁波驰远汽车销售服务有限公司']])
    leads.push(await created(await s.post('/api/v1/leads', { name, company, source: 'exhibition' })));
  assert.equal((await s.patch(`/api/v1/leads/${leads[0].id}`, { rating: 'hot' })).status, 200);
  const conv = await s.post(`/api/v1/leads/${leads[0].id}/convert`, { create_opportunity: true, opportunity: { amount: 360000, expected_close_date: '2026-12-31' } });
  assert.equal(conv.status, 200, conv.text);
  const opp = (await s.get('/api/v1/opportunities')).json.items[0];
  p = (await s.get(`/api/v1/assignments/${assignment5.id}/my-progress`)).json;
  assert.equal(stepOf(p, 'advance').state, 'not_started');
  assert.equal((await s.patch(`/api/v1/opportunities/${opp.id}`, { stage: 'proposal' })).status, 200);
  const won = await s.post(`/api/v1/opportunities/${opp.id}/actions/win`, {});
  assert.equal(won.status, 200, won.text);
  const ningbo = await created(await s.post('/api/v1/accounts', { name: '宁波驰远汽车销售服务有限公司' }));
  const lostOpp = await created(await s.post('/api/v1/opportunities', { name: '驰远售后刹车片', account_id: ningbo.id, amount: 80000 }));
  p = (await s.get(`/api/v1/assignments/${assignment5.id}/my-progress`)).json;
  assert.equal(stepOf(p, 'lost').why, '还没有写明丢单原因的销售机会到达「丢单」');
  const lost = await s.post(`/api/v1/opportunities/${lostOpp.id}/actions/lose`, { lost_reason: 'price' });
  assert.equal(lost.status, 200, lost.text);
  p = (await s.get(`/api/v1/assignments/${assignment5.id}/my-progress`)).json;
  assert.deepEqual(p.steps.filter(x => x.state !== 'done').map(x => [x.key, x.why]), []);
});

test('实验五 in the wrong order: a lead converted before any was rated does not pass 转换, and says why', async () => {
  const s = students['2023010102'];
  const lead = await created(await s.post('/api/v1/leads', { name: '郑凯', company: '常州凯达汽车零部件有限公司', source: 'exhibition' }));
  // to a customer she has, so her 实验二 records stay as they are
  const aopai = (await s.get(`/api/v1/accounts?filter=${filterParam({ field: 'name', op: 'eq', value: '南京奥派机电设备有限公司' })}`)).json.items[0];
  const conv = await s.post(`/api/v1/leads/${lead.id}/convert`, { account_id: aopai.id });
  assert.equal(conv.status, 200, conv.text);
  let p = (await s.get(`/api/v1/assignments/${assignment5.id}/my-progress`)).json;
  assert.equal(stepOf(p, 'convert').state, 'in_progress');
  assert.equal(stepOf(p, 'convert').why, '须先完成「评估销售线索」，再做这一步');
  await new Promise(r => setTimeout(r, 1100)); // done_at is to the second
  await created(await s.post('/api/v1/leads', { name: '冯磊', company: '南通远航船舶配件有限公司', source: 'exhibition', rating: 'hot' }));
  p = (await s.get(`/api/v1/assignments/${assignment5.id}/my-progress`)).json;
  assert.equal(stepOf(p, 'rating').state, 'done');
  assert.equal(stepOf(p, 'convert').state, 'in_progress');
  assert.equal(stepOf(p, 'convert').why, '顺序不对：这一步须在「评估销售线索」之后完成，请按实验步骤的顺序重新做一遍');
  assert.equal(stepOf(p, 'convert').done_at, null);
});

test('CRMS 设置实验: configuration facts (a department, a profile, a role, users) are checked too', async () => {
  const opens = new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, 'Z');
  const closes = new Date(Date.now() + 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  const lab = await created(await teacher.post('/api/v1/assignments',
    { class_id: klass.id, experiment: 'crms-service', opens_at: opens, closes_at: closes }));
  const s = students['2023010103'];
  let p = (await s.get(`/api/v1/assignments/${lab.id}/my-progress`)).json;
  assert.deepEqual(p.steps.map(x => x.why), ['还没有名为「售后服务部」的部门', '还没有名为「售后服务」的权限配置',
    '还没有名为「售后服务员」的角色', '还没有指定了部门和角色的普通用户：需要 2 个', '还没有反馈留言']);
  const hq = (await s.get('/api/v1/departments')).json.items[0];
  const root = (await s.get('/api/v1/roles')).json.items[0];
  const dept = await created(await s.post('/api/v1/departments', { name: '售后服务部', parent_id: hq.id }));
  const profile = await created(await s.post('/api/v1/profiles', { name: '售后服务',
    permissions: { accounts: { view: true, view_all: true }, contacts: { view: true, view_all: true }, activities: { view: true, create: true, edit: true },
      tickets: { view: true, create: true, edit: true, delete: true } } }));
  const role = await created(await s.post('/api/v1/roles', { name: '售后服务员', parent_id: root.id, profile_ids: [profile.id] }));
  await created(await s.post('/api/v1/users', { username: 'xuwenjing_03', name: '许文静', password: PW, department_id: dept.id, role_id: role.id }));
  p = (await s.get(`/api/v1/assignments/${lab.id}/my-progress`)).json;
  assert.equal(p.done, 3);
  assert.equal(stepOf(p, 'users').why, '还差 1 个指定了部门和角色的普通用户：目前有 1 个，需要 2 个');
  await created(await s.post('/api/v1/users', { username: 'majun_03', name: '马骏', password: PW, department_id: dept.id, role_id: role.id }));
  p = (await s.get(`/api/v1/assignments/${lab.id}/my-progress`)).json;
  assert.equal(p.done, p.total - 1, JSON.stringify(p.steps));
  // 服务反馈: the new 售后服务员 signs in and records one on a customer the administrator keeps
  const customer = await created(await s.post('/api/v1/accounts', { name: '杭州西湖花园物业' }));
  const xu = await srv.client('xuwenjing_03', PW);
  assertError(assert, await xu.patch(`/api/v1/accounts/${customer.id}`, { city: '杭州' }), 403);
  assertError(assert, await xu.post('/api/v1/roles', { name: '越权' }), 403);
  await created(await xu.post('/api/v1/tickets', { subject: '空调安装后噪音大', kind: 'feedback', account_id: customer.id, category: 'installation',
    priority: 'normal', description: '客户反馈：新装的空调外机噪音偏大，希望上门看看。' }));
  p = (await s.get(`/api/v1/assignments/${lab.id}/my-progress`)).json;
  assert.equal(p.done, p.total, JSON.stringify(p.steps));
  // another student's company is untouched by it
  p = (await students['2023010102'].get(`/api/v1/assignments/${lab.id}/my-progress`)).json;
  assert.equal(p.done, 0);
});

test('the teacher sees the class × step matrix of their own assignments only', async () => {
  const m = (await teacher.get(`/api/v1/assignments/${assignment.id}/progress`)).json;
  assert.equal(m.experiment.code, 'allpass-02');
  assert.equal(m.total, 3);
  const by = Object.fromEntries(m.students.map(s => [s.student_no, s]));
  assert.equal(by['2023010101'].done, by['2023010101'].total);
  assert.equal(by['2023010102'].done, 3);
  assert.equal(by['2023010102'].steps.find(x => x.key === 'key_contacts').why, '还差 1 个联系人：A 级客户「苏州恒信精密模具有限公司」目前只有 1 个联系人，需要 2 个');
  assert.equal(by['2023010103'].done, 0);
  // 实验五's records count where they fit: the converted lead's contact is a contact of a customer
  assert.equal(by['2023010103'].steps.find(x => x.key === 'contacts').why, '还差 3 个关联到客户的联系人：目前有 1 个，需要 4 个');
  assert.equal(by['2023010103'].steps.find(x => x.key === 'visit').state, 'not_started');
  assert.equal(by['2023010103'].steps.find(x => x.key === 'key_contacts').why, '还没有A 级客户：需要 1 个');
  assertError(assert, await teacher2.get(`/api/v1/assignments/${assignment.id}/progress`), 404);
  assertError(assert, await teacher2.get(`/api/v1/assignments/${assignment.id}`), 404);
  assertError(assert, await students['2023010101'].get(`/api/v1/assignments/${assignment.id}/progress`), 404);
  // my-progress answers the students of the class only
  assertError(assert, await teacher2.get(`/api/v1/assignments/${assignment.id}/my-progress`), 404);
  const outsider = await srv.client('2023030101', PW).catch(() => null);
  assert.equal(outsider, null, 'the other class still has its first password');
});

test('我的实验: a student lists the assignments of their own class, with their own steps only', async () => {
  const a = students['2023010101'];
  const mine = (await a.get('/api/v1/my-assignments')).json;
  assert.deepEqual(mine.items.map(x => x.experiment.code).sort(), ['allpass-02', 'allpass-05', 'crms-service']);
  const two = mine.items.find(x => x.assignment.id === assignment.id);
  assert.equal(two.open, true);
  assert.equal(two.assignment.title, '实验二 客户档案：客户与联系人管理');
  assert.equal(two.done, two.total);
  assert.equal(two.steps.length, two.total);
  // another student's list answers their own progress, not the first one's
  const b = (await students['2023010102'].get('/api/v1/my-assignments')).json;
  assert.equal(b.items.find(x => x.assignment.id === assignment.id).done, 3);
  // a teacher or an ordinary user is no student: nothing
  assert.deepEqual((await teacher.get('/api/v1/my-assignments')).json, { items: [], total: 0 });
  assert.equal((await plain.get('/api/v1/my-assignments')).json.total, 0);
  // a student of another class sees none of this class's assignments
  const other = (await srv.client('2023030101', PW).catch(() => null));
  assert.equal(other, null);
});

test('the 教学实验 menu is served to teachers, students and platform administrators only', async () => {
  const area = async who => (await who.get('/api/v1/metadata')).json.menu.find(g => g.key === 'teaching');
  const role = async who => (await who.get('/api/v1/metadata')).json.user.teaching_role;
  assert.deepEqual((await area(teacher)).items.sort(), ['assignments', 'classes', 'custom_experiments', 'lab_reports', 'students']);
  assert.equal(await role(teacher), 'teacher');
  assert.ok((await area(platform)).items.includes('classes'));
  assert.equal(await role(platform), 'admin');
  assert.equal(await area(plain), undefined);
  assert.equal(await role(plain), null);
  // a student administers a sandbox but gets only 我的实验, not the records of teaching
  const s = students['2023010101'];
  assert.deepEqual(await area(s), { key: 'teaching', label: '教学实验', label_zh: '教学实验', label_en: 'Teaching',
    items: [], pages: ['my-experiments'] });
  assert.equal(await role(s), 'student');
});

let report; // 张晓明's 实验二 report

test('实验报告: written from the student\'s own records, with their 实验总结, handed in once', async () => {
  const s = students['2023010101'];
  const mine = (await s.get(`/api/v1/assignments/${assignment.id}/my-report`)).json;
  assert.equal(mine.report, null);
  assert.equal(mine.done, mine.total);
  assert.deepEqual(stepOf(mine, 'accounts').records.map(r => r.name),
    ['南京奥派机电设备有限公司', '苏州恒信精密模具有限公司', '无锡滨湖实验中学']);
  assert.deepEqual(stepOf(mine, 'visit').records.map(r => [r.entity, r.name]), [['activities', '拜访奥派机电王经理']]);
  // nothing to hand in without a conclusion; unknown keys are refused
  const empty = await s.req('PUT', `/api/v1/assignments/${assignment.id}/my-report`, { body: { conclusion: '', submit: true } });
  assertError(assert, empty, 422, 'validation_failed');
  assert.equal(empty.json.error.fields.conclusion, 'required');
  assertError(assert, await s.req('PUT', `/api/v1/assignments/${assignment.id}/my-report`, { body: { score: 100 } }), 422);
  const draft = await s.req('PUT', `/api/v1/assignments/${assignment.id}/my-report`, { body: { conclusion: '初稿' } });
  assert.equal(draft.status, 200, draft.text);
  assert.equal(draft.json.report.status, 'draft');
  const conclusion = '通过本次实验，我掌握了客户档案的建立方法，理解了联系人与客户的关联以及决策者的识别。';
  const done = await s.req('PUT', `/api/v1/assignments/${assignment.id}/my-report`, { body: { conclusion, submit: true } });
  assert.equal(done.status, 200, done.text);
  report = done.json.report;
  assert.equal(report.id, draft.json.report.id, 'one report per student and assignment');
  assert.equal(report.status, 'submitted');
  assert.match(report.submitted_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(report.title, '实验二 客户档案：客户与联系人管理');
  assert.equal(report.student_no, '2023010101');
  assert.equal(report.steps_done, '7 / 7');
  assert.equal(report.conclusion, conclusion);
  assert.match(report.result, /^1\. 建立三家客户的档案 —— 已完成（\d{4}-\d\d-\d\d \d\d:\d\d）\n   南京奥派机电设备有限公司、苏州恒信精密模具有限公司、无锡滨湖实验中学/);
  assert.ok(report.objectives.startsWith('1. '), report.objectives);
  assert.ok(report.scenario.includes('南京奥派机电'));
  assert.equal(report.owner_id, teacher.user.id, 'the report is the teacher\'s record');
  assertError(assert, await s.req('PUT', `/api/v1/assignments/${assignment.id}/my-report`, { body: { conclusion: '改' } }), 409, 'already_submitted');
  // a student who skipped steps hands in what they did, with why the rest is not done
  const li = students['2023010102'];
  const hers = await li.req('PUT', `/api/v1/assignments/${assignment.id}/my-report`, { body: { conclusion: '联系人还没有登记完。', submit: true } });
  assert.equal(hers.status, 200, hers.text);
  assert.ok(hers.json.report.result.includes('未完成：还差 1 个联系人：A 级客户「'), hers.json.report.result);
});

test('实验报告 isolation: a student reads only their own report; a teacher only their classes\' reports', async () => {
  const li = students['2023010102'];
  const hers = (await li.get(`/api/v1/assignments/${assignment.id}/my-report`)).json;
  assert.notEqual(hers.report.id, report.id);
  assert.equal(hers.report.student_no, '2023010102');
  for (const who of [li, students['2023010103']]) {
    assertError(assert, await who.get(`/api/v1/lab_reports/${report.id}`), 404);
    assert.equal((await who.get('/api/v1/lab_reports')).json.total, 0);
    assertError(assert, await who.post(`/api/v1/lab_reports/${report.id}/actions/grade`, { score: 100 }), 404);
  }
  assertError(assert, await li.post('/api/v1/lab_reports', {}), 403, 'forbidden');
  assertError(assert, await teacher.post('/api/v1/lab_reports', { score: 100 }), 403, 'forbidden');
  assertError(assert, await teacher2.get(`/api/v1/lab_reports/${report.id}`), 404);
  assert.equal((await teacher2.get('/api/v1/lab_reports')).json.total, 0);
  assertError(assert, await teacher2.post(`/api/v1/lab_reports/${report.id}/actions/grade`, { score: 60 }), 404);
  assertError(assert, await teacher2.get(`/api/v1/assignments/${assignment.id}/my-report`), 404);
  assertError(assert, await plain.get(`/api/v1/assignments/${assignment.id}/my-report`), 404);
  assert.equal((await teacher.get('/api/v1/lab_reports')).json.total, 2);
  // the teacher cannot write the student's report for them
  assertError(assert, await teacher.patch(`/api/v1/lab_reports/${report.id}`, { conclusion: '代写' }), 422);
});

test('the teacher grades: a score from 0 to 100 and a comment, or returns the report for rework', async () => {
  const s = students['2023010101'];
  assertError(assert, await teacher.post(`/api/v1/lab_reports/${report.id}/actions/grade`, { score: 120 }), 422, 'validation_failed');
  assertError(assert, await teacher.post(`/api/v1/lab_reports/${report.id}/actions/send_back`, {}), 422);
  const back = await teacher.post(`/api/v1/lab_reports/${report.id}/actions/send_back`, { comment: '请补充对决策者识别方法的体会。' });
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.record.status, 'returned');
  let mine = (await s.get(`/api/v1/assignments/${assignment.id}/my-report`)).json.report;
  assert.equal(mine.status, 'returned');
  assert.equal(mine.comment, '请补充对决策者识别方法的体会。');
  const again = await s.req('PUT', `/api/v1/assignments/${assignment.id}/my-report`,
    { body: { conclusion: mine.conclusion + '决策者要从职务和采购流程两方面识别。', submit: true } });
  assert.equal(again.status, 200, again.text);
  const graded = await teacher.post(`/api/v1/lab_reports/${report.id}/actions/grade`, { score: 92, comment: '步骤完整，总结到位。' });
  assert.equal(graded.status, 200, graded.text);
  mine = (await s.get(`/api/v1/assignments/${assignment.id}/my-report`)).json.report;
  assert.deepEqual([mine.status, mine.score, mine.comment], ['graded', 92, '步骤完整，总结到位。']);
  assertError(assert, await s.req('PUT', `/api/v1/assignments/${assignment.id}/my-report`, { body: { conclusion: '再改' } }), 409, 'already_graded');
  // a grade may be corrected
  assert.equal((await teacher.post(`/api/v1/lab_reports/${report.id}/actions/grade`, { score: 95 })).status, 200);
});

test('the class\'s grades open in Excel; a report prints as a PDF', async () => {
  const filter = encodeURIComponent(JSON.stringify({ field: 'class_id', op: 'eq', value: klass.id }));
  const res = await fetch(`${srv.base}/api/v1/lab_reports/export?format=xlsx&sort=student_no&filter=${filter}`,
    { headers: { Authorization: `Bearer ${teacher.token}` } });
  assert.equal(res.status, 200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await res.arrayBuffer()));
  const rows = [];
  book.worksheets[0].eachRow(r => rows.push(r.values.slice(1).map(v => (v && typeof v === 'object' && 'text' in v ? v.text : v))));
  const head = rows[0];
  const col = name => head.indexOf(name);
  for (const h of ['实验项目', '学号', '学生', '班级', '状态', '成绩', '教师评语']) assert.ok(col(h) >= 0, `${h} in ${head}`);
  const zhang = rows.find(r => String(r[col('学号')]) === '2023010101');
  assert.equal(Number(zhang[col('成绩')]), 95);
  assert.equal(zhang[col('学生')], '张晓明');
  assert.equal(zhang[col('状态')], '已评分');
  assert.equal(rows.find(r => String(r[col('学号')]) === '2023010102')[col('状态')], '已提交');
  // another teacher's export holds none of it
  const other = await fetch(`${srv.base}/api/v1/lab_reports/export?format=csv`, { headers: { Authorization: `Bearer ${teacher2.token}` } });
  assert.ok(!(await other.text()).includes('2023010101'));

  const pdf = await fetch(`${srv.base}/api/v1/lab_reports/${report.id}/pdf`, { headers: { Authorization: `Bearer ${teacher.token}` } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  assertError(assert, await teacher2.get(`/api/v1/lab_reports/${report.id}/pdf`), 404);
});

test('isolation: a student never reads another student\'s company', async () => {
  const a = students['2023010101'], b = students['2023010102'];
  const mine = (await a.get('/api/v1/accounts')).json.items;
  assert.equal(mine.length, 3);
  for (const acc of mine) {
    assertError(assert, await b.get(`/api/v1/accounts/${acc.id}`), 404);
    assertError(assert, await b.patch(`/api/v1/accounts/${acc.id}`, { city: '上海' }), 404);
  }
  const q = await b.get(`/api/v1/accounts?filter=${filterParam({ field: 'city', op: 'eq', value: '南京' })}`);
  assert.ok(q.json.items.every(x => x.company_id === b.user.company_id));
  const search = await b.get('/api/v1/search?q=' + encodeURIComponent('奥派'));
  assert.ok(!JSON.stringify(search.json).includes(`"id":${mine[0].id},`) || mine[0].company_id === b.user.company_id);
  // the teacher's own lists hold nothing of the students' companies
  assert.equal((await teacher.get('/api/v1/accounts')).json.total, 0);
});

test('the teacher resets a student\'s company: records gone, settings back to the start', async () => {
  const s = students['2023010101'];
  await created(await s.post('/api/v1/roles', { name: '售后服务员' }));
  await created(await s.post('/api/v1/users', { username: 'zxm_helper', name: '助手', password: PW }));
  const cfNames = async who => (await who.get('/api/v1/metadata')).json.entities
    .find(e => e.name === 'accounts').fields.filter(f => f.name.startsWith('cf_')).map(f => f.name);
  await created(await s.post('/api/v1/metadata/entities/accounts/fields', { label_zh: '渠道', type: 'text' }));
  assert.deepEqual(await cfNames(s), ['cf_qudao']);
  const kept = await created(await s.post('/api/v1/accounts', { name: '带渠道的客户', cf_qudao: '华东经销' }));
  const file = await s.req('POST', `/api/v1/accounts/${kept.id}/attachments?name=${encodeURIComponent('合同.pdf')}`,
    { raw: '%PDF', headers: { 'Content-Type': 'application/pdf' } });
  assert.equal(file.status, 201, file.text);
  const filesOf = company => Number(srv.sql(`SELECT COUNT(*) FROM attachments WHERE company_id = ${Number(company)}`));
  assert.equal(filesOf(s.user.company_id), 1);
  const student = (await teacher.get(`/api/v1/students?filter=${filterParam({ field: 'student_no', op: 'eq', value: '2023010101' })}`)).json.items[0];
  assertError(assert, await teacher2.post(`/api/v1/students/${student.id}/actions/reset_company`, {}), 404);
  const r = await teacher.post(`/api/v1/students/${student.id}/actions/reset_company`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.result.company_id, s.user.company_id);
  assert.equal((await s.get('/api/v1/accounts')).json.total, 0);
  assert.equal((await s.get('/api/v1/contacts')).json.total, 0);
  assert.equal((await s.get('/api/v1/activities')).json.total, 0);
  assert.deepEqual((await s.get('/api/v1/roles')).json.items.map(x => x.name), ['管理员']);
  assert.deepEqual((await s.get('/api/v1/users')).json.items.map(x => x.username), ['2023010101']);
  assert.equal((await s.get('/api/v1/profiles')).json.total, 3);
  assert.deepEqual(await cfNames(s), [], 'the company\'s own custom field is gone too');
  assertError(assert, await s.get(`/api/v1/attachments/${file.json.id}`), 404, 'not_found');
  assert.equal(filesOf(s.user.company_id), 0, 'the files themselves are deleted, not only out of reach');
  // the student still works in the company, and the username made there is free again
  await created(await s.post('/api/v1/users', { username: 'zxm_helper', name: '助手', password: PW }));
  const acc = await created(await s.post('/api/v1/accounts', { name: '南京奥派机电设备有限公司', industry: 'manufacturing', city: '南京' }));
  assert.equal(acc.company_id, s.user.company_id);
  const p = (await s.get(`/api/v1/assignments/${assignment.id}/my-progress`)).json;
  assert.equal(stepOf(p, 'accounts').why, '还差 2 个填写了所属行业和城市的客户：目前有 1 个，需要 3 个');
  // the other students keep their work
  assert.equal((await students['2023010102'].get('/api/v1/accounts')).json.total, 3);
});
