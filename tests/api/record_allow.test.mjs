// record_allow.test.mjs - GET /api/v1/{entity}/{id} (and every answer that
// is the record after a write) says in X-Kehu-Allow
// what the signed-in user may do with that record (edit, delete), so the
// record page offers only the changes the server accepts ("view" is always
// there: the header is never empty). Every answer is
// checked against the write endpoints themselves: the PATCH and DELETE the
// header allows succeed, the ones it leaves out are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, created, filterParam, ok } from './harness.mjs';

const srv = new Server();
const PASSWORD = 'Pass#2026word';
const ALL = { view: true, create: true, edit: true, delete: true, import: true, export: true };
let admin, owner, peer, boss, auditor, editor;

// the verbs of the header, sorted; null when the header is missing
const allowOf = r => {
  const h = r.headers.get('x-kehu-allow');
  return h === null ? null : h.split(',').map(s => s.trim()).filter(Boolean).sort();
};

async function allowed(who, path) {
  const r = await who.get(path);
  assert.equal(r.status, 200, r.text);
  return allowOf(r);
}

// The header's answer for `who` on the account, then the writes it speaks
// of: a PATCH (200 when "edit" is allowed, else 403) and a DELETE (204 when
// "delete" is, then restored by the administrator; else 403).
async function agrees(who, entity, id, expect, label) {
  const path = `/api/v1/${entity}/${id}`;
  assert.deepEqual(await allowed(who, path), ['view', ...expect].sort(), `${label}: X-Kehu-Allow`);
  const field = entity === 'documents' ? 'title' : 'description';
  const patch = await who.patch(path, { [field]: `由${label}修改` });
  if (expect.includes('edit')) {
    assert.equal(patch.status, 200, `${label} may edit: ${patch.text}`);
    assert.deepEqual(allowOf(patch), ['view', ...expect].sort(), `${label}: X-Kehu-Allow of the PATCH's answer`);
  } else {
    assertError(assert, patch, 403, 'forbidden');
  }
  const del = await who.del(path);
  if (expect.includes('delete')) {
    assert.equal(del.status, 204, `${label} may delete: ${del.text}`);
    const restored = await admin.post(`${path}/restore`, {});
    assert.equal(restored.status, 200, restored.text);
    assert.deepEqual(allowOf(restored), ['delete', 'edit', 'view'], 'the restore answers the administrator\'s rights');
  } else {
    assertError(assert, del, 403, 'forbidden');
  }
}

before(async () => {
  await srv.start();
  admin = await srv.client();
  const profile = async (name, permissions) => created(await admin.post('/api/v1/profiles', { name, permissions }));
  const sales = await profile('销售（记录权限）', { accounts: ALL, doc_folders: ALL, documents: ALL });
  // 售后: reads every customer (查看全部) and edits customers, but only its own
  const audit = await profile('售后查看全部', { accounts: { view: true, view_all: true, edit: true, delete: true } });
  // 只改不删: edits but may not delete
  const noDelete = await profile('只改不删', { accounts: { view: true, create: true, edit: true } });
  const root = ok(await admin.get('/api/v1/roles?filter=' + filterParam({ field: 'name', op: 'eq', value: '管理员' }))).items[0];
  const role = async (name, parent, profiles) => created(await admin.post('/api/v1/roles', { name, parent_id: parent, profile_ids: profiles }));
  const bossRole = await role('销售经理（记录权限）', root.id, [sales.id]);
  const salesRole = await role('销售员（记录权限）', bossRole.id, [sales.id]);
  const auditRole = await role('售后（记录权限）', root.id, [audit.id]);
  const editorRole = await role('编辑员（记录权限）', bossRole.id, [noDelete.id]);
  const user = async (username, name, r) => created(await admin.post('/api/v1/users', { username, name, password: PASSWORD, role_id: r.id }));
  await user('ra_owner', '周一', salesRole);
  await user('ra_peer', '吴二', salesRole);
  await user('ra_boss', '郑经理', bossRole);
  await user('ra_audit', '王售后', auditRole);
  await user('ra_editor', '冯编辑', editorRole);
  [owner, peer, boss, auditor, editor] = await Promise.all(
    ['ra_owner', 'ra_peer', 'ra_boss', 'ra_audit', 'ra_editor'].map(u => srv.client(u, PASSWORD)));
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a record shared read-only answers no edit or delete; its owner, their manager and the administrator may both', async () => {
  const acc = created(await owner.post('/api/v1/accounts', { name: '记录权限示范客户' }));
  const path = `/api/v1/accounts/${acc.id}`;
  // private: the peer does not see it at all
  assertError(assert, await peer.get(path), 404, 'not_found');
  ok(await admin.req('PUT', '/api/v1/sharing', { body: { accounts: 'public_read' } }));
  try {
    await agrees(peer, 'accounts', acc.id, [], '同岗位同事（公开只读）');
    await agrees(owner, 'accounts', acc.id, ['edit', 'delete'], '负责人');
    await agrees(boss, 'accounts', acc.id, ['edit', 'delete'], '上级岗位');
    await agrees(admin, 'accounts', acc.id, ['edit', 'delete'], '管理员');
    // 查看全部 reads every customer, but changes only its own (修改全部 would change all)
    await agrees(auditor, 'accounts', acc.id, [], '售后（查看全部）');
  } finally {
    ok(await admin.req('PUT', '/api/v1/sharing', { body: { accounts: 'private' } }));
  }
});

test('the module rights still apply: a profile without delete is offered edit only, on its subordinate\'s record too', async () => {
  // the editor's role is under the manager's, so the manager reaches the editor's records
  const acc = created(await editor.post('/api/v1/accounts', { name: '只改不删的客户' }));
  await agrees(editor, 'accounts', acc.id, ['edit'], '只改不删');
  await agrees(boss, 'accounts', acc.id, ['edit', 'delete'], '编辑员的上级');
  // a subordinate never reaches the manager's records
  const mine = created(await boss.post('/api/v1/accounts', { name: '经理自己的客户' }));
  assertError(assert, await owner.get(`/api/v1/accounts/${mine.id}`), 404, 'not_found');
});

test('public read-write lets colleagues change; the public pool is the administrator\'s to change', async () => {
  const acc = created(await owner.post('/api/v1/accounts', { name: '公开读写的客户' }));
  ok(await admin.req('PUT', '/api/v1/sharing', { body: { accounts: 'public_read_write' } }));
  try {
    await agrees(peer, 'accounts', acc.id, ['edit', 'delete'], '同事（公开读写）');
  } finally {
    ok(await admin.req('PUT', '/api/v1/sharing', { body: { accounts: 'private' } }));
  }
  const pool = created(await admin.post('/api/v1/accounts', { name: '公海里的客户', owner_id: null }));
  await agrees(peer, 'accounts', pool.id, [], '公海客户（未领取）');
  await agrees(admin, 'accounts', pool.id, ['edit', 'delete'], '管理员（公海）');
});

test('a document shared through its folder\'s share list is read-only for the colleague it names', async () => {
  const folder = created(await owner.post('/api/v1/doc_folders', { name: '共享资料', shares: [{ share_with: 'user', user_id: peer.user.id }] }));
  const doc = created(await owner.post('/api/v1/documents', { title: '报价说明', kind: 'text', folder_id: folder.id }));
  await agrees(peer, 'documents', doc.id, [], '共享名单中的同事');
  await agrees(peer, 'doc_folders', folder.id, [], '共享名单中的同事（文件夹）');
  await agrees(owner, 'documents', doc.id, ['edit', 'delete'], '文档负责人');
});

test('a create answers the maker\'s rights on the new record, as its read would', async () => {
  const mine = await owner.post('/api/v1/accounts', { name: '新建即知权限的客户' });
  assert.equal(mine.status, 201, mine.text);
  assert.deepEqual(allowOf(mine), ['delete', 'edit', 'view']);
  assert.equal(mine.headers.get('etag'), `"${mine.json.version}"`);
  const kept = await editor.post('/api/v1/accounts', { name: '新建但不能删的客户' });
  assert.equal(kept.status, 201, kept.text);
  assert.deepEqual(allowOf(kept), ['edit', 'view'], 'a profile without delete');
  assert.deepEqual(allowOf(kept), await allowed(editor, `/api/v1/accounts/${kept.json.id}`));
  // a reversal of a ledger entry answers the new entry: only read
  const acc = created(await admin.post('/api/v1/accounts', { name: '冲销台账客户' }));
  const receipt = created(await admin.post('/api/v1/receipts', { account_id: acc.id, amount: 100, method: 'transfer' }));
  assert.deepEqual(allowOf(await admin.post(`/api/v1/receipts/${receipt.id}/reverse`, {})), ['view']);
});

test('a ledger is never changed; a 304 carries the header too; an unknown record stays 404', async () => {
  const acc = created(await admin.post('/api/v1/accounts', { name: '收款台账客户' }));
  const receipt = created(await admin.post('/api/v1/receipts', { account_id: acc.id, amount: 100, method: 'transfer' }));
  assert.deepEqual(await allowed(admin, `/api/v1/receipts/${receipt.id}`), ['view'], 'a ledger is only read');
  assertError(assert, await admin.patch(`/api/v1/receipts/${receipt.id}`, { note: '改' }), 422, 'immutable');
  assertError(assert, await admin.del(`/api/v1/receipts/${receipt.id}`), 422, 'immutable');

  const mine = created(await owner.post('/api/v1/accounts', { name: '缓存校验客户' }));
  const first = await owner.get(`/api/v1/accounts/${mine.id}`);
  const again = await owner.get(`/api/v1/accounts/${mine.id}`, { headers: { 'If-None-Match': first.headers.get('etag') } });
  assert.equal(again.status, 304);
  assert.deepEqual(allowOf(again), ['delete', 'edit', 'view']);
  const gone = await peer.get(`/api/v1/accounts/${mine.id}`);
  assertError(assert, gone, 404, 'not_found');
  assert.equal(gone.headers.get('x-kehu-allow'), null, 'a refusal says nothing about the record');
  // the contract says so, for the read and for the answers of writes
  const doc = ok(await srv.request('GET', '/api/v1/openapi.json'));
  for (const [p, m, code] of [['/api/v1/accounts/{id}', 'get', '200'], ['/api/v1/accounts', 'post', '201'],
    ['/api/v1/accounts/{id}', 'patch', '200'], ['/api/v1/accounts/{id}/restore', 'post', '200'], ['/api/v1/accounts/merge', 'post', '200']]) {
    const h = doc.paths[p][m].responses[code].headers;
    assert.ok(h && h['X-Kehu-Allow'] && h.ETag, `${m} ${p}: ${JSON.stringify(h)}`);
  }
});
