// classroom.mjs - the set-up every experiment test needs, on the harness's
// makeTeachers/makeClass/firstSignIn: a
// platform administrator appoints a teacher, the teacher makes a class
// (a company per student unless `mode` says otherwise) and imports a
// roster; each student signs in with the first password, changes it, and
// is then a signed-in client. `assign(code)` publishes an experiment to
// the class, open from a minute ago for a week; `progress(student, a)` is
// the student's own my-progress, and `notDone(p)` the [key, why] of each
// step not done (an empty list when every step passes).
import assert from 'node:assert/strict';
import { makeTeachers, makeClass, isoFromNow, created, TEACH_PASSWORD } from './harness.mjs';

export { created };
export const STUDENT_PASSWORD = TEACH_PASSWORD;

// roster: [[学号, 姓名, 小组]]; answers {teacher, klass, students: {学号: client}, assign}
export async function classroom(srv, { teacher = 'lab_t', className = '市场营销2401班', mode, roster }) {
  const platform = await srv.client();
  const t = (await makeTeachers(srv, platform, [[teacher, `${teacher} 老师`]]))[teacher];
  const csv = ['学号,姓名,小组', ...roster.map(r => r.join(','))].join('\n');
  const { klass, students: made } = await makeClass(srv, t, { name: className, mode, roster: csv });
  const students = Object.fromEntries(Object.entries(made).map(([no, s]) => [no, s.client]));
  const assign = async code => created(await t.post('/api/v1/assignments',
    { class_id: klass.id, experiment: code, opens_at: isoFromNow(-60), closes_at: isoFromNow(7 * 86400) }));
  return { platform, teacher: t, klass, students, assign };
}

export async function progress(student, assignment) {
  const r = await student.get(`/api/v1/assignments/${assignment.id}/my-progress`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

export const notDone = p => p.steps.filter(s => s.state !== 'done').map(s => [s.key, s.why]);
export const stepOf = (p, key) => p.steps.find(s => s.key === key);
