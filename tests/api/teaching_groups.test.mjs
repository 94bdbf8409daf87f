// teaching_groups.test.mjs - a class run as a company per group (每个小组一个
// 公司): the roster import makes one company per 小组 (and one for the
// students without a group), every member an administrator of it; the
// members share its records and its progress, another group sees none of
// them; a later roster joins the group's company; a reset clears the
// group's company but keeps every member's sign-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, importRoster as importInto, makeTeachers, TEACH_PASSWORD as PW } from './harness.mjs';

const srv = new Server();
let teacher, klass, assignment;
const st = {}; // 学号 -> { client, record, company_id }

async function created(res) {
  assert.equal(res.status, 201, res.text);
  return res.json;
}

async function importRoster(csv) {
  const { answer, students } = await importInto(srv, teacher, klass.id, csv);
  Object.assign(st, students);
  return answer;
}

before(async () => {
  await srv.start();
  const platform = await srv.client();
  ({ lin_t: teacher } = await makeTeachers(srv, platform, [['lin_t', '林老师']]));
  klass = await created(await teacher.post('/api/v1/classes', { name: '物流管理2401班', mode: 'company_per_group' }));
  const now = Date.now();
  assignment = await created(await teacher.post('/api/v1/assignments', { class_id: klass.id, experiment: 'allpass-02',
    opens_at: new Date(now - 3600e3).toISOString().slice(0, 19) + 'Z', closes_at: new Date(now + 86400e3).toISOString().slice(0, 19) + 'Z' }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('the roster gives each group one company, every member its administrator', async () => {
  const r = await importRoster('学号,姓名,小组\ng01,甲同学,第一组\ng02,乙同学,第一组\ng03,丙同学,第二组\ng04,丁同学,\n');
  assert.equal(r.created, 4);
  assert.equal(st.g01.company_id, st.g02.company_id, 'one company for 第一组');
  assert.equal(new Set(['g01', 'g03', 'g04'].map(no => st[no].company_id)).size, 3, 'another for 第二组 and for those without a group');
  for (const no of ['g01', 'g02', 'g03', 'g04']) assert.equal(st[no].client.user.is_admin, true, no);
  const records = (await teacher.get('/api/v1/students?sort=student_no')).json.items;
  assert.deepEqual(records.map(s => s.sandbox_company_id), ['g01', 'g02', 'g03', 'g04'].map(no => st[no].company_id));
  // the mode stays once there are students
  assertError(assert, await teacher.patch(`/api/v1/classes/${klass.id}`, { mode: 'company_per_student' }), 422, 'mode_locked');
});

test('the members share the group\'s records and progress; another group sees none of them', async () => {
  const acc = await created(await st.g01.client.post('/api/v1/accounts', { name: '青岛港联物流有限公司', industry: 'manufacturing', city: '青岛' }));
  assert.deepEqual((await st.g02.client.get('/api/v1/accounts')).json.items.map(a => a.name), ['青岛港联物流有限公司']);
  assert.equal((await st.g03.client.get('/api/v1/accounts')).json.total, 0);
  assertError(assert, await st.g03.client.get(`/api/v1/accounts/${acc.id}`), 404);
  const m = (await teacher.get(`/api/v1/assignments/${assignment.id}/progress`)).json;
  const count = no => m.students.find(s => s.student_no === no).steps.find(s => s.key === 'accounts').count;
  assert.deepEqual(['g01', 'g02', 'g03', 'g04'].map(count), [1, 1, 0, 0]);
  const mine = (await st.g02.client.get(`/api/v1/assignments/${assignment.id}/my-progress`)).json;
  assert.equal(mine.steps.find(s => s.key === 'accounts').why, '还差 2 个填写了所属行业和城市的客户：目前有 1 个，需要 3 个');
});

test('a later roster joins the group\'s company', async () => {
  await importRoster('学号,姓名,小组\ng05,戊同学,第二组\n');
  assert.equal(st.g05.company_id, st.g03.company_id);
  assert.equal(st.g05.client.user.is_admin, true);
});

test('a reset clears the group\'s company and keeps every member\'s sign-in', async () => {
  // a settings lab: 乙 adds a user of the company
  await created(await st.g02.client.post('/api/v1/users', { username: 'g-helper', name: '助理', password: PW }));
  const g01 = (await teacher.get('/api/v1/students?sort=student_no')).json.items.find(s => s.student_no === 'g01');
  const r = await teacher.post(`/api/v1/students/${g01.id}/actions/reset_company`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal((await st.g02.client.get('/api/v1/accounts')).json.total, 0, 'the group\'s records are gone');
  const users = (await st.g02.client.get('/api/v1/users')).json.items.map(u => u.username).sort();
  assert.deepEqual(users, ['g01', 'g02'], 'the students stay, the user they made goes');
  // both still sign in, as administrators of the company
  assert.equal((await srv.client('g01', PW)).user.is_admin, true);
  assert.equal((await srv.client('g02', PW)).user.is_admin, true);
  // the other group is untouched
  assert.equal((await st.g03.client.get('/api/v1/users')).json.items.length, 2);
});

test('a member who is no longer an administrator counts only what they see (the grouped count\'s own query for them)', async () => {
  // 乙 takes 甲's administration away: 甲 now sees as an ordinary user of the company
  const g01 = (await st.g02.client.get('/api/v1/users')).json.items.find(u => u.username === 'g01');
  const r = await st.g02.client.patch(`/api/v1/users/${g01.id}`, { is_admin: false });
  assert.equal(r.status, 200, r.text);
  await created(await st.g02.client.post('/api/v1/accounts', { name: '烟台远洋货运有限公司', industry: 'manufacturing', city: '烟台' }));
  const a = await srv.client('g01', PW);
  assert.equal(a.user.is_admin, false);
  await created(await a.post('/api/v1/accounts', { name: '威海海运代理有限公司', industry: 'manufacturing', city: '威海' }));
  const seen = (await a.get('/api/v1/accounts')).json.total;
  const m = (await teacher.get(`/api/v1/assignments/${assignment.id}/progress`)).json;
  const count = no => m.students.find(s => s.student_no === no).steps.find(s => s.key === 'accounts').count;
  assert.equal(count('g02'), 2, 'the administrator counts the whole company');
  assert.equal(count('g01'), seen, 'the other counts what their own list shows');
  assert.ok(seen < 2, 'and that is not the administrator\'s record');
  const mine = (await a.get(`/api/v1/assignments/${assignment.id}/my-progress`)).json;
  assert.equal(mine.steps.find(s => s.key === 'accounts').count, seen);
});
