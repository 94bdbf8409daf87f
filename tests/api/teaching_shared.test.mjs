// teaching_shared.test.mjs - a class run as one shared company (智欣联创):
// the teacher builds the position tree (教师 → 班级 → 部门经理 → 业务员) and
// places students; a manager-student sees the records of the students below
// (list, search, export, related lists) but not a peer branch's, a
// salesperson-student only their own; experiments count each student's own
// records; a reset removes only that student's records; a class keeps its
// mode once it has students. And the industry data sets (化妆品, 快速消费品,
// 汽车) loaded on a reset, through the engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, assertError, filterParam, firstSignIn, importRoster, makeClass, makeTeachers } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const srv = new Server();
let teacher, teacher2, klass, tree;
const who = {}; // 学号 -> { client, student record }
const pos = {};  // position name -> id
const passwords = {}; // 学号 -> first password

async function created(res) {
  assert.equal(res.status, 201, res.text);
  return res.json;
}

const ROSTER = [
  '学号,姓名,小组',
  'zx01,赵经理,一部', 'zx02,钱业务,一部', 'zx03,孙业务,一部',
  'zx04,李经理,二部', 'zx05,周业务,二部',
].join('\n');

const dataset = code => JSON.parse(readFileSync(resolve(here, `../../datasets/${code}.json`), 'utf8'));
const count = (x, entity) => x.sections.filter(s => s.entity === entity).reduce((n, s) => n + s.records.length, 0);

before(async () => {
  await srv.start();
  ({ liu_t: teacher, he_t: teacher2 } = await makeTeachers(srv, await srv.client(), [['liu_t', '刘老师'], ['he_t', '何老师']]));
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a shared class gets one company and the one-click position tree', async () => {
  klass = await created(await teacher.post('/api/v1/classes', { name: '市场营销2302班', mode: 'shared_company' }));
  assert.equal(klass.shared_company_id, null);
  const r = (await importRoster(srv, teacher, klass.id, ROSTER, { signIn: false })).answer;
  const company = r.students[0].company_id;
  for (const st of r.students) passwords[st.student_no] = st.password;
  assert.ok(r.students.every(s => s.company_id === company), 'one company for the class');
  assert.equal((await teacher.get(`/api/v1/classes/${klass.id}`)).json.shared_company_id, company);

  let t = (await teacher.get(`/api/v1/classes/${klass.id}/positions`)).json;
  assert.equal(t.company_id, company);
  assert.deepEqual(t.positions, []);
  assert.equal(t.students.length, 5);
  assert.ok(t.students.every(s => s.role_id === null));

  tree = await created(await teacher.post(`/api/v1/classes/${klass.id}/positions/default`));
  for (const p of tree.positions) pos[p.name] = p.id;
  const parent = name => tree.positions.find(p => p.name === name).parent_id;
  assert.equal(parent('教师'), null);
  assert.equal(parent('市场营销2302班'), pos['教师']);
  assert.equal(parent('销售一部经理'), pos['市场营销2302班']);
  assert.equal(parent('销售一部业务员'), pos['销售一部经理']);
  assert.equal(parent('销售二部业务员'), pos['销售二部经理']);
  assertError(assert, await teacher.post(`/api/v1/classes/${klass.id}/positions/default`), 409, 'positions_exist');

  // one more position, and one removed
  const extra = await created(await teacher.post(`/api/v1/classes/${klass.id}/positions`, { name: '客服专员', parent_id: pos['市场营销2302班'] }));
  assertError(assert, await teacher.post(`/api/v1/classes/${klass.id}/positions`, {}), 422, 'validation_failed');
  assert.equal((await teacher.del(`/api/v1/classes/${klass.id}/positions/${extra.id}`)).status, 204);

  // another teacher reaches nothing of it
  assertError(assert, await teacher2.get(`/api/v1/classes/${klass.id}/positions`), 404);
  assertError(assert, await teacher2.post(`/api/v1/classes/${klass.id}/positions/default`), 404);
});

test('the teacher places students; the tree shows them', async () => {
  const t = (await teacher.get(`/api/v1/classes/${klass.id}/positions`)).json;
  const sid = no => t.students.find(s => s.student_no === no).id;
  const place = { zx01: '销售一部经理', zx02: '销售一部业务员', zx03: '销售一部业务员', zx04: '销售二部经理', zx05: '销售二部业务员' };
  for (const [no, p] of Object.entries(place)) {
    const r = await teacher.req('PUT', `/api/v1/classes/${klass.id}/students/${sid(no)}/position`, { body: { role_id: pos[p] } });
    assert.equal(r.status, 204, r.text);
  }
  const after = (await teacher.get(`/api/v1/classes/${klass.id}/positions`)).json;
  for (const [no, p] of Object.entries(place))
    assert.equal(after.students.find(s => s.student_no === no).role_id, pos[p]);
  assertError(assert, await teacher.req('PUT', `/api/v1/classes/${klass.id}/students/${sid('zx01')}/position`,
    { body: { role_id: 999999 } }), 422, 'validation_failed');
  assertError(assert, await teacher2.req('PUT', `/api/v1/classes/${klass.id}/students/${sid('zx01')}/position`,
    { body: { role_id: pos['教师'] } }), 404);
  // a position in use stays
  const inUse = await teacher.del(`/api/v1/classes/${klass.id}/positions/${pos['销售一部业务员']}`);
  assert.ok(inUse.status === 409 || inUse.status === 422, inUse.text);

  const records = Object.fromEntries((await teacher.get(`/api/v1/students?sort=student_no`)).json.items.map(s => [s.student_no, s]));
  const again = (await importRoster(srv, teacher, klass.id, ROSTER, { signIn: false })).answer;
  assert.equal(again.created, 0, 'importing again skips who is there');
  for (const no of Object.keys(place)) who[no] = { record: records[no], client: await firstSignIn(srv, no, passwords[no]) };
  assert.equal(who.zx02.client.user.is_admin, false, 'a student of a shared class administers nothing');
});

const names = async (c, path) => (await c.get(path)).json.items.map(x => x.name).sort();

test('a manager sees the branch below, not a peer branch; a salesperson only their own', async () => {
  const made = {};
  for (const [no, w] of Object.entries(who)) {
    const acc = await created(await w.client.post('/api/v1/accounts', { name: `${w.record.name}的客户`, city: '杭州', industry: 'retail' }));
    await created(await w.client.post('/api/v1/contacts', { name: `${w.record.name}的联系人`, account_id: acc.id }));
    made[no] = acc;
  }
  const own = no => `${who[no].record.name}的客户`;
  assert.deepEqual(await names(who.zx01.client, '/api/v1/accounts'), [own('zx01'), own('zx02'), own('zx03')].sort());
  assert.deepEqual(await names(who.zx04.client, '/api/v1/accounts'), [own('zx04'), own('zx05')].sort());
  assert.deepEqual(await names(who.zx02.client, '/api/v1/accounts'), [own('zx02')]);
  assert.deepEqual(await names(who.zx05.client, '/api/v1/contacts'), ['周业务的联系人']);

  // a record of a peer branch or a colleague is not found at all
  assertError(assert, await who.zx01.client.get(`/api/v1/accounts/${made.zx05.id}`), 404);
  assertError(assert, await who.zx02.client.get(`/api/v1/accounts/${made.zx03.id}`), 404);
  assert.equal((await who.zx01.client.get(`/api/v1/accounts/${made.zx03.id}`)).status, 200);

  // search
  const hits = async (c, q) => (await c.get('/api/v1/search?q=' + encodeURIComponent(q))).json.items
    .filter(x => x.entity === 'accounts').map(x => x.id).sort((a, b) => a - b);
  assert.deepEqual(await hits(who.zx01.client, '的客户'), [made.zx01.id, made.zx02.id, made.zx03.id]);
  assert.deepEqual(await hits(who.zx03.client, '的客户'), [made.zx03.id]);
  assert.deepEqual(await hits(who.zx04.client, '孙业务'), []);

  // export
  const csv = async c => {
    const r = await c.get('/api/v1/accounts/export?format=csv&sort=name');
    assert.equal(r.status, 200, r.text);
    return r.text;
  };
  const managerCsv = await csv(who.zx01.client);
  assert.ok(managerCsv.includes(own('zx02')) && managerCsv.includes(own('zx03')));
  assert.ok(!managerCsv.includes(own('zx04')) && !managerCsv.includes(own('zx05')));
  const salesCsv = await csv(who.zx05.client);
  assert.ok(salesCsv.includes(own('zx05')) && !salesCsv.includes(own('zx04')));

  // related lists
  const related = async (c, id) => (await c.get(`/api/v1/accounts/${id}/related/contacts`));
  assert.deepEqual((await related(who.zx01.client, made.zx02.id)).json.items.map(x => x.name), ['钱业务的联系人']);
  assertError(assert, await related(who.zx04.client, made.zx02.id), 404);

  // the teacher looks into the shared company (read-only) and sees everyone's
  const look = await teacher.get('/api/v1/accounts', { headers: { 'X-Kehu-Company': String(klass.shared_company_id ?? who.zx01.record.sandbox_company_id) } });
  assert.equal(look.json.total, 5, look.text);
});

test('experiment steps count only the student\'s own records in the shared company', async () => {
  const now = Date.now();
  const a = await created(await teacher.post('/api/v1/assignments', { experiment: 'allpass-02', class_id: klass.id,
    opens_at: new Date(now - 3600e3).toISOString().slice(0, 19) + 'Z', closes_at: new Date(now + 86400e3).toISOString().slice(0, 19) + 'Z' }));
  // the manager sees three accounts with industry and city, but owns one
  const m = (await who.zx01.client.get(`/api/v1/assignments/${a.id}/my-progress`)).json;
  const step = (p, key) => p.steps.find(s => s.key === key);
  assert.equal(step(m, 'accounts').count, 1);
  assert.equal(step(m, 'accounts').state, 'in_progress');
  assert.match(step(m, 'accounts').why, /还差 2 个/);
  // the salesperson adds two more of their own and passes; the manager does not
  for (const n of ['甲', '乙'])
    await created(await who.zx02.client.post('/api/v1/accounts', { name: `钱业务的客户${n}`, city: '宁波', industry: 'fmcg' }));
  const s2 = (await who.zx02.client.get(`/api/v1/assignments/${a.id}/my-progress`)).json;
  assert.equal(step(s2, 'accounts').state, 'done');
  assert.equal(step((await who.zx01.client.get(`/api/v1/assignments/${a.id}/my-progress`)).json, 'accounts').state, 'in_progress');

  // the live matrix: per student
  const matrix = (await teacher.get(`/api/v1/assignments/${a.id}/progress`)).json;
  const row = no => matrix.students.find(s => s.student_no === no);
  assert.equal(step(row('zx02'), 'accounts').state, 'done');
  assert.equal(step(row('zx01'), 'accounts').count, 1);
  assert.equal(step(row('zx05'), 'accounts').count, 1);

  // the lab report names the student's own records only
  const report = (await who.zx01.client.get(`/api/v1/assignments/${a.id}/my-report`));
  assert.equal(report.status, 200, report.text);
  const recs = report.json.steps.find(s => s.key === 'accounts').records.map(r => r.name);
  assert.deepEqual(recs, ['赵经理的客户']);
});

test('the matrix\'s grouped count gives each student their own records only, whatever else they see', async () => {
  const now = Date.now();
  const a = await created(await teacher.post('/api/v1/assignments', { experiment: 'allpass-02', class_id: klass.id,
    opens_at: new Date(now - 3600e3).toISOString().slice(0, 19) + 'Z', closes_at: new Date(now + 86400e3).toISOString().slice(0, 19) + 'Z' }));
  const matrix = (await teacher.get(`/api/v1/assignments/${a.id}/progress`)).json;
  const f = filterParam({ and: [{ field: 'industry', op: 'notnull' }, { field: 'city', op: 'notnull' }] });
  let seenBeyondOwn = 0;
  for (const [no, w] of Object.entries(who)) {
    const visible = (await w.client.get(`/api/v1/accounts?filter=${f}&limit=500`)).json.items;
    const own = visible.filter(x => x.owner_id === w.client.user.id).length;
    const cell = matrix.students.find(s => s.student_no === no).steps.find(s => s.key === 'accounts');
    assert.equal(cell.count, own, `${no}: the matrix counts the student's own accounts`);
    const mine = (await w.client.get(`/api/v1/assignments/${a.id}/my-progress`)).json.steps.find(s => s.key === 'accounts');
    assert.equal(mine.count, own, `${no}: the same as the student's own panel`);
    assert.equal(cell.why, mine.why);
    seenBeyondOwn += visible.length - own;
  }
  // the managers see the accounts of the salespeople below; none of those counted for them
  assert.ok(seenBeyondOwn > 0, 'a manager sees more than their own');
});

test('a class keeps its mode once it has students', async () => {
  const r = await teacher.patch(`/api/v1/classes/${klass.id}`, { mode: 'company_per_student' });
  assertError(assert, r, 422, 'mode_locked');
  assert.match(r.json.error.message, /已有学生/);
  assert.equal((await teacher.patch(`/api/v1/classes/${klass.id}`, { name: '市场营销2302班（岗位）' })).status, 200);
  const empty = await created(await teacher.post('/api/v1/classes', { name: '空班级' }));
  const switched = await teacher.patch(`/api/v1/classes/${empty.id}`, { mode: 'shared_company' });
  assert.equal(switched.status, 200, switched.text);
  assert.equal(switched.json.mode, 'shared_company');
  const back = await teacher.patch(`/api/v1/classes/${empty.id}`, { mode: 'company_per_student' });
  assert.equal(back.status, 200, back.text);
  assertError(assert, await teacher.get(`/api/v1/classes/${empty.id}/positions`), 422, 'not_shared');
});

test('a reset in the shared company removes only that student\'s records, and loads a data set', async () => {
  const reset = await teacher.post(`/api/v1/students/${who.zx02.record.id}/actions/reset_company`, {});
  assert.equal(reset.status, 200, reset.text);
  assert.equal(reset.json.result.shared, true);
  assert.deepEqual(await names(who.zx02.client, '/api/v1/accounts'), []);
  assert.deepEqual(await names(who.zx01.client, '/api/v1/accounts'), ['孙业务的客户', '赵经理的客户']);
  assert.equal((await teacher.get(`/api/v1/classes/${klass.id}/positions`)).json.students
    .find(s => s.student_no === 'zx02').role_id, pos['销售一部业务员'], 'the student keeps their position');

  const x = dataset('cosmetics');
  const loaded = await teacher.post(`/api/v1/students/${who.zx03.record.id}/actions/reset_company`, { dataset: 'cosmetics' });
  assert.equal(loaded.status, 200, loaded.text);
  assert.equal(loaded.json.record.dataset, 'cosmetics');
  assert.equal(loaded.json.result.loaded.accounts, count(x, 'accounts'));
  assert.equal(loaded.json.result.loaded.products, count(x, 'products'));
  assert.equal((await who.zx03.client.get('/api/v1/accounts')).json.total, count(x, 'accounts'));
  // the manager above sees them too; the catalogue is the company's, loaded once
  assert.equal((await who.zx01.client.get('/api/v1/accounts')).json.total, count(x, 'accounts') + 1);
  const second = await teacher.post(`/api/v1/students/${who.zx05.record.id}/actions/reset_company`, { dataset: 'cosmetics' });
  assert.equal(second.status, 200, second.text);
  // the class has one market: a second load adds only what is missing
  assert.equal(second.json.result.loaded.products, 0);
  assert.equal(second.json.result.loaded.accounts, 0);
  assert.equal((await who.zx05.client.get('/api/v1/products')).json.total, count(x, 'products'));
  assert.equal((await who.zx05.client.get('/api/v1/accounts')).json.total, 0);
  assertError(assert, await teacher.post(`/api/v1/students/${who.zx05.record.id}/actions/reset_company`, { dataset: 'bakery' }), 422);
});

test('each industry data set loads through the engine into a student\'s own company', async () => {
  const student = (await makeClass(srv, teacher, { name: '行业数据班', roster: '学号,姓名\nds01,吴同学\n' })).students.ds01.client;
  const record = (await teacher.get(`/api/v1/students?filter=${filterParam({ field: 'student_no', op: 'eq', value: 'ds01' })}`)).json.items[0];
  for (const code of ['cosmetics', 'fmcg', 'automotive']) {
    const x = dataset(code);
    const res = await teacher.post(`/api/v1/students/${record.id}/actions/reset_company`, { dataset: code });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.result.shared, false);
    for (const entity of ['products', 'price_rules', 'accounts', 'contacts', 'opportunities']) {
      assert.equal(res.json.result.loaded[entity], count(x, entity), `${code} ${entity}`);
      assert.equal((await student.get(`/api/v1/${entity}?limit=1`)).json.total, count(x, entity), `${code} ${entity} listed`);
    }
    assert.ok(count(x, 'accounts') >= 20 && count(x, 'accounts') <= 40);
    // loaded records are the student's and carry the engine's work (codes, stage probabilities)
    const accs = (await student.get('/api/v1/accounts?limit=200')).json.items;
    assert.ok(accs.every(a => a.owner_id === student.user.id && /^KH-/.test(a.code)), JSON.stringify(accs[0]));
    const opps = (await student.get('/api/v1/opportunities?limit=50')).json.items;
    assert.ok(opps.every(o => o.account_id && o.probability !== null));
    const rules = (await student.get('/api/v1/price_rules')).json.items;
    assert.ok(rules.some(r => r.kind === 'volume' && r.product_id));
  }
  // a reset without a data set empties the company again
  const plainReset = await teacher.post(`/api/v1/students/${record.id}/actions/reset_company`, {});
  assert.equal(plainReset.status, 200, plainReset.text);
  assert.equal(plainReset.json.record.dataset, null);
  assert.equal((await student.get('/api/v1/accounts')).json.total, 0);
});

