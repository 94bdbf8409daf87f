// surveys.test.mjs - 调查问卷 (issue 16): questions as owned lines (单选, 多选,
// 评分, 文字), invitations to contacts or a campaign's members with a link
// that needs no account, answered once and only while the survey is open,
// answers checked and stored as text linked to the contact, statistics per
// question, and the answers exported.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
let admin, contacts = [], campaign, survey, links = {};
const open = token => srv.request('GET', `/api/v1/survey-links/${token}`);
const send = (token, answers) => srv.request('POST', `/api/v1/survey-links/${token}`, { body: { answers } });
const future = new Date(Date.now() + 7 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
let q = {};

before(async () => {
  await srv.start();
  admin = await srv.client();
  const account = created(await admin.post('/api/v1/accounts', { name: '苏州明达机械有限公司' }));
  for (const name of ['刘洋', '陈静', '王磊']) contacts.push(created(await admin.post('/api/v1/contacts', { name, account_id: account.id })));
  campaign = created(await admin.post('/api/v1/campaigns', { name: '2026 秋季新品推介会', type: 'seminar' }));
  for (const c of contacts.slice(1))
    created(await admin.post('/api/v1/campaign_members', { campaign_id: campaign.id, member_type: 'contact', contact_id: c.id }));
  survey = created(await admin.post('/api/v1/surveys', { title: '新品推介会满意度调查', kind: 'satisfaction', campaign_id: campaign.id,
    questions: [
      { question: '您对本次推介会的总体评价', kind: 'single', choices: '非常满意\n满意\n一般\n不满意' },
      { question: '您最关注产品的哪些方面', kind: 'multiple', choices: '价格\n质量\n售后服务\n交货期' },
      { question: '请为讲解人员打分', kind: 'scale' },
      { question: '其他建议', kind: 'text', required: false }] }));
  for (const [k, line] of survey.questions.entries()) q[['single', 'multiple', 'scale', 'text'][k]] = String(line.id);
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a survey is published with a 截止时间 before anyone is invited', async () => {
  assertError(assert, await admin.post(`/api/v1/surveys/${survey.id}/invite`, { contact_ids: [contacts[0].id] }), 422, 'survey_not_open');
  const bad = await admin.post('/api/v1/survey_questions', {});
  assert.ok(bad.status >= 400);
  const noChoices = await admin.patch(`/api/v1/surveys/${survey.id}`, { questions: [...survey.questions, { question: '选哪个', kind: 'single' }] });
  assertError(assert, noChoices, 422, 'validation_failed');
  assertError(assert, await admin.post(`/api/v1/surveys/${survey.id}/actions/publish`, {}), 422);
  const r = ok(await admin.post(`/api/v1/surveys/${survey.id}/actions/publish`, { closes_at: future }));
  assert.equal(r.record.status, 'open');
  // the questions are locked once published
  assertError(assert, await admin.patch(`/api/v1/surveys/${survey.id}`, { questions: [] }), 422, 'locked');
});

test('invitations: named contacts and a campaign\'s contact members, each once, with a link token', async () => {
  const one = ok(await admin.post(`/api/v1/surveys/${survey.id}/invite`, { contact_ids: [contacts[0].id] }));
  assert.deepEqual([one.invited, one.skipped], [1, 0]);
  assert.match(one.links[0].token, /^[A-Za-z0-9_-]{40,}$/);
  const camp = ok(await admin.post(`/api/v1/surveys/${survey.id}/invite`, { campaign_id: campaign.id }));
  assert.deepEqual([camp.invited, camp.skipped], [2, 0]);
  const again = ok(await admin.post(`/api/v1/surveys/${survey.id}/invite`, { campaign_id: campaign.id }));
  assert.deepEqual([again.invited, again.skipped], [0, 2]);
  for (const l of [...one.links, ...camp.links]) links[l.contact_id] = l.token;
  const bad = await admin.post(`/api/v1/surveys/${survey.id}/invite`, { contact_ids: [999999] });
  assertError(assert, bad, 422, 'validation_failed');
  assert.equal(bad.json.error.fields['contact_ids[0]'], 'not_found');
  assertError(assert, await admin.post(`/api/v1/surveys/${survey.id}/invite`, { emails: ['a@b.cn'] }), 422, 'validation_failed');
  const s = ok(await admin.get(`/api/v1/surveys/${survey.id}`));
  assert.deepEqual([s.invited_count, s.answered_count], [3, 0]);
  // the hash is stored, never the token
  const inv = ok(await admin.get(`/api/v1/survey_invitations?limit=10`)).items;
  assert.ok(inv.every(i => !Object.values(i).includes(links[contacts[0].id])));
});

test('the link needs no account and shows the questions', async () => {
  const form = ok(await open(links[contacts[0].id]));
  assert.equal(form.title, '新品推介会满意度调查');
  assert.deepEqual(form.questions.map(x => [x.kind, x.required]), [['single', true], ['multiple', true], ['scale', true], ['text', false]]);
  assert.deepEqual(form.questions[0].choices, ['非常满意', '满意', '一般', '不满意']);
  assertError(assert, await open('nosuchtoken'), 404, 'not_found');
});

test('bad answers are refused, naming each question; nothing is stored', async () => {
  const t = links[contacts[0].id];
  const r = await send(t, { [q.single]: '超级满意', [q.multiple]: ['价格', '价格'], [q.scale]: 6, 99999: 'x' });
  assertError(assert, r, 422, 'validation_failed');
  assert.deepEqual(r.json.error.fields, { [`answers.${q.single}`]: 'not_an_option', [`answers.${q.multiple}`]: 'not_an_option',
    [`answers.${q.scale}`]: 'out_of_range', 'answers.99999': 'unknown' });
  const missing = await send(t, { [q.single]: '满意' });
  assert.equal(missing.json.error.fields[`answers.${q.multiple}`], 'required');
  assertError(assert, await srv.request('POST', `/api/v1/survey-links/${t}`, { body: { answers: [], extra: 1 } }), 422, 'validation_failed');
  assert.equal(ok(await admin.get('/api/v1/survey_answers?limit=1')).total, 0);
});

test('an answer is stored once, linked to the contact; hostile text stays text', async () => {
  const evil = '=HYPERLINK("http://x")<script>alert("问卷")</script>';
  const t = links[contacts[0].id];
  const r = ok(await send(t, { [q.single]: '非常满意', [q.multiple]: ['质量', '价格'], [q.scale]: 5, [q.text]: evil }));
  assert.equal(r.answered, 4);
  assertError(assert, await send(t, { [q.single]: '一般', [q.multiple]: ['价格'], [q.scale]: 1 }), 409, 'already_answered');
  assertError(assert, await open(t), 409, 'already_answered');
  const answers = ok(await admin.get('/api/v1/survey_answers?limit=10&sort=id')).items;
  assert.ok(answers.every(a => a.contact_id === contacts[0].id && a.survey_id === survey.id));
  assert.equal(answers.find(a => String(a.question_id) === q.text).answer, evil);
  const inv = ok(await admin.get('/api/v1/survey_invitations?limit=10')).items.find(i => i.contact_id === contacts[0].id);
  assert.equal(inv.status, 'answered');
  assert.match(inv.answered_at, /^2\d{3}-/);
  // exported as text: the formula is not run by a spreadsheet
  const csv = await admin.get('/api/v1/survey_answers/export?format=csv');
  assert.equal(csv.status, 200);
  assert.ok(csv.text.includes('"\'=HYPERLINK(""http://x"")<script>'), csv.text.slice(0, 400));
  // another invitee answers without the optional text
  ok(await send(links[contacts[1].id], { [q.single]: '满意', [q.multiple]: ['价格'], [q.scale]: 4 }));
});

test('statistics per question: choice counts, the scale\'s counts and exact average, the texts', async () => {
  const s = ok(await admin.get(`/api/v1/surveys/${survey.id}/statistics`));
  assert.deepEqual([s.invited, s.answered], [3, 2]);
  const [single, multiple, scale, text] = s.questions;
  assert.deepEqual(single.choices.map(c => [c.choice, c.count]), [['非常满意', 1], ['满意', 1], ['一般', 0], ['不满意', 0]]);
  assert.deepEqual(multiple.choices.map(c => c.count), [2, 1, 0, 0]);
  assert.deepEqual(scale.scores.map(c => c.count), [0, 0, 0, 1, 1]);
  assert.equal(scale.average, '4.50');
  assert.deepEqual([text.answered, text.texts.length], [1, 1]);
  assertError(assert, await admin.get('/api/v1/surveys/999999/statistics'), 404);
  // the same figures as a spreadsheet: a row per choice and score with its share of the answers
  const csv = await admin.get(`/api/v1/surveys/${survey.id}/statistics?format=csv`);
  assert.equal(csv.status, 200, csv.text);
  assert.match(csv.headers.get('content-disposition'), /filename="survey-statistics-\d{8}\.csv"/);
  const rows = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(rows[0], '题目,选项 / 回答,人数,占比%');
  assert.ok(rows.includes('您对本次推介会的总体评价,满意,1,50.00'), rows.join('\n'));
  assert.ok(rows.includes('请为讲解人员打分,答题人数（平均分 4.50）,2,100.00'), rows.join('\n'));
  assert.ok(rows.includes('您最关注产品的哪些方面,价格,2,100.00'));
  const xlsx = await admin.get(`/api/v1/surveys/${survey.id}/statistics?format=xlsx`);
  assert.equal(xlsx.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assertError(assert, await admin.get(`/api/v1/surveys/${survey.id}/statistics?format=pdf`), 400, 'bad_param');
});

test('a link expires with the survey: after its 截止时间 and once it is closed', async () => {
  const t = links[contacts[2].id];
  ok(await admin.patch(`/api/v1/surveys/${survey.id}`, { closes_at: '2026-01-01T00:00:00Z' }));
  assertError(assert, await open(t), 410, 'expired');
  assertError(assert, await send(t, { [q.single]: '满意' }), 410, 'expired');
  ok(await admin.patch(`/api/v1/surveys/${survey.id}`, { closes_at: future }));
  ok(await open(t));
  ok(await admin.post(`/api/v1/surveys/${survey.id}/actions/close`, {}));
  assertError(assert, await open(t), 410, 'expired');
});
