// readonly_get.test.mjs - a GET writes nothing (issue 16). On a --demo
// database with the server's background jobs not due (the SLA sweep and
// the IMAP poll every 86400 s, after the sweep's first run at start; no
// email waits in the queue), every GET operation of the OpenAPI document
// is called, its path filled from real records (the demo's, and a few made
// here: an import, an attachment, a survey link, a calendar feed, a
// letter's mail link), as the administrator and as a teacher looking into
// a student's company (X-Kehu-Company, read only; the company loaded with
// the 化妆品 industry data), as that teacher at home (classes, assignments,
// the progress matrix, grades) and as the student (their assignment, progress
// and lab report). The database must not change:
// - SQLite: the main file and its -wal, byte for byte (any commit adds
//   WAL frames, a checkpoint rewrites the main file);
// - PostgreSQL: every table's rows with their xmin (any insert, update or
//   delete, even of the same values, gives a row a new xmin).
// Legitimate writes on GET, excluded and documented:
// - a session's sliding expiry (auth/session.c touch: last_seen_at at
//   most once a minute): the test stamps its sessions as just seen;
// - the tracking pixel and the click-through of a mail
//   (/mail-links/{token}/open and /click, docs/mail.md): a mail client
//   fetches them with GET. They are called at the end as the control: the
//   same comparison must see their write, or it proves nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Server, BACKEND, filterParam } from './harness.mjs';

const PW = 'Pass#2026word';
const CSV = { 'Content-Type': 'text/csv; charset=utf-8' };
const srv = new Server();
let admin, teacher, student, sandbox, special;
const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json; };
const sleep = ms => new Promise(r => setTimeout(r, ms));

// What the database holds now: a digest to compare, and per table (on
// PostgreSQL) or the dump (on SQLite) to say what changed.
function snapshot() {
  if (BACKEND === 'sqlite') {
    const h = createHash('sha256');
    for (const f of [srv.db, `${srv.db}-wal`]) h.update(existsSync(f) ? readFileSync(f) : Buffer.alloc(0)).update('|');
    return { digest: h.digest('hex'), detail: null };
  }
  const tables = srv.sql("SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = current_schema()").split(' ');
  const q = tables.map(t => `SELECT '${t}', count(*), md5(coalesce(string_agg(x.xmin::text || ':' || x::text, ',' ORDER BY x::text), '')) FROM "${t}" x`)
    .join(' UNION ALL ');
  const rows = srv.sql(`${q} ORDER BY 1`).split('\n');
  return { digest: createHash('sha256').update(rows.join('\n')).digest('hex'), detail: rows };
}
// On SQLite, what changed, for the message: a dump read without writing.
function dump() {
  return BACKEND === 'sqlite' ? String(execFileSync('sqlite3', ['-readonly', srv.db, '.dump'], { maxBuffer: 1 << 28 })) : null;
}
function changes(before, after) {
  if (before.detail) return after.detail.filter((r, i) => r !== before.detail[i]).map(r => r.split('|')[0]);
  const a = new Set(before.dump.split('\n'));
  return after.dump.split('\n').filter(l => !a.has(l)).slice(0, 20);
}

// Every GET path of the OpenAPI document with what fills it.
async function getPaths(client) {
  const doc = ok(await client.get('/api/v1/openapi.json'));
  return Object.entries(doc.paths).filter(([, item]) => item.get).map(([path, item]) => ({ path, op: item.get }));
}

// The ids a caller sees: the first record of every entity they may list.
async function idsOf(client, meta, headers) {
  const ids = {};
  for (const e of meta.entities) {
    const r = await client.get(`/api/v1/${e.name}?limit=1`, { headers });
    if (r.status === 200 && r.json.items?.length) ids[e.name] = r.json.items[0].id;
  }
  return ids;
}

// The requests a path stands for (several for {relation}), with its
// required query parameters filled; a parameter this test does not know
// fails it, so a new route is covered or seen.
function requestsFor({ path, op }, meta, ids) {
  const segs = path.split('/');
  let urls = [''];
  for (let i = 1; i < segs.length; i++) {
    const seg = segs[i], prev = segs[i - 1];
    let values;
    if (!seg.startsWith('{')) values = [seg];
    else if (seg === '{relation}') values = (meta.entities.find(e => e.name === segs[i - 3])?.relations || []).map(r => r.name);
    else if (special[`${prev}/${seg}`] !== undefined) values = [special[`${prev}/${seg}`]];
    else if (seg === '{id}' && ids[prev] !== undefined) values = [ids[prev]];
    else return { skipped: `${path}: no ${prev} to fill ${seg}` };
    urls = urls.flatMap(u => values.map(v => `${u}/${encodeURIComponent(v)}`));
  }
  const query = [];
  for (const p of (op.parameters || []).filter(p => p.in === 'query' && p.required)) {
    if (!(p.name in QUERY)) throw new Error(`${path}: required query parameter ${p.name} is not known to this test`);
    query.push(`${p.name}=${encodeURIComponent(QUERY[p.name]())}`);
  }
  // an export in both formats; a list also searched and sorted
  const list = segs.length === 4 && meta.entities.some(e => e.name === segs[3]);
  const variants = path.endsWith('/export') ? ['format=csv', 'format=xlsx'] : list ? ['', 'q=%E5%8D%8E&sort=-updated_at&limit=5'] : [''];
  return { urls: urls.flatMap(u => variants.map(v => `${u}?${[...query, v].filter(Boolean).join('&')}`)) };
}
const QUERY = {
  q: () => '华',
  name: () => '华东',
  entity: () => 'accounts',
  by: () => 'type',
  field: () => 'type',
  product_id: () => special.product,
};

before(async () => {
  await srv.start({ args: ['--demo'], env: { KEHU_SLA_SWEEP_SECONDS: '86400', KEHU_IMAP_POLL_SECONDS: '86400' } });
  admin = await srv.client();
  // a teacher, a class and a student whose company holds the 化妆品 data set
  ok(await admin.post('/api/v1/users', { username: 'li_t', name: '李老师', password: PW }), 201);
  const users = ok(await admin.get('/api/v1/users?limit=200')).items;
  assert.equal((await admin.req('PUT', `/api/v1/teachers/${users.find(u => u.username === 'li_t').id}`)).status, 204);
  teacher = await srv.client('li_t', PW);
  const klass = ok(await teacher.post('/api/v1/classes', { name: '市场营销2401班' }), 201);
  const roster = await teacher.req('POST', `/api/v1/classes/${klass.id}/students/import`, { raw: '学号,姓名\n2024030101,林晓\n', headers: CSV });
  assert.equal(roster.status, 201, roster.text);
  // the student signs in once (the first password is theirs to change)
  const login = await srv.request('POST', '/api/v1/session', { body: { username: '2024030101', password: roster.json.students[0].password } });
  assert.equal(login.status, 200, login.text);
  const changed = await srv.request('POST', '/api/v1/session/password', { body: { old_password: roster.json.students[0].password, new_password: PW },
    headers: { Cookie: login.headers.get('set-cookie').split(';')[0], 'X-CSRF-Token': login.json.csrf_token } });
  assert.equal(changed.status, 204, changed.text);
  student = await srv.client('2024030101', PW);
  const record = ok(await teacher.get(`/api/v1/students?filter=${filterParam({ field: 'student_no', op: 'eq', value: '2024030101' })}`)).items[0];
  const reset = ok(await teacher.post(`/api/v1/students/${record.id}/actions/reset_company`, { dataset: 'cosmetics' }));
  sandbox = reset.result.company_id;
  assert.ok(sandbox);
  // the student's own work beside the data set, so the teacher's view has more than customers to read
  const customer = ok(await student.get('/api/v1/accounts?limit=1')).items[0];
  for (const [entity, body] of [
    ['leads', { name: '周敏', company: '杭州悦颜化妆品店', mobile: '13600001111' }],
    ['activities', { subject: '电话回访新品试用', kind: 'call', account_id: customer.id }],
    ['campaigns', { name: '春季新品试用会', type: 'seminar' }],
    ['tickets', { subject: '精华液包装破损', account_id: customer.id, category: 'quality', description: '收到的精华液外盒压坏两箱。' }],
    ['comm_templates', { name: '试用邀请', channel: 'sms', body: '{{contact.name}}您好，诚邀试用新品。' }],
    ['quotes', { subject: '春季补货报价', account_id: customer.id }],
  ]) ok(await student.post(`/api/v1/${entity}`, body), 201);
  const opens = new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, 'Z');
  const closes = new Date(Date.now() + 7 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  const assignment = ok(await teacher.post('/api/v1/assignments', { class_id: klass.id, experiment: 'allpass-02', opens_at: opens, closes_at: closes }), 201);
  // what the demo has none of: an import, an attachment, a survey link, a feed, a mail link
  const account = ok(await admin.get('/api/v1/accounts?limit=1')).items[0];
  const contact = ok(await admin.get('/api/v1/contacts?limit=1')).items[0];
  const preview = await admin.req('POST', '/api/v1/accounts/import/preview', { raw: '客户名称,城市\n只读测试导入公司,南京\n,无名\n', headers: CSV });
  assert.equal(preview.status, 200, preview.text);
  assert.equal((await admin.req('POST', `/api/v1/imports/${preview.json.id}/run`, { body: { mapping: preview.json.mapping } })).status, 202);
  for (let i = 0; i < 200 && ok(await admin.get(`/api/v1/imports/${preview.json.id}`)).status === 'running'; i++) await sleep(50);
  const file = await admin.req('POST', `/api/v1/accounts/${account.id}/attachments?name=${encodeURIComponent('报价单.pdf')}`,
    { raw: '%PDF-1.4 只读', headers: { 'Content-Type': 'application/pdf' } });
  assert.equal(file.status, 201, file.text);
  const survey = ok(await admin.post('/api/v1/surveys', { title: '只读测试满意度调查', kind: 'satisfaction',
    questions: [{ question: '您对服务满意吗？', kind: 'scale' }, { question: '建议', kind: 'text', required: false }] }), 201);
  ok(await admin.post(`/api/v1/surveys/${survey.id}/actions/publish`, { closes_at: closes }));
  const invited = ok(await admin.post(`/api/v1/surveys/${survey.id}/invite`, { contact_ids: [contact.id] }));
  const feed = ok(await admin.post('/api/v1/calendar/feed', {}), 201);
  ok(await admin.req('PUT', '/api/v1/communications/settings', { body: { public_url: srv.base } }));
  const letter = ok(await admin.post('/api/v1/comm_templates', { name: '只读测试信函', channel: 'letter', subject: '致谢', body: '{{contact.name}}：谢谢。' }), 201);
  const sent = ok(await admin.post('/api/v1/communications/send', { template_id: letter.id, contact_ids: [contact.id] }));
  const message = ok(await admin.get(`/api/v1/comm_messages?filter=${filterParam({ field: 'batch', op: 'eq', value: sent.batch })}`)).items[0];
  const product = ok(await admin.get('/api/v1/products?limit=1')).items[0];
  special = {
    'companies/{id}': admin.user.company_id,
    'imports/{id}': preview.json.id,
    'attachments/{id}': file.json.id,
    'survey-links/{token}': invited.links[0].token,
    'feed/{secret}': feed.url.split('/').pop(),
    'batches/{batch}': sent.batch,
    'mail-links/{token}': message.token,
    'experiments/{code}': 'allpass-02',
    'assignments/{id}': assignment.id, // the student lists none, but reads their own
    'my-progress/{entity}': 'accounts', // the steps the student's customer counts for
    '{entity}/{record}': customer.id,
    product: product.id,
  };
  // the SLA sweep's first run (at start) is over; nothing else is due
  for (let i = 0; i < 600 && srv.sql("SELECT COUNT(*) FROM server_jobs WHERE last_run_at IS NOT NULL AND claimed_until IS NULL") !== '1'; i++) await sleep(50);
  assert.equal(srv.sql('SELECT COUNT(*) FROM comm_messages WHERE status IN (\'pending\', \'sending\')'), '0', 'no email waits for the worker');
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('no GET of the OpenAPI document writes, as the administrator or as a teacher looking into a student\'s company', async () => {
  const view = { 'X-Kehu-Company': String(sandbox) };
  const callers = [
    { who: 'administrator', client: admin, headers: {} },
    { who: 'teacher (company view)', client: teacher, headers: view },
    { who: 'teacher', client: teacher, headers: {} }, // their own company: classes, assignments, progress, grades
    { who: 'student', client: student, headers: {} }, // my-assignments, my-progress, my-report
  ];
  for (const c of callers) {
    c.meta = ok(await c.client.get('/api/v1/metadata', { headers: c.headers }));
    c.ids = await idsOf(c.client, c.meta, c.headers);
  }
  // the sliding expiry of the sessions used here is not due during the test
  srv.sql("UPDATE sessions SET last_seen_at = '2999-01-01T00:00:00Z' WHERE revoked_at IS NULL");
  await sleep(200);
  const before = snapshot();
  before.dump = dump();
  const paths = await getPaths(admin);
  const tracking = /\/mail-links\/\{token\}\/(open|click)$/;
  const bad = [], skipped = [], answered = Object.fromEntries(callers.map(c => [c.who, 0]));
  let calls = 0;
  for (const c of callers) {
    for (const p of paths) {
      if (tracking.test(p.path)) continue;
      const r = requestsFor(p, c.meta, c.ids);
      if (r.skipped) { skipped.push(`${c.who}: ${r.skipped}`); continue; }
      for (const url of r.urls) {
        const res = await c.client.get(url, { headers: c.headers });
        calls++;
        if (res.status >= 500) bad.push(`${c.who} GET ${url}: ${res.status} ${res.text.slice(0, 200)}`);
        if (res.status < 300) answered[c.who]++;
      }
    }
  }
  await sleep(300); // anything a request left to a background thread lands
  const after = snapshot();
  after.dump = before.dump === null ? null : dump();
  assert.deepEqual(bad, [], 'no GET fails');
  assert.equal(after.digest, before.digest,
    `GET requests changed the database: ${JSON.stringify(changes(before, after), null, 1).slice(0, 4000)}`);
  // the sweep covered what it should: most operations answered, as both callers
  console.log(`# ${calls} GET requests of ${paths.length} paths; answered 2xx: ${JSON.stringify(answered)}; not filled: ${skipped.length}`);
  if (process.env.KEHU_TEST_VERBOSE) console.log(skipped.join('\n'));
  assert.ok(answered.administrator > paths.length * 0.7, `administrator answered ${answered.administrator} of ${paths.length}`);
  assert.ok(answered['teacher (company view)'] > paths.length * 0.5, `teacher answered ${answered['teacher (company view)']}`);
  // the control: the tracking pixel does write, and the comparison sees it
  const pixel = await fetch(`${srv.base}/api/v1/mail-links/${special['mail-links/{token}']}/open`);
  assert.equal(pixel.status, 200);
  await sleep(100);
  assert.notEqual(snapshot().digest, before.digest, 'the comparison sees a write (the open pixel stamps 首次打开)');
});
