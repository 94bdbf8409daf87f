// documents.test.mjs - 文档中心 (issue 16 item 6): folders private to their
// owner unless shared with a colleague, a role or a department (read only,
// through the engine's access rules: list, get, search, export, related
// lists, versions and downloads all agree), versions kept as attachments,
// move and batch delete, and 投稿 to the superior: approve publishes into
// 公共文档, reject returns with the reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, filterParam, created, ok } from './harness.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
const DEMO_PASSWORD = 'Kehu#Demo2026';
const users = {};
let admin, roles = {}, depts = {};

const as = {};

before(async () => {
  await srv.start();
  admin = await srv.client();
  const rights = { view: true, create: true, edit: true, delete: true, export: true };
  const profile = created(await admin.post('/api/v1/profiles', { name: '文档用户', permissions: { documents: rights, doc_folders: rights } }));
  roles.manager = created(await admin.post('/api/v1/roles', { name: '销售经理', profile_ids: [profile.id] }));
  roles.rep = created(await admin.post('/api/v1/roles', { name: '销售代表', parent_id: roles.manager.id, profile_ids: [profile.id] }));
  roles.serviceLead = created(await admin.post('/api/v1/roles', { name: '客服主管', profile_ids: [profile.id] }));
  roles.service = created(await admin.post('/api/v1/roles', { name: '客服专员', parent_id: roles.serviceLead.id, profile_ids: [profile.id] }));
  depts.sales = created(await admin.post('/api/v1/departments', { name: '营销中心' }));
  depts.east = created(await admin.post('/api/v1/departments', { name: '华东销售组', parent_id: depts.sales.id }));
  depts.finance = created(await admin.post('/api/v1/departments', { name: '财务部' }));
  const mk = async (username, name, role, dept) => {
    users[username] = created(await admin.post('/api/v1/users', { username, name, password: PW, role_id: roles[role].id, department_id: depts[dept].id }));
    as[username] = await srv.client(username, PW);
  };
  await mk('wangli', '王立', 'manager', 'sales');
  await mk('lina', '李娜', 'rep', 'sales');
  await mk('zhangwei', '张伟', 'rep', 'sales');
  await mk('zhaomin', '赵敏', 'service', 'east');
  await mk('sunqiang', '孙强', 'service', 'finance');
  await mk('zhoulei', '周磊', 'serviceLead', 'finance');
});
after(async () => { await srv.stop(); srv.cleanup(); });

const upload = (who, id, name, body, type = 'text/plain') =>
  who.req('POST', `/api/v1/documents/${id}/versions?name=${encodeURIComponent(name)}`, { raw: body, headers: { 'Content-Type': type } });

// Everything one user could use to read a document or its folder.
async function reads(who, folder, doc, file) {
  const seen = {
    folderGet: (await who.get(`/api/v1/doc_folders/${folder.id}`)).status === 200,
    folderList: ok(await who.get('/api/v1/doc_folders?limit=200')).items.some(x => x.id === folder.id),
    get: (await who.get(`/api/v1/documents/${doc.id}`)).status === 200,
    list: ok(await who.get('/api/v1/documents?limit=200')).items.some(x => x.id === doc.id),
    quick: ok(await who.get('/api/v1/documents?q=' + encodeURIComponent('拜访纪要'))).items.some(x => x.id === doc.id),
    pinyin: ok(await who.get('/api/v1/documents?q=hwbf')).items.some(x => x.id === doc.id),
    search: ok(await who.get('/api/v1/search?q=' + encodeURIComponent('拜访纪要'))).items.some(x => x.entity === 'documents' && x.id === doc.id),
    export: (await who.get('/api/v1/documents/export?format=csv')).text.includes(doc.code),
    related: (await who.get(`/api/v1/doc_folders/${folder.id}/related/documents`)).json?.items?.some(x => x.id === doc.id) || false,
    versions: (await who.get(`/api/v1/documents/${doc.id}/versions`)).status === 200,
    download: (await who.get(`/api/v1/attachments/${file.id}`)).status === 200,
  };
  const values = Object.values(seen);
  assert.ok(values.every(v => v === values[0]), `every path agrees: ${JSON.stringify(seen)}`);
  return values[0];
}

let folder, doc, file;

test('a folder and its documents are their owner\'s (and the superior\'s) alone until shared', async () => {
  const meta = ok(await as.lina.get('/api/v1/metadata'));
  const office = meta.menu.find(g => g.key === 'office');
  assert.ok(office.items.includes('documents') && office.items.includes('doc_folders'));
  folder = created(await as.lina.post('/api/v1/doc_folders', { name: '客户拜访' }));
  doc = created(await as.lina.post('/api/v1/documents', { title: '华为拜访纪要', kind: 'text', folder_id: folder.id, content: '与采购部讨论了明年的服务器采购计划。' }));
  assert.deepEqual([doc.status, doc.version_no, doc.code.slice(0, 3)], ['draft', 0, 'WD-']);
  file = created(await upload(as.lina, doc.id, '拜访纪要.txt', '第一版'));
  assert.equal(file.version, 1);
  doc = ok(await as.lina.get(`/api/v1/documents/${doc.id}`));
  assert.equal(await reads(as.lina, folder, doc, file), true);
  assert.equal(await reads(as.wangli, folder, doc, file), true, 'the superior reads the subordinate\'s');
  for (const who of ['zhangwei', 'zhaomin', 'sunqiang'])
    assert.equal(await reads(as[who], folder, doc, file), false, `${who} must not read 李娜's private document`);
  assertError(assert, await as.zhangwei.get(`/api/v1/documents/${doc.id}`), 404);
  assertError(assert, await as.zhangwei.get(`/api/v1/attachments/${file.id}`), 404);
});

const share = async (shares) => {
  const f = ok(await as.lina.get(`/api/v1/doc_folders/${folder.id}`));
  return ok(await as.lina.patch(`/api/v1/doc_folders/${folder.id}`, { shares }, { headers: { 'If-Match': `"${f.version}"` } }));
};

test('sharing with a colleague, a role or a department grants reading, never writing', async () => {
  await share([{ share_with: 'user', user_id: users.zhangwei.id }]);
  assert.equal(await reads(as.zhangwei, folder, doc, file), true);
  assert.equal(await reads(as.zhaomin, folder, doc, file), false);
  // reading only: no edit, no upload, no own document into the shared folder
  assert.ok([403, 404].includes((await as.zhangwei.patch(`/api/v1/documents/${doc.id}`, { title: '改' })).status));
  assert.ok([403, 404].includes((await upload(as.zhangwei, doc.id, 'x.txt', 'x')).status));
  const own = await as.zhangwei.post('/api/v1/documents', { title: '我的文档', kind: 'text', folder_id: folder.id });
  assertError(assert, own, 422, 'validation_failed');
  assert.equal(own.json.error.fields.folder_id, 'not_writable');

  await share([{ share_with: 'role', role_id: roles.service.id }]);
  assert.equal(await reads(as.zhangwei, folder, doc, file), false, 'the colleague\'s share is gone');
  assert.equal(await reads(as.zhaomin, folder, doc, file), true);
  assert.equal(await reads(as.sunqiang, folder, doc, file), true);
  // a manager's list read per owner of the team must still add what is shared with the manager
  await share([{ share_with: 'user', user_id: users.zhoulei.id }]);
  assert.equal(await reads(as.zhoulei, folder, doc, file), true);
  for (const sort of ['title', '-title', 'owner_id', 'updated_at'])
    assert.ok(ok(await as.zhoulei.get(`/api/v1/documents?sort=${sort}&limit=5`)).items.some(x => x.id === doc.id), sort);
  await share([{ share_with: 'role', role_id: roles.service.id }]);

  // a department reaches the ones below it
  await share([{ share_with: 'department', department_id: depts.sales.id }]);
  assert.equal(await reads(as.zhaomin, folder, doc, file), true, '华东销售组 is under 营销中心');
  assert.equal(await reads(as.sunqiang, folder, doc, file), false);
  assert.equal(await reads(as.zhangwei, folder, doc, file), true);

  // a share names whom it shares with
  const f = ok(await as.lina.get(`/api/v1/doc_folders/${folder.id}`));
  const bad = await as.lina.patch(`/api/v1/doc_folders/${folder.id}`, { shares: [{ share_with: 'user' }] }, { headers: { 'If-Match': `"${f.version}"` } });
  assertError(assert, bad, 422, 'validation_failed');
  await share([]);
  for (const who of ['zhangwei', 'zhaomin', 'sunqiang']) assert.equal(await reads(as[who], folder, doc, file), false);
});

test('a share on a folder reaches its subfolders and their documents; an unshared sibling stays hidden', async () => {
  const sub = created(await as.lina.post('/api/v1/doc_folders', { name: '华东区', parent_id: folder.id }));
  const deeper = created(await as.lina.post('/api/v1/doc_folders', { name: '上海', parent_id: sub.id }));
  const sibling = created(await as.lina.post('/api/v1/doc_folders', { name: '个人草稿' }));
  const inSub = created(await as.lina.post('/api/v1/documents', { title: '华东区季度回访', kind: 'text', folder_id: sub.id }));
  const inDeeper = created(await as.lina.post('/api/v1/documents', { title: '上海客户名单', kind: 'text', folder_id: deeper.id }));
  const inSibling = created(await as.lina.post('/api/v1/documents', { title: '未完成的草稿', kind: 'text', folder_id: sibling.id }));
  const sees = async (who, entity, id) => {
    const get = (await who.get(`/api/v1/${entity}/${id}`)).status === 200;
    const list = ok(await who.get(`/api/v1/${entity}?limit=500`)).items.some(x => x.id === id);
    assert.equal(get, list, `${entity} ${id}: get and list agree`);
    return get;
  };
  for (const [e, r] of [['doc_folders', sub], ['doc_folders', deeper], ['documents', inSub], ['documents', inDeeper]])
    assert.equal(await sees(as.zhangwei, e, r.id), false, 'nothing before the share');
  await share([{ share_with: 'user', user_id: users.zhangwei.id }]);
  for (const [e, r] of [['doc_folders', sub], ['doc_folders', deeper], ['documents', inSub], ['documents', inDeeper]])
    assert.equal(await sees(as.zhangwei, e, r.id), true, `${e} ${r.id} below the shared folder`);
  assert.equal(await sees(as.zhangwei, 'doc_folders', sibling.id), false, 'the sibling is not shared');
  assert.equal(await sees(as.zhangwei, 'documents', inSibling.id), false);
  assert.equal(await sees(as.zhaomin, 'documents', inDeeper.id), false, 'only whom the share names');
  // still reading only, and a subfolder moved out leaves the share behind
  assert.ok([403, 404].includes((await as.zhangwei.patch(`/api/v1/documents/${inDeeper.id}`, { title: '改' })).status));
  const d = ok(await as.lina.get(`/api/v1/doc_folders/${deeper.id}`));
  ok(await as.lina.patch(`/api/v1/doc_folders/${deeper.id}`, { parent_id: sibling.id }, { headers: { 'If-Match': `"${d.version}"` } }));
  assert.equal(await sees(as.zhangwei, 'documents', inDeeper.id), false);
  assert.equal(await sees(as.zhangwei, 'documents', inSub.id), true);
  await share([]);
  assert.equal(await sees(as.zhangwei, 'documents', inSub.id), false);
  for (const [e, r] of [['documents', inSub], ['documents', inDeeper], ['documents', inSibling], ['doc_folders', deeper], ['doc_folders', sub], ['doc_folders', sibling]])
    assert.equal((await as.lina.del(`/api/v1/${e}/${r.id}`)).status, 204);
});

test('versions: a new upload becomes current, the old ones stay downloadable, active content is never served as such', async () => {
  const v2 = created(await upload(as.lina, doc.id, '拜访纪要-修订.txt', '第二版'));
  const v3 = created(await upload(as.lina, doc.id, 'page.html', '<script>alert(1)</script>', 'text/html'));
  assert.deepEqual([v2.version, v3.version], [2, 3]);
  const d = ok(await as.lina.get(`/api/v1/documents/${doc.id}`));
  assert.deepEqual([d.version_no, d.file_name], [3, 'page.html']);
  const list = ok(await as.lina.get(`/api/v1/documents/${doc.id}/versions`)).items;
  assert.deepEqual(list.map(v => [v.version, v.name, v.current]), [[3, 'page.html', true], [2, '拜访纪要-修订.txt', false], [1, '拜访纪要.txt', false]]);
  const first = await as.lina.get(`/api/v1/attachments/${file.id}`);
  assert.equal(first.text, '第一版');
  const html = await as.lina.get(`/api/v1/attachments/${v3.id}`);
  assert.equal(html.headers.get('content-type'), 'application/octet-stream');
  assert.equal(html.headers.get('x-content-type-options'), 'nosniff');
  assert.match(html.headers.get('content-disposition'), /^attachment/);
  assertError(assert, await upload(as.lina, doc.id, '../etc/passwd', 'x'), 422);
  // a version is written only by who may change the document: it is read-only (server-stamped)
  assertError(assert, await as.lina.patch(`/api/v1/documents/${doc.id}`, { version_no: 9 }), 422);
});

test('move, folders in a tree without cycles, batch delete all or nothing, a folder with contents stays', async () => {
  const archive = created(await as.lina.post('/api/v1/doc_folders', { name: '归档', parent_id: folder.id }));
  const deeper = created(await as.lina.post('/api/v1/doc_folders', { name: '2026 年', parent_id: archive.id }));
  const cycle = await as.lina.patch(`/api/v1/doc_folders/${folder.id}`, { parent_id: deeper.id });
  assertError(assert, cycle, 422, 'validation_failed');
  assert.equal(cycle.json.error.fields.parent_id, 'cycle');
  const a = created(await as.lina.post('/api/v1/documents', { title: '周工作记录', kind: 'work_record', work_date: '2026-06-01', folder_id: folder.id, content: '拜访客户三家' }));
  const b = created(await as.lina.post('/api/v1/documents', { title: '报价草稿', kind: 'text', folder_id: folder.id }));
  assertError(assert, await as.lina.post('/api/v1/documents', { title: '无日期的工作记录', kind: 'work_record' }), 422, 'validation_failed');
  ok(await as.lina.post('/api/v1/documents/mass-update', { ids: [a.id, b.id], values: { folder_id: deeper.id } }));
  const inDeeper = ok(await as.lina.get(`/api/v1/documents?filter=${filterParam({ field: 'folder_id', op: 'eq', value: deeper.id })}`));
  assert.deepEqual(inDeeper.items.map(x => x.id).sort(), [a.id, b.id].sort());
  assertError(assert, await as.lina.req('DELETE', `/api/v1/doc_folders/${deeper.id}`), 409, 'folder_not_empty');
  // someone else's document in the batch: nothing is deleted
  const others = created(await as.zhangwei.post('/api/v1/documents', { title: '张伟的文档', kind: 'text' }));
  assertError(assert, await as.lina.post('/api/v1/documents/batch-delete', { ids: [a.id, others.id] }), 404);
  assert.equal((await as.lina.get(`/api/v1/documents/${a.id}`)).status, 200);
  assertError(assert, await as.lina.post('/api/v1/documents/batch-delete', { ids: [] }), 422, 'validation_failed');
  assert.deepEqual(ok(await as.lina.post('/api/v1/documents/batch-delete', { ids: [a.id, b.id] })), { deleted: 2 });
  assert.equal((await as.lina.get(`/api/v1/documents/${a.id}`)).status, 404);
  assert.equal((await as.lina.req('DELETE', `/api/v1/doc_folders/${deeper.id}`)).status, 204);
});

test('投稿: the superior\'s inbox groups by submitter; approve publishes into 公共文档, reject returns with the reason', async () => {
  const mine = created(await as.lina.post('/api/v1/documents', { title: '华东区大客户拜访经验', kind: 'text', folder_id: folder.id, content: '先约采购，再见技术。' }));
  const second = created(await as.lina.post('/api/v1/documents', { title: '报价技巧', kind: 'text', content: '报价要留余地。' }));
  const his = created(await as.zhangwei.post('/api/v1/documents', { title: '展会总结', kind: 'text', content: '广交会收获线索 40 条。' }));
  for (const [who, d] of [['lina', mine], ['lina', second], ['zhangwei', his]]) {
    const r = ok(await as[who].post(`/api/v1/documents/${d.id}/actions/submit`, {}));
    assert.deepEqual([r.record.status, r.result.approval], ['submitted', 'pending']);
  }
  // submitted: locked for the author
  assertError(assert, await as.lina.patch(`/api/v1/documents/${mine.id}`, { content: '改' }), 422, 'locked');
  const inbox = ok(await as.wangli.get('/api/v1/documents/submissions'));
  assert.equal(inbox.total, 3);
  assert.deepEqual(inbox.groups.map(g => [g.submitter_name, g.items.length]), [['李娜', 2], ['张伟', 1]]);
  assert.deepEqual(ok(await as.lina.get('/api/v1/documents/submissions')).groups, [], 'a colleague of the same role is no reviewer');
  // only the superior decides
  assertError(assert, await as.zhangwei.post(`/api/v1/documents/${mine.id}/actions/approve`, {}), 404);
  assertError(assert, await as.lina.post(`/api/v1/documents/${mine.id}/actions/approve`, {}), 403);

  const pub = ok(await as.wangli.post(`/api/v1/documents/${mine.id}/actions/approve`, { comment: '写得好' }));
  assert.equal(pub.record.status, 'published');
  assert.match(pub.record.published_at, /^\d{4}-/);
  const common = ok(await as.sunqiang.get(`/api/v1/doc_folders/${pub.record.folder_id}`));
  assert.deepEqual([common.name, common.is_public], ['公共文档', true]);
  assert.equal((await as.sunqiang.get(`/api/v1/documents/${mine.id}`)).status, 200, 'published: everyone reads it');
  assert.equal((await as.zhangwei.get(`/api/v1/documents/${second.id}`)).status, 404, 'the unpublished one stays private');
  assertError(assert, await as.lina.patch(`/api/v1/documents/${mine.id}`, { title: '改' }), 422, 'locked');
  assertError(assert, await upload(as.lina, mine.id, '新版.txt', '改'), 422, 'locked');
  assert.equal(ok(await as.lina.get(`/api/v1/documents/${mine.id}/versions`)).items.length, 0, 'the refused upload left nothing');

  assertError(assert, await as.wangli.post(`/api/v1/documents/${second.id}/actions/send_back`, {}), 422);
  const back = ok(await as.wangli.post(`/api/v1/documents/${second.id}/actions/send_back`, { comment: '请补充具体案例' }));
  assert.deepEqual([back.record.status, back.record.review_comment], ['draft', '请补充具体案例']);
  const again = ok(await as.lina.post(`/api/v1/documents/${second.id}/actions/submit`, {}));
  assert.deepEqual([again.record.status, again.record.review_comment], ['submitted', null]);
  // the second publication finds the same 公共文档
  const pub2 = ok(await as.wangli.post(`/api/v1/documents/${his.id}/actions/approve`, {}));
  assert.equal(pub2.record.folder_id, pub.record.folder_id);
  assert.deepEqual(ok(await as.wangli.get('/api/v1/documents/submissions')).groups.map(g => [g.submitter_name, g.items.length]), [['李娜', 1]]);
});

test('the demo: the team\'s folders, shared and private, a published 投稿 and one waiting for 张伟', async () => {
  const demo = await new Server().start({ args: ['--demo'] });
  try {
    const lina = await demo.client('lina', DEMO_PASSWORD);
    const names = ok(await lina.get('/api/v1/doc_folders?limit=100')).items.map(f => f.name).sort();
    assert.deepEqual(names, ['公共文档', '客户拜访记录', '销售管理制度'].sort(), '王强\'s 投标资料 is private');
    const wang = await demo.client('wangqiang', DEMO_PASSWORD);
    assert.ok(ok(await wang.get('/api/v1/documents?q=' + encodeURIComponent('拜访纪要'))).items.some(d => d.title === '南京华信电子拜访纪要'),
      '李娜 shared her folder with 销售部');
    assert.ok(ok(await wang.get('/api/v1/documents')).items.some(d => d.title === '大客户拜访经验总结' && d.status === 'published'));
    const boss = await demo.client('zhangwei', DEMO_PASSWORD);
    const inbox = ok(await boss.get('/api/v1/documents/submissions'));
    assert.deepEqual(inbox.groups.map(g => [g.submitter_name, g.items.map(i => i.title)]), [['李娜', ['文档中心 WD-000004 华东区季度市场分析']]]);
  } finally { await demo.stop(); demo.cleanup(); }
});
