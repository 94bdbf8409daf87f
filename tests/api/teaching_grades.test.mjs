// teaching_grades.test.mjs - grading by a rubric and the grade sheet of an
// assignment: without a rubric every step is a criterion (100 shared out);
// a teacher may set their own rubric (maxima adding up to 100); 按评分标准评分
// takes points per criterion and makes the score their sum; the grade sheet
// lists every student of the class with the state of their report (not
// handed in, handed in, returned, accepted), as JSON and as an .xlsx that
// Excel (exceljs here) reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { Server, assertError, makeClass, makeTeachers, isoFromNow } from './harness.mjs';

const srv = new Server();
let teacher, teacher2, assignment;
const students = {}; // 学号 -> client

const STEPS = ['accounts', 'contacts', 'activities'].map((entity, i) => ({
  key: entity, title: ['建立客户', '添加联系人', '登记行动'][i], check: { kind: 'count', entity, what: ['客户', '联系人', '行动'][i] } }));

before(async () => {
  await srv.start();
  ({ sun_t: teacher, ma_t: teacher2 } = await makeTeachers(srv, await srv.client(), [['sun_t', '孙老师'], ['ma_t', '马老师']]));
  const { klass, students: made } = await makeClass(srv, teacher, { name: '国际贸易2401班',
    roster: '学号,姓名,小组\n2024030101,吴佳怡,一组\n2024030102,郑浩然,一组\n2024030103,冯雨桐,二组\n' });
  for (const [no, s] of Object.entries(made)) students[no] = s.client;
  const x = (await teacher.post('/api/v1/custom_experiments', { title: '客户跟进', number: '自编二', steps: STEPS })).json;
  assignment = (await teacher.post('/api/v1/assignments',
    { class_id: klass.id, experiment: `custom-${x.id}`, opens_at: isoFromNow(-60), closes_at: isoFromNow(86400) })).json;
  // two students hand in a report; the third does nothing
  for (const no of ['2024030101', '2024030102']) {
    const s = students[no];
    assert.equal((await s.post('/api/v1/accounts', { name: `${no} 的客户` })).status, 201);
    const saved = await s.req('PUT', `/api/v1/assignments/${assignment.id}/my-report`,
      { body: { conclusion: '完成了客户建立。', submit: true } });
    assert.equal(saved.status, 200, saved.text);
  }
});
after(async () => { await srv.stop(); srv.cleanup(); });

const sheet = async () => (await teacher.get(`/api/v1/assignments/${assignment.id}/grades`)).json;
const reportOf = async no => (await sheet()).students.find(s => s.student_no === no).report_id;

test('without a rubric every step is a criterion; the sheet lists every student with their state', async () => {
  const g = await sheet();
  assert.deepEqual(g.rubric, [{ key: 'accounts', name: '建立客户', max: 34 }, { key: 'contacts', name: '添加联系人', max: 33 },
    { key: 'activities', name: '登记行动', max: 33 }]);
  assert.deepEqual(g.students.map(s => [s.student_no, s.state, s.score]),
    [['2024030101', 'handed_in', null], ['2024030102', 'handed_in', null], ['2024030103', 'not_handed_in', null]]);
  assert.equal(g.students[0].steps_done, '1 / 3');
  assertError(assert, await teacher2.get(`/api/v1/assignments/${assignment.id}/grades`), 404);
  assertError(assert, await students['2024030101'].get(`/api/v1/assignments/${assignment.id}/grades`), 404);
  assertError(assert, await teacher.get(`/api/v1/assignments/${assignment.id}/grades?format=pdf`), 400);
});

test('按评分标准评分: points per step within each maximum, the score their sum', async () => {
  const id = await reportOf('2024030101');
  const url = `/api/v1/lab_reports/${id}/actions/grade_rubric`;
  const missing = await teacher.post(url, { points: { accounts: 30, contacts: 20 } });
  assertError(assert, missing, 422, 'validation_failed');
  assert.equal(missing.json.error.fields['points.activities'], 'required');
  const over = await teacher.post(url, { points: { accounts: 35, contacts: 20, activities: 0 } });
  assert.equal(over.json.error.fields['points.accounts'], 'out_of_range');
  assertError(assert, await teacher2.post(url, { points: { accounts: 30, contacts: 20, activities: 0 } }), 404);
  const ok = await teacher.post(url, { points: { accounts: 34, contacts: 20, activities: 0 }, comment: '联系人还不完整。' });
  assert.equal(ok.status, 200, ok.text);
  const report = (await teacher.get(`/api/v1/lab_reports/${id}`)).json;
  assert.deepEqual([report.status, report.score, report.points, report.comment],
    ['graded', 54, { accounts: 34, contacts: 20, activities: 0 }, '联系人还不完整。']);
  // the points are the action's: a plain write cannot set them
  assertError(assert, await teacher.patch(`/api/v1/lab_reports/${id}`, { points: { accounts: 1 } }), 422);
  // the one-score grade replaces them
  assert.equal((await teacher.post(`/api/v1/lab_reports/${id}/actions/grade`, { score: 60 })).status, 200);
  assert.equal((await teacher.get(`/api/v1/lab_reports/${id}`)).json.points, null);
  // the student sees the grade
  const mine = (await students['2024030101'].get(`/api/v1/assignments/${assignment.id}/my-report`)).json;
  assert.equal(mine.report.score, 60);
});

test('a rubric of the teacher\'s own: maxima adding up to 100', async () => {
  const url = `/api/v1/assignments/${assignment.id}`;
  assertError(assert, await teacher.patch(url, { rubric: [{ key: 'a', name: '客户档案', max: 50 }] }), 422, 'validation_failed');
  assertError(assert, await teacher.patch(url, { rubric: [{ key: 'a', name: '客户档案', max: 50 }, { key: 'a', name: '总结', max: 50 }] }), 422);
  assertError(assert, await teacher.patch(url, { rubric: [{ key: 'a', name: '', max: 100 }] }), 422);
  const rubric = [{ key: 'records', name: '实验记录完整', max: 60 }, { key: 'summary', name: '实验总结质量', max: 40 }];
  assert.equal((await teacher.patch(url, { rubric })).status, 200);
  assert.deepEqual((await sheet()).rubric, rubric);
  const id = await reportOf('2024030102');
  assert.equal((await teacher.post(`/api/v1/lab_reports/${id}/actions/grade_rubric`,
    { points: { records: 50, summary: 38 } })).status, 200);
  assert.equal((await teacher.get(`/api/v1/lab_reports/${id}`)).json.score, 88);
});

test('the grade sheet in Excel: a row per student, points and score as numbers, blank when not graded', async () => {
  const back = await teacher.post(`/api/v1/lab_reports/${await reportOf('2024030101')}/actions/grade_rubric`,
    { points: { records: 40, summary: 30 } });
  assert.equal(back.status, 200, back.text);
  const g = await sheet();
  assert.deepEqual(g.students.map(s => [s.state, s.score]), [['accepted', 70], ['accepted', 88], ['not_handed_in', null]]);
  const r = await fetch(`${srv.base}/api/v1/assignments/${assignment.id}/grades?format=xlsx`, { headers: { Authorization: `Bearer ${teacher.token}` } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await r.arrayBuffer()));
  const ws = book.worksheets[0];
  const rows = [];
  ws.eachRow(row => rows.push(row.values.slice(1)));
  assert.deepEqual(rows[0], ['学号', '姓名', '小组', '状态', '完成步骤', '实验记录完整（60 分）', '实验总结质量（40 分）', '成绩', '教师评语']);
  assert.deepEqual(rows[1].slice(0, 8), ['2024030101', '吴佳怡', '一组', '已评分', '1 / 3', 40, 30, 70]);
  assert.deepEqual(rows[2].slice(5, 8), [50, 38, 88]);
  const third = ws.getRow(4);
  assert.deepEqual([third.getCell(1).value, third.getCell(4).value], ['2024030103', '未提交']);
  assert.ok([null, ''].includes(third.getCell(8).value), 'no score: an empty cell');
  const csv = await teacher.req('GET', `/api/v1/assignments/${assignment.id}/grades?format=csv`);
  assert.match(csv.text, /2024030102,郑浩然,一组,已评分,1 \/ 3,50,38,88/);
});

test('全班成绩单: a row per student, a column per experiment of the class, the averages; JSON and Excel', async () => {
  const klassId = assignment.class_id;
  const opens = new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, 'Z');
  const closes = new Date(Date.now() + 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  const second = (await teacher.post('/api/v1/assignments',
    { class_id: klassId, experiment: 'crms-service', opens_at: opens, closes_at: closes })).json;
  assert.ok(second.id, JSON.stringify(second));
  // 吴佳怡 hands in the second report and gets 90; 郑浩然 only saves a draft (no grade)
  assert.equal((await students['2024030101'].req('PUT', `/api/v1/assignments/${second.id}/my-report`,
    { body: { conclusion: '建立了售后服务部。', submit: true } })).status, 200);
  assert.equal((await students['2024030102'].req('PUT', `/api/v1/assignments/${second.id}/my-report`,
    { body: { conclusion: '草稿' } })).status, 200);
  const reports = (await teacher.get(`/api/v1/assignments/${second.id}/grades`)).json.students;
  assert.equal((await teacher.post(`/api/v1/lab_reports/${reports[0].report_id}/actions/grade`, { score: 90 })).status, 200);

  const g = (await teacher.get(`/api/v1/classes/${klassId}/grades`)).json;
  assert.deepEqual(g.class, { id: klassId, name: '国际贸易2401班' });
  // a report table like every report: the columns, a row per student, the class's row as the total
  assert.equal(g.report, 'class-grades');
  assert.deepEqual(g.assignments.map(a => [a.id, a.title, a.graded, a.column]),
    [[assignment.id, assignment.title, 2, `a${assignment.id}`], [second.id, '设置实验 售后服务员的部门、角色与用户', 1, `a${second.id}`]]);
  assert.deepEqual(g.columns.map(c => [c.key, c.label, c.type]), [['student_no', '学号', 'text'], ['name', '姓名', 'text'],
    ['group_name', '小组', 'text'], [`a${assignment.id}`, assignment.title, 'decimal'],
    [`a${second.id}`, '设置实验 售后服务员的部门、角色与用户', 'decimal'], ['average', '平均分', 'decimal']]);
  const [a1, a2] = [`a${assignment.id}`, `a${second.id}`];
  assert.deepEqual(g.items.map(s => [s.student_no, s[a1], s[a2], s.average]),
    [['2024030101', 70, 90, 80], ['2024030102', 88, null, 88], ['2024030103', null, null, null]]);
  assert.deepEqual([g.total.student_no, g.total[a1], g.total[a2], g.total.average], ['全班平均', 79, 90, 82.67], '(70 + 88 + 90) / 3');
  assert.equal(g.items.length, 3);
  // the teacher's own class only
  assertError(assert, await teacher2.get(`/api/v1/classes/${klassId}/grades`), 404);
  const asStudent = await students['2024030101'].get(`/api/v1/classes/${klassId}/grades`);
  assert.ok([403, 404].includes(asStudent.status), asStudent.text);
  assertError(assert, await teacher.get(`/api/v1/classes/${klassId}/grades?format=pdf`), 400);
  assertError(assert, await teacher.get('/api/v1/classes/999999/grades'), 404);

  const r = await fetch(`${srv.base}/api/v1/classes/${klassId}/grades?format=xlsx`, { headers: { Authorization: `Bearer ${teacher.token}` } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition') || '', /class-grades|%E5%85%A8%E7%8F%AD/);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await r.arrayBuffer()));
  const rows = [];
  book.worksheets[0].eachRow({ includeEmpty: true }, row => rows.push(row.values.slice(1)));
  assert.deepEqual(rows[0], ['学号', '姓名', '小组', assignment.title, '设置实验 售后服务员的部门、角色与用户', '平均分']);
  assert.deepEqual(rows[1], ['2024030101', '吴佳怡', '一组', 70, 90, 80]);
  assert.deepEqual(rows[2].slice(0, 4), ['2024030102', '郑浩然', '一组', 88]);
  assert.ok([undefined, null, ''].includes(rows[2][4]), 'not graded: an empty cell');
  assert.equal(rows[2][5], 88);
  assert.deepEqual(rows[4][0], '全班平均');
  assert.deepEqual(rows[4].slice(3, 6), [79, 90, 82.67]);
  const csv = await teacher.req('GET', `/api/v1/classes/${klassId}/grades?format=csv`);
  assert.match(csv.text, /2024030101,吴佳怡,一组,70(\.00)?,90(\.00)?,80(\.00)?/);
});
