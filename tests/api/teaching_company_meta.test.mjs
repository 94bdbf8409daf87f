// teaching_company_meta.test.mjs - with a company per student, each student's
// company may have picklist options (and custom fields) of its own: the
// class matrix checks every student's steps in that student's company
// metadata, as the student's own panel does, so both say the same, with the
// option as the student's company names it. The teacher's own experiment
// names an option their company added (客户等级「S」); one student's company
// has it too, under its own label, the other's has not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, makeClass, makeTeachers, isoFromNow } from './harness.mjs';

const srv = new Server();
let teacher, assignment, st;

const grades = async who => (await who.get('/api/v1/metadata')).json.entities
  .find(e => e.name === 'accounts').fields.find(f => f.name === 'grade').options;
// the company's grades with one more option: S, under the company's own label
const withS = async (who, label) => {
  const options = (await grades(who)).map(o => ({ value: o.value, label_zh: o.label }));
  const r = await who.req('PUT', '/api/v1/metadata/picklists/accounts/grade', { body: { options: [...options, { value: 'S', label_zh: label }] } });
  assert.equal(r.status, 200, r.text);
};

before(async () => {
  await srv.start();
  const platform = await srv.client();
  ({ sun_t: teacher } = await makeTeachers(srv, platform, [['sun_t', '孙老师']]));
  // the school's company (the teacher's) has the option: the experiment may name it
  await withS(platform, '战略客户');
  let klass;
  ({ klass, students: st } = await makeClass(srv, teacher, { name: '市场营销2402班', roster: '学号,姓名\ncm01,甲同学\ncm02,乙同学\n' }));
  // one student's company adds it under its own label; the other's does not
  await withS(st.cm01.client, '战略级');
  const x = await teacher.post('/api/v1/custom_experiments', { title: '战略客户开发', number: '自编三', steps: [
    { key: 'strategic', title: '建立一家战略客户', check: { kind: 'state', entity: 'accounts', field: 'grade', value: 'S', what: '客户' } },
    { key: 'any', title: '建立两家客户', check: { kind: 'count', entity: 'accounts', min: 2, what: '客户' } }] });
  assert.equal(x.status, 201, x.text);
  const a = await teacher.post('/api/v1/assignments',
    { class_id: klass.id, experiment: `custom-${x.json.id}`,
      opens_at: isoFromNow(-60), closes_at: isoFromNow(86400) });
  assert.equal(a.status, 201, a.text);
  assignment = a.json;
});
after(async () => { await srv.stop(); srv.cleanup(); });

const matrix = async () => (await teacher.get(`/api/v1/assignments/${assignment.id}/progress`)).json;
const rowOf = (m, no) => m.students.find(s => s.student_no === no);
const mine = async no => (await st[no].client.get(`/api/v1/assignments/${assignment.id}/my-progress`)).json;
const cells = r => r.steps.map(s => [s.key, s.state, s.count, s.why]);

test('each student\'s step is checked in their own company\'s metadata, the matrix saying what the panel says', async () => {
  let m = await matrix();
  assert.equal(m.total, 2);
  assert.deepEqual(cells(rowOf(m, 'cm01'))[0], ['strategic', 'not_started', 0, '还没有客户到达「战略级」'],
    'the option as the student\'s company names it');
  assert.deepEqual(cells(rowOf(m, 'cm02'))[0], ['strategic', 'not_started', 0, '还没有客户到达「S（实验公司里还没有这个选项）」'],
    'a company without the option says so');
  for (const no of ['cm01', 'cm02']) assert.deepEqual(cells(await mine(no)), cells(rowOf(m, no)), `${no}: the panel and the matrix agree`);

  // the student with the option makes such a customer; the other cannot
  assert.equal((await st.cm01.client.post('/api/v1/accounts', { name: '宁德储能科技有限公司', grade: 'S' })).status, 201);
  assertError(assert, await st.cm02.client.post('/api/v1/accounts', { name: '合肥新能源有限公司', grade: 'S' }), 422, 'validation_failed');
  assert.equal((await st.cm02.client.post('/api/v1/accounts', { name: '合肥新能源有限公司', grade: 'A' })).status, 201);
  m = await matrix();
  assert.deepEqual(cells(rowOf(m, 'cm01')), [['strategic', 'done', 1, null], ['any', 'in_progress', 1, '还差 1 个客户：目前有 1 个，需要 2 个']]);
  assert.deepEqual(cells(rowOf(m, 'cm02'))[1], ['any', 'in_progress', 1, '还差 1 个客户：目前有 1 个，需要 2 个']);
  for (const no of ['cm01', 'cm02']) assert.deepEqual(cells(await mine(no)), cells(rowOf(m, no)), `${no}: still the same`);
  assert.equal(m.step_times.find(s => s.key === 'strategic').done, 1);
});
