// classroom.mjs - the set-up every experiment test needs, in one place: a
// platform administrator appoints a teacher, the teacher makes a class
// (a company per student unless `mode` says otherwise) and imports a
// roster; each student signs in with the first password, changes it, and
// is then a signed-in client. `assign(code)` publishes an experiment to
// the class, open from a minute ago for a week; `progress(student, a)` is
// the student's own my-progress, and `notDone(p)` the [key, why] of each
// step not done (an empty list when every step passes).
import assert from 'node:assert/strict';

export const STUDENT_PASSWORD = 'Pass#2026word';
const iso = ms => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

async function firstSignIn(srv, no, password) {
  const login = await srv.request('POST', '/api/v1/session', { body: { username: no, password } });
  assert.equal(login.status, 200, login.text);
  const h = { Cookie: login.headers.get('set-cookie').split(';')[0], 'X-CSRF-Token': login.json.csrf_token };
  const changed = await srv.request('POST', '/api/v1/session/password',
    { body: { old_password: password, new_password: STUDENT_PASSWORD }, headers: h });
  assert.equal(changed.status, 204, changed.text);
  return srv.client(no, STUDENT_PASSWORD);
}

// roster: [[学号, 姓名, 小组]]; answers {teacher, klass, students: {学号: client}, assign}
export async function classroom(srv, { teacher = 'lab_t', className = '市场营销2401班', mode, roster }) {
  const platform = await srv.client();
  const made = await platform.post('/api/v1/users', { username: teacher, name: `${teacher} 老师`, password: STUDENT_PASSWORD });
  assert.equal(made.status, 201, made.text);
  assert.equal((await platform.req('PUT', `/api/v1/teachers/${made.json.id}`)).status, 204);
  const t = await srv.client(teacher, STUDENT_PASSWORD);
  const klass = await t.post('/api/v1/classes', { name: className, ...(mode ? { mode } : {}) });
  assert.equal(klass.status, 201, klass.text);
  const csv = ['学号,姓名,小组', ...roster.map(r => r.join(','))].join('\n');
  const r = await t.req('POST', `/api/v1/classes/${klass.json.id}/students/import`,
    { raw: csv, headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
  assert.equal(r.status, 201, r.text);
  const students = {};
  for (const s of r.json.students) students[s.student_no] = await firstSignIn(srv, s.student_no, s.password);
  const assign = async code => {
    const a = await t.post('/api/v1/assignments',
      { class_id: klass.json.id, experiment: code, opens_at: iso(Date.now() - 60000), closes_at: iso(Date.now() + 7 * 86400000) });
    assert.equal(a.status, 201, a.text);
    return a.json;
  };
  return { platform, teacher: t, klass: klass.json, students, assign };
}

export async function progress(student, assignment) {
  const r = await student.get(`/api/v1/assignments/${assignment.id}/my-progress`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

export const notDone = p => p.steps.filter(s => s.state !== 'done').map(s => [s.key, s.why]);
export const stepOf = (p, key) => p.steps.find(s => s.key === key);
