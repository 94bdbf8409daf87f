// office.test.mjs - 办公协作 (issue 16): announcements (公告栏) published to
// everyone, roles or departments (found as messages find recipients), with
// a read receipt per reader: marking read once, and who read and who not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created, ok } from './harness.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
let admin, sales, service, rep, users = {};

const client = who => srv.client(who, PW);

before(async () => {
  await srv.start();
  admin = await srv.client();
  sales = created(await admin.post('/api/v1/departments', { name: '销售部' }));
  const east = created(await admin.post('/api/v1/departments', { name: '华东销售组', parent_id: sales.id }));
  service = created(await admin.post('/api/v1/departments', { name: '客服部' }));
  const board = created(await admin.post('/api/v1/profiles', { name: '公告读者', permissions: { announcements: { view: true } } }));
  rep = created(await admin.post('/api/v1/roles', { name: '销售代表', profile_ids: [board.id] }));
  const mk = async (username, name, more) => (users[username] = created(await admin.post('/api/v1/users', { username, name, password: PW, ...more })));
  await mk('zhangwei', '张伟', { department_id: sales.id });
  await mk('lina', '李娜', { department_id: east.id, role_id: rep.id });
  await mk('zhaomin', '赵敏', { department_id: service.id });
  await mk('likai', '李凯', { department_id: sales.id, status: 'inactive' });
});
after(async () => { await srv.stop(); srv.cleanup(); });

const draft = async (title = '关于调整差旅报销标准的通知') =>
  created(await admin.post('/api/v1/announcements', { title, category: 'policy', importance: 'important', body: '自 7 月 1 日起执行新标准。' }));
// as the web app sends it: with the version it shows (the receipts the
// action writes recompute the announcement's counts, which is no conflict)
const publish = async (id, body) => {
  const { version } = (await admin.get(`/api/v1/announcements/${id}`)).json;
  return admin.post(`/api/v1/announcements/${id}/actions/publish`, body, { headers: { 'If-Match': `"${version}"` } });
};

test('an announcement goes to its audience: one unread receipt per active reader, the author left out', async () => {
  const meta = ok(await admin.get('/api/v1/metadata'));
  const office = meta.menu.find(g => g.key === 'office');
  assert.ok(office.items.includes('announcements') && office.items.includes('announcement_receipts'));
  const a = await draft();
  assert.deepEqual([a.status, a.published_at, a.recipient_count], ['draft', null, 0]);
  // a department reaches the one below it; 李凯 is inactive
  const r = ok(await publish(a.id, { audience: 'departments', department_ids: [sales.id] }));
  assert.deepEqual([r.record.status, r.record.audience, r.record.recipient_count, r.record.read_count], ['published', 'departments', 2, 0]);
  assert.match(r.record.published_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(r.result.recipients, 2);
  const lina = await client('lina');
  const mine = ok(await lina.get('/api/v1/announcement_receipts')).items;
  assert.deepEqual(mine.map(x => [x.announcement_id, x.announcement_name, x.is_read]), [[a.id, '关于调整差旅报销标准的通知', false]]);
  assert.equal(ok(await (await client('zhaomin')).get('/api/v1/announcement_receipts')).total, 0);
  // published: locked, not published twice
  assertError(assert, await admin.patch(`/api/v1/announcements/${a.id}`, { title: '改标题' }), 422, 'locked');
  assertError(assert, await publish(a.id, { audience: 'all' }), 409);
  // everyone; roles
  const all = ok(await publish((await draft('国庆放假安排')).id, { audience: 'all' }));
  assert.equal(all.record.recipient_count, 3, 'every active colleague but the author');
  const byRole = ok(await publish((await draft('销售代表培训')).id, { audience: 'roles', role_ids: [rep.id] }));
  assert.equal(byRole.record.recipient_count, 1);
});

test('publishing is refused without a valid audience, and nothing is written', async () => {
  const a = await draft('草稿公告');
  for (const body of [{}, { audience: 'nobody' }, { audience: 'roles' }, { audience: 'roles', role_ids: [999999] },
    { audience: 'all', role_ids: [rep.id] }, { audience: 'departments', department_ids: 'x' }]) {
    const r = await publish(a.id, body);
    assertError(assert, r, 422, 'validation_failed');
  }
  const again = ok(await admin.get(`/api/v1/announcements/${a.id}`));
  assert.deepEqual([again.status, again.recipient_count], ['draft', 0]);
});

test('read receipts: a reader marks it read once; the author sees who read it and who did not', async () => {
  const a = await draft('客户资料保密规定');
  ok(await publish(a.id, { audience: 'all' }));
  const lina = await client('lina');
  const first = ok(await lina.post(`/api/v1/announcements/${a.id}/read`));
  assert.match(first.read_at, /^\d{4}-\d\d-\d\dT/);
  const second = ok(await lina.post(`/api/v1/announcements/${a.id}/read`));
  assert.deepEqual(second, first, 'the first reading time stays');
  // not a reader: nothing to mark; another company's or a missing one: 404
  assert.deepEqual(ok(await admin.post(`/api/v1/announcements/${a.id}/read`)), { receipt_id: null, read_at: null });
  assertError(assert, await lina.post('/api/v1/announcements/999999/read'), 404);
  // reading through the receipt itself stamps the time too
  const zhao = await client('zhaomin');
  const receipt = ok(await zhao.get('/api/v1/announcement_receipts?filter=' + encodeURIComponent(JSON.stringify({ field: 'announcement_id', op: 'eq', value: a.id })))).items[0];
  const read = ok(await zhao.patch(`/api/v1/announcement_receipts/${receipt.id}`, { is_read: true }));
  assert.ok(read.read_at);
  assertError(assert, await zhao.patch(`/api/v1/announcement_receipts/${receipt.id}`, { read_at: '2020-01-01T00:00:00Z' }), 422);
  // a receipt is its reader's only
  assertError(assert, await lina.get(`/api/v1/announcement_receipts/${receipt.id}`), 404);

  const who = ok(await admin.get(`/api/v1/announcements/${a.id}/receipts`));
  assert.deepEqual(who.read.map(x => x.user_name).sort(), ['李娜', '赵敏']);
  assert.deepEqual(who.unread.map(x => x.user_name), ['张伟']);
  assert.equal(ok(await admin.get(`/api/v1/announcements/${a.id}`)).read_count, 2);
  // the board is read by all; who read it is for those who may edit announcements
  const ro = created(await admin.post('/api/v1/profiles', { name: '公告只读', permissions: { announcements: { view: true } } }));
  const role = created(await admin.post('/api/v1/roles', { name: '只读岗位', profile_ids: [ro.id] }));
  ok(await admin.patch(`/api/v1/users/${users.zhaomin.id}`, { role_id: role.id }));
  const reader = await client('zhaomin');
  assert.equal(ok(await reader.get(`/api/v1/announcements/${a.id}`)).title, '客户资料保密规定');
  assertError(assert, await reader.get(`/api/v1/announcements/${a.id}/receipts`), 403);
  // withdrawn: locked entirely
  ok(await admin.post(`/api/v1/announcements/${a.id}/actions/withdraw`, {}));
  assertError(assert, await admin.patch(`/api/v1/announcements/${a.id}`, { expires_on: '2027-01-01' }), 422, 'locked');
});

// ---- knowledge base (知识库, 常见问题) ----

test('knowledge base: articles and FAQs by category, found by Chinese, pinyin and the words of the answer', async () => {
  const meta = ok(await admin.get('/api/v1/metadata'));
  assert.ok(meta.menu.find(g => g.key === 'service').items.includes('kb_articles'));
  const art = created(await admin.post('/api/v1/kb_articles', {
    title: '打印机卡纸处理方法', category: 'technical', keywords: '卡纸 打印机',
    summary: '激光打印机卡纸时的处理步骤', body: '先关闭电源，打开前盖，按进纸方向轻轻取出纸张，切勿用力拉扯定影组件。' }));
  const faq = created(await admin.post('/api/v1/kb_articles', {
    title: '如何申请保修', kind: 'faq', category: 'after_sales', body: '请携带购机发票到授权服务网点，或拨打 400 热线预约上门。' }));
  assert.match(art.code, /^ZS-\d{6}$/);
  assert.equal(art.status, 'draft');
  ok(await admin.post(`/api/v1/kb_articles/${art.id}/actions/publish`, {}));
  const search = async q => ok(await admin.get('/api/v1/kb_articles?q=' + encodeURIComponent(q))).items.map(a => a.id);
  assert.deepEqual(await search('卡纸'), [art.id]);
  assert.deepEqual(await search('dyjkz'), [art.id], 'pinyin initials of the title');
  assert.deepEqual(await search('dayinji'), [art.id], 'full pinyin');
  assert.deepEqual(await search('定影组件'), [art.id], 'words of the body');
  assert.deepEqual(await search('授权服务网点'), [faq.id]);
  const faqs = ok(await admin.get('/api/v1/kb_articles?filter=' + encodeURIComponent(JSON.stringify({ field: 'kind', op: 'eq', value: 'faq' })))).items;
  assert.deepEqual(faqs.map(a => a.title), ['如何申请保修']);
  const hits = ok(await admin.get('/api/v1/search?q=' + encodeURIComponent('卡纸'))).items;
  assert.ok(hits.some(h => h.entity === 'kb_articles' && h.id === art.id));
  // everyone who may view the knowledge base reads every article
  const kb = created(await admin.post('/api/v1/profiles', { name: '知识库读者', permissions: { kb_articles: { view: true } } }));
  const role = created(await admin.post('/api/v1/roles', { name: '客服专员', profile_ids: [kb.id] }));
  created(await admin.post('/api/v1/users', { username: 'kefu1', name: '客服小王', password: PW, role_id: role.id }));
  const agent = await client('kefu1');
  assert.equal(ok(await agent.get(`/api/v1/kb_articles/${art.id}`)).title, '打印机卡纸处理方法');
  assertError(assert, await agent.patch(`/api/v1/kb_articles/${art.id}`, { title: '改' }), 403);
  assertError(assert, await admin.patch(`/api/v1/kb_articles/${art.id}`, { status: 'draft', category: 'nope' }), 422);
});
