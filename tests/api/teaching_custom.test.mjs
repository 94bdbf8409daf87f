// teaching_custom.test.mjs - experiments teachers write themselves (自编实验):
// a record of custom_experiments per experiment, private to its teacher,
// whose steps are checked on every write as a shipped file is at start-up;
// 试做检查 runs a draft's checks as one of the teacher's students before
// publishing; once published, its class works on it like on a shipped one,
// and it cannot be deleted while assigned.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, makeClass, makeTeachers, TEACH_PASSWORD as PW } from './harness.mjs';

const srv = new Server();
let teacher, teacher2, plain, student, studentRecord, mine;

const STEPS = [
  { key: 'accounts', title: '建立两家 A 级客户', instructions: '新建两家客户等级为 A 的客户', hint: '客户等级选 A',
    check: { kind: 'count', entity: 'accounts', min: 2, what: 'A 级客户', filter: { and: [{ field: 'grade', op: 'in', value: ['A'] }] } } },
  { key: 'contacts', title: '为客户添加联系人', after: 'accounts',
    check: { kind: 'count', entity: 'contacts', min: 1, what: '关联到客户的联系人', filter: { field: 'account_id', op: 'notnull' } } },
];

before(async () => {
  await srv.start();
  const platform = await srv.client();
  ({ li_t: teacher, he_t: teacher2 } = await makeTeachers(srv, platform, [['li_t', '李老师'], ['he_t', '何老师']]));
  assert.equal((await platform.post('/api/v1/users', { username: 'qian', name: '钱职员', password: PW })).status, 201);
  plain = await srv.client('qian', PW);
  const { klass, students } = await makeClass(srv, teacher, { name: '工商管理2401班', roster: '学号,姓名\n2024020101,赵一鸣\n' });
  student = students['2024020101'].client;
  studentRecord = (await teacher.get('/api/v1/students')).json.items[0];
  studentRecord.klass = klass;
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a teacher writes an experiment; the steps are checked like a shipped file, in Chinese', async () => {
  assertError(assert, await plain.post('/api/v1/custom_experiments', { title: '冒名实验', steps: STEPS }), 403, 'forbidden');
  const unknown = await teacher.post('/api/v1/custom_experiments',
    { title: '客户开发', steps: [{ key: 'a', title: '第一步', check: { kind: 'count', entity: 'nope', what: '记录' } }] });
  assertError(assert, unknown, 422, 'validation_failed');
  assert.match(unknown.json.error.message, /第 1 步有误：没有这个模块/);
  assert.equal(unknown.json.error.fields.steps, 'invalid');
  const badFilter = await teacher.post('/api/v1/custom_experiments', { title: '客户开发',
    steps: [{ key: 'a', title: '第一步', check: { kind: 'count', entity: 'accounts', what: '客户', filter: { field: 'nope', op: 'eq', value: 1 } } }] });
  assertError(assert, badFilter, 422, 'validation_failed');
  const badOrder = await teacher.post('/api/v1/custom_experiments', { title: '客户开发', steps: [{ ...STEPS[1] }] });
  assertError(assert, badOrder, 422, 'validation_failed');
  assert.match(badOrder.json.error.message, /须指向前面的一步/);
  assertError(assert, await teacher.post('/api/v1/custom_experiments', { title: '客户开发', steps: [] }), 422);
  assertError(assert, await teacher.post('/api/v1/custom_experiments',
    { title: '客户开发', steps: [STEPS[0], { ...STEPS[0], after: undefined }] }), 422);

  const r = await teacher.post('/api/v1/custom_experiments', { title: '重点客户开发', number: '自编一', expected_minutes: 30,
    scenario: '你是苏州恒达包装材料有限公司的销售代表。', objectives: '学会建立客户档案\n学会维护联系人\n', steps: STEPS });
  assert.equal(r.status, 201, r.text);
  mine = r.json;
  const x = (await teacher.get(`/api/v1/experiments/custom-${mine.id}`)).json;
  assert.deepEqual([x.code, x.series, x.number, x.title], [`custom-${mine.id}`, '自编', '自编一', '重点客户开发']);
  assert.deepEqual(x.objectives, ['学会建立客户档案', '学会维护联系人']);
  assert.deepEqual(x.steps.map(s => s.key), ['accounts', 'contacts']);
  // a change that breaks a step is refused; the stored steps stay
  assertError(assert, await teacher.patch(`/api/v1/custom_experiments/${mine.id}`,
    { steps: [{ key: 'a', title: 'x', check: { kind: 'state', entity: 'opportunities', field: 'stage', value: 'nope', what: '机会' } }] }), 422);
  assert.equal((await teacher.get(`/api/v1/custom_experiments/${mine.id}`)).json.steps.length, 2);
});

test('a teacher sees their own experiments beside the shipped ones, and no one else’s', async () => {
  const codes = (await teacher.get('/api/v1/experiments')).json.items.map(x => x.code);
  assert.equal(codes[0], `custom-${mine.id}`, 'their own first');
  assert.ok(codes.includes('allpass-02'));
  const other = (await teacher2.get('/api/v1/experiments')).json.items.map(x => x.code);
  assert.ok(!other.includes(`custom-${mine.id}`) && other.includes('allpass-02'));
  assertError(assert, await teacher2.get(`/api/v1/experiments/custom-${mine.id}`), 404);
  assertError(assert, await teacher2.get(`/api/v1/custom_experiments/${mine.id}`), 404);
  assertError(assert, await teacher.get('/api/v1/experiments/custom-x1'), 404);
  assert.equal((await student.get('/api/v1/custom_experiments')).json?.total ?? 0, 0);
});

test('试做检查: the draft is checked as a student of the teacher’s class, before it is published', async () => {
  const draft = { title: '草稿', steps: STEPS };
  let r = await teacher.post('/api/v1/experiments/try', { experiment: draft, student_id: studentRecord.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.student.student_no, '2024020101');
  assert.deepEqual(r.json.steps.map(s => s.state), ['not_started', 'not_started']);
  assert.equal(r.json.steps[0].why, '还没有A 级客户：需要 2 个');
  for (const name of ['苏州恒达包装材料有限公司', '无锡新锐机械制造有限公司'])
    assert.equal((await student.post('/api/v1/accounts', { name, grade: 'A' })).status, 201);
  r = await teacher.post('/api/v1/experiments/try', { experiment: draft, student_id: studentRecord.id });
  assert.deepEqual(r.json.steps.map(s => s.state), ['done', 'not_started']);
  assert.equal(r.json.done, 1);
  // a broken draft, another teacher, a student: refused
  assertError(assert, await teacher.post('/api/v1/experiments/try',
    { experiment: { steps: [{ key: 'a', title: 'x', check: { kind: 'count', entity: 'nope', what: 'x' } }] }, student_id: studentRecord.id }), 422);
  assertError(assert, await teacher.post('/api/v1/experiments/try', { student_id: studentRecord.id }), 422);
  assertError(assert, await teacher2.post('/api/v1/experiments/try', { experiment: draft, student_id: studentRecord.id }), 404);
  assertError(assert, await student.post('/api/v1/experiments/try', { experiment: draft, student_id: studentRecord.id }), 404);
  assertError(assert, await teacher.post('/api/v1/experiments/try', { experiment: draft, student_id: 999999 }), 404);
});

test('published, it works like a shipped experiment, and stays while assigned', async () => {
  const opens = new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, 'Z');
  const closes = new Date(Date.now() + 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  const body = { class_id: studentRecord.klass.id, experiment: `custom-${mine.id}`, opens_at: opens, closes_at: closes };
  const a = await teacher.post('/api/v1/assignments', body);
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.title, '自编一 重点客户开发');
  // another teacher cannot publish it, even to a class of their own
  const theirs = (await teacher2.post('/api/v1/classes', { name: '会计2402班' })).json;
  assertError(assert, await teacher2.post('/api/v1/assignments', { ...body, class_id: theirs.id }), 422);

  let p = (await student.get(`/api/v1/assignments/${a.json.id}/my-progress`)).json;
  assert.equal(p.experiment.title, '重点客户开发');
  assert.deepEqual(p.steps.map(s => s.state), ['done', 'not_started']);
  const account = (await student.get('/api/v1/accounts')).json.items[0];
  assert.equal((await student.post('/api/v1/contacts', { name: '周经理', account_id: account.id })).status, 201);
  p = (await student.get(`/api/v1/assignments/${a.json.id}/my-progress`)).json;
  assert.equal(p.done, 2);
  const mineList = (await student.get('/api/v1/my-assignments')).json;
  assert.equal(mineList.items[0].experiment.code, `custom-${mine.id}`);
  const matrix = (await teacher.get(`/api/v1/assignments/${a.json.id}/progress`)).json;
  assert.equal(matrix.students[0].done, 2);
  const report = await student.get(`/api/v1/assignments/${a.json.id}/my-report`);
  assert.equal(report.status, 200, report.text);

  assertError(assert, await teacher.del(`/api/v1/custom_experiments/${mine.id}`), 409, 'in_use');
  assert.equal((await teacher.del(`/api/v1/assignments/${a.json.id}`)).status, 204);
  assert.equal((await teacher.del(`/api/v1/custom_experiments/${mine.id}`)).status, 204);
});
