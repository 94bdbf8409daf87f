// teaching_times.test.mjs - the time students spend on experiment steps,
// from what the server saw happen (the student's first look at the
// assignment, then each step done), never from a browser timer; the class
// matrix's average per step and who has been on a step longest. The
// server's clock is the file KEHU_TEST_CLOCK names (src/util/clock.c), so
// every figure is exact. And the matrix's grouped count across the
// students' own companies: each counts only what they themselves see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, assertError, makeClass, makeTeachers } from './harness.mjs';

const srv = new Server();
const clockFile = join(mkdtempSync(join(tmpdir(), 'kehu-clock-')), 'now');
const T0 = Math.floor(Date.now() / 1000);
const at = s => new Date((T0 + s) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const setClock = s => writeFileSync(clockFile, at(s));
let platform, teacher, assignment;
const st = {}; // 学号 -> signed-in client

async function created(res) {
  assert.equal(res.status, 201, res.text);
  return res.json;
}

const progress = async no => (await st[no].get(`/api/v1/assignments/${assignment.id}/my-progress`)).json;
// 开始实验: the explicit first look (the GETs only read)
const open = async (no, id = assignment.id) => st[no].post(`/api/v1/assignments/${id}/open`);
const matrix = async () => (await teacher.get(`/api/v1/assignments/${assignment.id}/progress`)).json;
const row = (m, no) => m.students.find(s => s.student_no === no);
const step = (r, key) => r.steps.find(s => s.key === key);
const account = (c, name, extra = {}) => c.post('/api/v1/accounts', { name, industry: 'manufacturing', city: '苏州', ...extra });

before(async () => {
  setClock(0);
  await srv.start({ env: { KEHU_TEST_CLOCK: clockFile } });
  platform = await srv.client();
  ({ sun_t: teacher } = await makeTeachers(srv, platform, [['sun_t', '孙老师']]));
  const { klass, students } = await makeClass(srv, teacher, { name: '工商管理2401班',
    roster: '学号,姓名,小组\nts01,甲同学,一组\nts02,乙同学,一组\nts03,丙同学,二组\n' });
  for (const [no, s] of Object.entries(students)) st[no] = s.client;
  assignment = await created(await teacher.post('/api/v1/assignments',
    { class_id: klass.id, experiment: 'allpass-02', opens_at: at(-3600), closes_at: at(86400) }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a student\'s time starts at their first look and runs from one step done to the next', async () => {
  // looking at the progress writes nothing: the first look is POST .../open
  assert.equal((await progress('ts01')).opened_at, null);
  assert.equal((await progress('ts01')).opened_at, null, 'still not opened after two reads');
  let o = await open('ts01');
  assert.equal(o.status, 200, o.text);
  assert.equal(o.json.opened_at, at(0));
  let p = await progress('ts01');
  assert.equal(p.opened_at, at(0));
  assert.equal(step(p, 'accounts').seconds, 0, 'on the first step since the first look');
  setClock(60);
  assert.equal((await open('ts02')).json.opened_at, at(60));
  o = await open('ts01');
  assert.deepEqual([o.status, o.json.opened_at], [200, at(0)], 'opening again is idempotent: the first look stays');
  // nobody else opens it for a student, and another's assignment is not found
  assertError(assert, await teacher.post(`/api/v1/assignments/${assignment.id}/open`), 404);
  assertError(assert, await platform.post(`/api/v1/assignments/${assignment.id}/open`), 404);
  assertError(assert, await open('ts01', 999999), 404);
  // an assignment not open yet cannot be started
  const later = await created(await teacher.post('/api/v1/assignments',
    { class_id: assignment.class_id, experiment: 'allpass-02', opens_at: at(86400), closes_at: at(2 * 86400) }));
  assertError(assert, await open('ts01', later.id), 409, 'not_open');
  assert.equal((await st.ts01.get(`/api/v1/assignments/${later.id}/my-progress`)).json.opened_at, null);
  assert.equal((await teacher.del(`/api/v1/assignments/${later.id}`)).status, 204);

  setClock(600);
  for (const n of ['一', '二', '三']) await created(await account(st.ts01, `苏州${n}号精密机械有限公司`));
  setClock(900);
  await created(await account(st.ts01, '南通重点客户有限公司', { grade: 'A' }));
  setClock(1260);
  for (const n of ['一', '二', '三']) await created(await account(st.ts02, `无锡${n}号纺织有限公司`));
  setClock(1500);
  p = await progress('ts01');
  assert.equal(p.opened_at, at(0), 'a later look does not move the start');
  assert.deepEqual(p.steps.map(s => [s.key, s.state, s.seconds]).slice(0, 4),
    [['accounts', 'done', 600], ['grade', 'done', 300], ['contacts', 'not_started', 600], ['decision_makers', 'not_started', null]]);
});

test('the matrix: time per cell, the class average per step, who has been on a step longest', async () => {
  const m = await matrix();
  const a = row(m, 'ts01'), b = row(m, 'ts02'), c = row(m, 'ts03');
  assert.deepEqual([step(a, 'accounts').seconds, step(a, 'grade').seconds], [600, 300]);
  assert.deepEqual(a.current, { key: 'contacts', since: at(900), seconds: 600 });
  assert.equal(step(b, 'accounts').seconds, 1200, 'from the first look at 60 s to the third account at 1260 s');
  assert.deepEqual(b.current, { key: 'grade', since: at(1260), seconds: 240 });
  assert.equal(c.current, null, 'never opened, nothing done: not begun');
  assert.ok(c.steps.every(s => s.seconds === null));
  const avg = Object.fromEntries(m.step_times.map(s => [s.key, [s.done, s.avg_seconds]]));
  assert.deepEqual(avg.accounts, [2, 900]);
  assert.deepEqual(avg.grade, [1, 300]);
  assert.deepEqual(avg.contacts, [0, null]);
  assert.equal(m.step_times.length, 7);
  assert.deepEqual(m.stuck.map(s => [s.student.student_no, s.step, s.seconds]), [['ts01', 'contacts', 600], ['ts02', 'grade', 240]]);
  assert.equal(m.stuck[0].title, '登记各家客户的联系人');

  // the third student opens it at 1500 s: on the first step from then
  assert.equal((await open('ts03')).status, 200);
  setClock(1800);
  const later = await matrix();
  assert.deepEqual(later.stuck.map(s => [s.student.student_no, s.seconds]), [['ts01', 900], ['ts02', 540], ['ts03', 300]]);
});

test('a step takes from the last event to its done; the times stop at the close', async () => {
  // 丙 looked at 1500 s and made the third account at 2000 s
  setClock(2000);
  for (const n of ['一', '二', '三']) await created(await account(st.ts03, `常州${n}号电气有限公司`));
  const c = row(await matrix(), 'ts03');
  assert.equal(step(c, 'accounts').seconds, 500);
  // closing the assignment at 2100 s stops every clock there
  assert.equal((await teacher.patch(`/api/v1/assignments/${assignment.id}`, { closes_at: at(2100) })).status, 200);
  setClock(3000);
  const m = await matrix();
  assert.equal(m.open, false);
  assert.deepEqual(row(m, 'ts01').current, { key: 'contacts', since: at(900), seconds: 1200 });
  assert.deepEqual(row(m, 'ts03').current, { key: 'grade', since: at(2000), seconds: 100 });
  // a look after the close keeps the first look; opening again answers it
  assert.equal((await progress('ts03')).opened_at, at(1500));
  assert.equal((await open('ts03')).json.opened_at, at(1500));
});

test('the grouped count: each student counts their own company\'s records, never another\'s or the school\'s', async () => {
  // the school's company has accounts that would match too
  await created(await account(platform, '学校自己的客户', { grade: 'A' }));
  const m = await matrix();
  assert.deepEqual(['ts01', 'ts02', 'ts03'].map(no => step(row(m, no), 'accounts').count), [4, 3, 3]);
  assert.deepEqual(['ts01', 'ts02', 'ts03'].map(no => step(row(m, no), 'grade').count), [1, 0, 0]);
  for (const no of ['ts01', 'ts02', 'ts03']) {
    const own = await progress(no);
    assert.deepEqual(own.steps.map(s => [s.key, s.count, s.why]), row(m, no).steps.map(s => [s.key, s.count, s.why]),
      `${no}: the matrix says what the student's own panel says`);
  }
  assert.equal(step(row(m, 'ts02'), 'grade').why, '还没有客户等级为 A 的重点客户');
});
