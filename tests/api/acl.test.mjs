// acl.test.mjs - the authorization matrix of issue 5. For every business
// entity and every read path (list, get, quick search, filter, related list,
// export, history, global search) and write verb, an owner, a peer in the
// same role, a superior, a user without the module right and an anonymous
// client are tried, and who gets what is asserted. Then sharing, field
// access, assignment, the teaching structure, and the users API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, filterParam } from './harness.mjs';

const srv = new Server();
const ALL = { view: true, create: true, edit: true, delete: true, import: true, export: true };
const ENTITIES = ['accounts', 'contacts', 'leads', 'opportunities', 'activities'];
let admin, owner, peer, boss, norights, anon;
const ids = {};      // entity -> the owner's record id
const names = {};    // entity -> its searchable name
let pool;            // a pool customer everyone may read: parent of related lists
const profiles = {};
const roles = {};

async function created(res) {
  assert.equal(res.status, 201, res.text);
  return res.json;
}

async function makeUser(username, name, role) {
  const u = await created(await admin.post('/api/v1/users', { username, name, password: 'Pass#2026word', role_id: role }));
  return u;
}

before(async () => {
  await srv.start();
  admin = await srv.client();
  anon = { get: p => srv.request('GET', p), patch: (p, b) => srv.request('PATCH', p, { body: b }), del: p => srv.request('DELETE', p) };

  profiles.sales = await created(await admin.post('/api/v1/profiles', {
    name: '销售', permissions: Object.fromEntries(ENTITIES.map(e => [e, ALL])),
    field_access: { accounts: { credit_limit: 'hidden', grade: 'read' } },
  }));
  profiles.manager = await created(await admin.post('/api/v1/profiles', {
    name: '销售主管附加', permissions: { accounts: { view: true } },
  }));
  profiles.none = await created(await admin.post('/api/v1/profiles', { name: '无业务权限', permissions: {} }));
  const root = (await admin.get('/api/v1/roles?filter=' + filterParam({ field: 'name', op: 'eq', value: '管理员' }))).json.items[0];
  roles.boss = await created(await admin.post('/api/v1/roles', { name: '销售经理', parent_id: root.id, profile_ids: [profiles.sales.id, profiles.manager.id] }));
  roles.sales = await created(await admin.post('/api/v1/roles', { name: '销售员', parent_id: roles.boss.id, profile_ids: [profiles.sales.id] }));
  roles.guest = await created(await admin.post('/api/v1/roles', { name: '访客', parent_id: root.id, profile_ids: [profiles.none.id] }));
  await makeUser('owner1', '赵一', roles.sales.id);
  await makeUser('peer1', '钱二', roles.sales.id);
  await makeUser('boss1', '孙经理', roles.boss.id);
  await makeUser('guest1', '李访客', roles.guest.id);
  [owner, peer, boss, norights] = await Promise.all([
    srv.client('owner1', 'Pass#2026word'), srv.client('peer1', 'Pass#2026word'),
    srv.client('boss1', 'Pass#2026word'), srv.client('guest1', 'Pass#2026word')]);

  pool = await created(await admin.post('/api/v1/accounts', { name: '公海示范客户有限公司', owner_id: null }));
  names.accounts = '矩阵测试甲客户';
  ids.accounts = (await created(await owner.post('/api/v1/accounts', { name: names.accounts }))).id;
  names.contacts = '矩阵联系人';
  ids.contacts = (await created(await owner.post('/api/v1/contacts', { name: names.contacts, account_id: pool.id }))).id;
  names.leads = '矩阵线索人';
  ids.leads = (await created(await owner.post('/api/v1/leads', { name: names.leads, company: '矩阵线索公司' }))).id;
  names.opportunities = '矩阵商机';
  ids.opportunities = (await created(await owner.post('/api/v1/opportunities', { name: names.opportunities, account_id: pool.id }))).id;
  names.activities = '矩阵拜访';
  ids.activities = (await created(await owner.post('/api/v1/activities', { subject: names.activities, kind: 'visit', account_id: pool.id }))).id;
});
after(async () => { await srv.stop(); srv.cleanup(); });

const RELATED = { contacts: 'contacts', opportunities: 'opportunities', activities: 'activities' };

// Every read path for one actor and entity: 'all' (sees the record), 'none'
// (paths answer but never show it), 'forbidden' (403), 'anonymous' (401).
async function checkReads(actor, entity, expect) {
  const id = ids[entity], q = encodeURIComponent(names[entity]);
  const label = `${entity} as ${expect}`;
  const paths = {
    list: `/api/v1/${entity}?limit=500`,
    search: `/api/v1/${entity}?q=${q}`,
    filter: `/api/v1/${entity}?filter=${filterParam({ field: 'id', op: 'eq', value: id })}`,
    export: `/api/v1/${entity}/export?format=csv`,
  };
  if (RELATED[entity]) paths.related = `/api/v1/accounts/${pool.id}/related/${RELATED[entity]}`;
  for (const [path, url] of Object.entries(paths)) {
    const r = await actor.get(url);
    if (expect === 'anonymous') { assertError(assert, r, 401); continue; }
    if (expect === 'forbidden' && path !== 'related') { assertError(assert, r, 403, 'forbidden'); continue; }
    if (expect === 'forbidden') continue; // the related list is of customers, which this user may not read either
    assert.equal(r.status, 200, `${label} ${path}: ${r.text}`);
    const shows = path === 'export' ? r.text.includes(names[entity]) : r.json.items.some(x => x.id === id);
    assert.equal(shows, expect === 'all', `${label}: ${path}`);
  }
  const get = await actor.get(`/api/v1/${entity}/${id}`);
  const hist = await actor.get(`/api/v1/${entity}/${id}/history`);
  for (const r of [get, hist]) {
    if (expect === 'all') assert.equal(r.status, 200, `${label}: ${r.text}`);
    else assertError(assert, r, { none: 404, forbidden: 403, anonymous: 401 }[expect]);
  }
  const g = await actor.get(`/api/v1/search?q=${q}`);
  if (expect === 'anonymous') assertError(assert, g, 401);
  else {
    assert.equal(g.status, 200, g.text);
    assert.equal(g.json.items.some(x => x.entity === entity && x.id === id), expect === 'all', `${label}: global search`);
  }
}

test('reads: owner and superior see, a peer does not, no module right is 403, anonymous is 401', async () => {
  for (const entity of ENTITIES) {
    await checkReads(owner, entity, 'all');
    await checkReads(boss, entity, 'all');
    await checkReads(admin, entity, 'all');
    await checkReads(peer, entity, 'none');
    await checkReads(norights, entity, 'forbidden');
    await checkReads(anon, entity, 'anonymous');
  }
});

test('writes: owner and superior edit, a peer gets 404, no right 403, anonymous 401', async () => {
  for (const entity of ENTITIES) {
    const field = entity === 'activities' ? 'result' : 'description';
    const url = `/api/v1/${entity}/${ids[entity]}`;
    const body = { [field]: entity === 'leads' ? undefined : '改' };
    if (entity === 'leads') body.title = '经理';
    delete body[undefined];
    for (const who of [owner, boss]) assert.equal((await who.patch(url, body)).status, 200, `${entity}`);
    assertError(assert, await peer.patch(url, body), 404, 'not_found');
    assertError(assert, await peer.del(url), 404, 'not_found');
    assertError(assert, await norights.patch(url, body), 403, 'forbidden');
    assertError(assert, await norights.post(`/api/v1/${entity}`, { name: 'x', subject: 'x' }), 403, 'forbidden');
    assertError(assert, await anon.patch(url, body), 401);
  }
  // a link to a record the user may not see is refused as not found
  assertError(assert, await peer.post('/api/v1/contacts', { name: '越权', account_id: ids.accounts }), 422, 'validation_failed');
  // the pool is readable by all but not editable without claiming it
  assert.equal((await peer.get(`/api/v1/accounts/${pool.id}`)).status, 200);
  assertError(assert, await peer.patch(`/api/v1/accounts/${pool.id}`, { description: 'x' }), 403, 'forbidden');
});

test('each verb on its own: a right missing among others gives 403 for just that verb', async () => {
  const VERBS = ['view', 'create', 'edit', 'delete', 'import', 'export'];
  const csv = { raw: '客户名称\r\n单项权限导入公司\r\n', headers: { 'Content-Type': 'text/csv' } };
  for (const missing of VERBS.filter(v => v !== 'view')) {
    const perms = Object.fromEntries(VERBS.map(v => [v, v !== missing]));
    const p = await created(await admin.post('/api/v1/profiles', { name: `缺${missing}`, permissions: { accounts: perms } }));
    const role = await created(await admin.post('/api/v1/roles', { name: `缺${missing}岗`, profile_ids: [p.id] }));
    await makeUser(`no_${missing}`, `缺${missing}用户`, role.id);
    const u = await srv.client(`no_${missing}`, 'Pass#2026word');
    const own = await created(await admin.post('/api/v1/accounts', { name: `单项权限${missing}客户`, owner_id: u.user.id }));
    const tries = {
      create: () => u.post('/api/v1/accounts', { name: `单项权限${missing}新建` }),
      edit: () => u.patch(`/api/v1/accounts/${own.id}`, { description: '改' }),
      delete: () => u.del(`/api/v1/accounts/${own.id}`),
      import: () => u.req('POST', '/api/v1/accounts/import/preview', csv),
      export: () => u.get('/api/v1/accounts/export?format=csv'),
    };
    const meta = (await u.get('/api/v1/metadata')).json.entities.find(e => e.name === 'accounts');
    assert.equal(meta.permissions[missing], false, `metadata tells the UI: no ${missing}`);
    assert.equal((await u.get(`/api/v1/accounts/${own.id}`)).status, 200, 'still readable');
    assertError(assert, await tries[missing](), 403, 'forbidden');
    // the verbs the profile has still work (delete last: it removes the record)
    for (const verb of ['create', 'edit', 'import', 'export', 'delete'].filter(v => v !== missing)) {
      const r = await tries[verb]();
      assert.ok(r.status < 300, `${verb} without ${missing}: ${r.status} ${r.text}`);
    }
  }
});

test('metadata and menu show only what the user may use', async () => {
  const meta = (await norights.get('/api/v1/metadata')).json;
  for (const e of ENTITIES) assert.ok(!meta.entities.some(x => x.name === e), e);
  assert.ok(!meta.menu.some(g => g.items.some(i => ENTITIES.includes(i))));
  const mine = (await owner.get('/api/v1/metadata')).json;
  const acc = mine.entities.find(x => x.name === 'accounts');
  assert.deepEqual(acc.permissions, { ...ALL, view_all: false, modify_all: false });
  assert.equal(acc.sharing, 'private');
  assert.ok(!acc.fields.some(f => f.name === 'credit_limit'), 'hidden field not described');
  assert.equal(acc.fields.find(f => f.name === 'grade').readonly, true);
  assert.ok(!mine.entities.some(x => x.name === 'profiles'), 'profiles are for administrators');
});

// A hidden field is in neither export (CSV and Excel, Chinese and English
// headers) by label or by value, while the record and a visible field are:
// the labels come from the administrator's metadata, not from a literal.
async function assertExportHides(user, entity, id, field, value) {
  const meta = (await admin.get('/api/v1/metadata')).json.entities.find(e => e.name === entity);
  const hidden = meta.fields.find(f => f.name === field);
  const shown = meta.fields.find(f => f.name === 'name' || f.name === 'subject');
  assert.ok(hidden && shown, `metadata of ${entity}.${field}`);
  const ExcelJS = (await import('exceljs')).default;
  const one = '&filter=' + filterParam({ field: 'id', op: 'eq', value: id });
  for (const [lang, label, shownLabel] of [['zh-CN', hidden.label_zh, shown.label_zh], ['en', hidden.label_en, shown.label_en]]) {
    const headers = { 'Accept-Language': lang };
    const csv = await user.get(`/api/v1/${entity}/export?format=csv${one}`, { headers });
    assert.equal(csv.status, 200, csv.text);
    const [head, row] = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    assert.ok(row, 'the record is exported');
    assert.ok(head.includes(shownLabel), `${shownLabel} in ${head}`);
    assert.ok(!head.includes(label), `hidden column ${label} in the CSV export: ${head}`);
    assert.ok(!csv.text.includes(value), `hidden value ${value} in the CSV export`);
    const res = await fetch(srv.base + `/api/v1/${entity}/export?format=xlsx${one}`,
      { headers: { Authorization: `Bearer ${user.token}`, ...headers } });
    assert.equal(res.status, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()));
    const sheet = wb.worksheets[0];
    assert.equal(sheet.rowCount, 2, 'header and the record');
    const cells = [];
    sheet.eachRow(r => r.eachCell(c => cells.push(String(c.value))));
    assert.ok(cells.includes(shownLabel), `${shownLabel} in the Excel export`);
    assert.ok(!cells.includes(label), `hidden column ${label} in the Excel export`);
    assert.ok(!cells.some(c => c.includes(value) || c === String(Number(value))), `hidden value ${value} in the Excel export`);
  }
  // Asking for the hidden field by name gets it neither.
  const named = await user.get(`/api/v1/${entity}/export?format=csv&fields=${field},${shown.name}${one}`);
  assert.ok(!named.text.includes(value) && !named.text.includes(hidden.label_zh), `fields=${field}: ${named.status} ${named.text.slice(0, 200)}`);
}

test('field access: hidden never leaves, read-only refuses writes with 403; the union of profiles wins', async () => {
  // A value found nowhere else, so its absence from an export means something.
  await admin.patch(`/api/v1/accounts/${ids.accounts}`, { credit_limit: 73519.27, grade: 'A' });
  const r = await owner.get(`/api/v1/accounts/${ids.accounts}`);
  assert.equal(r.json.credit_limit, undefined);
  assert.equal(r.json.grade, 'A');
  const list = await owner.get('/api/v1/accounts');
  assert.ok(list.json.items.every(x => !('credit_limit' in x)));
  await assertExportHides(owner, 'accounts', ids.accounts, 'credit_limit', '73519.27');
  assertError(assert, await owner.get('/api/v1/accounts?filter=' + filterParam({ field: 'credit_limit', op: 'gt', value: 1 })), 400, 'bad_filter');
  assertError(assert, await owner.get('/api/v1/accounts?sort=credit_limit'), 400);
  assertError(assert, await owner.patch(`/api/v1/accounts/${ids.accounts}`, { grade: 'B' }), 403, 'forbidden');
  assertError(assert, await owner.patch(`/api/v1/accounts/${ids.accounts}`, { credit_limit: 1 }), 422, 'validation_failed');
  // The manager's second profile names accounts without restrictions.
  const b = await boss.get(`/api/v1/accounts/${ids.accounts}`);
  assert.equal(b.json.credit_limit, 73519.27);
  assert.equal((await boss.patch(`/api/v1/accounts/${ids.accounts}`, { grade: 'B' })).status, 200);
});

test('search does not look into hidden fields: a hidden mobile cannot be guessed through q', async () => {
  const p = await created(await admin.post('/api/v1/profiles', {
    name: '手机保密', permissions: { contacts: ALL }, field_access: { contacts: { mobile: 'hidden' } } }));
  const role = await created(await admin.post('/api/v1/roles', { name: '手机保密岗', profile_ids: [p.id] }));
  await makeUser('nomobile', '吴保密', role.id);
  const c = await srv.client('nomobile', 'Pass#2026word');
  const made = await created(await admin.post('/api/v1/contacts', { name: '隐号联系人', mobile: '13955556666', phone: '025-83331234', owner_id: c.user.id }));
  const finds = async (who, q) => (await who.get('/api/v1/contacts?q=' + encodeURIComponent(q))).json.items.some(x => x.id === made.id);
  const global = async (who, q) => (await who.get('/api/v1/search?q=' + encodeURIComponent(q))).json.items.some(x => x.id === made.id && x.entity === 'contacts');
  assert.equal(await finds(c, '13955556666'), false, 'the hidden mobile is not searched');
  assert.equal(await finds(c, '1395555'), false, 'nor a prefix of it');
  assert.equal(await global(c, '13955556666'), false, 'nor through global search');
  assert.equal(await finds(c, '025-83331234'), true, 'a visible phone still is');
  assert.equal(await finds(c, '隐号'), true, 'and the name');
  assert.equal(await finds(c, '隐号 13955556666'), false, 'every word must be in a visible field');
  assert.equal(await finds(admin, '13955556666'), true, 'who may see the mobile finds it');
  assert.equal(await global(admin, '13955556666'), true);
});

// Each thread keeps the column list of its last reads (entity_select.c): a
// field hidden while the user is at work must be gone at the next read,
// on the record and on the list, and back when it is shown again.
test('a field hidden while a user is reading is gone at the next read, and back when shown', async () => {
  const p = await created(await admin.post('/api/v1/profiles', { name: '渐隐', permissions: { contacts: ALL } }));
  const role = await created(await admin.post('/api/v1/roles', { name: '渐隐岗', profile_ids: [p.id] }));
  await makeUser('fading', '郑渐隐', role.id);
  const c = await srv.client('fading', 'Pass#2026word');
  const made = await created(await admin.post('/api/v1/contacts', { name: '渐隐联系人', mobile: '13800001111', owner_id: c.user.id }));
  const seen = async () => {
    const one = await c.get(`/api/v1/contacts/${made.id}`);
    assert.equal(one.status, 200, one.text);
    const list = await c.get('/api/v1/contacts?q=' + encodeURIComponent('渐隐联系人'));
    assert.equal(list.status, 200, list.text);
    const row = list.json.items.find(x => x.id === made.id);
    assert.ok(row, 'the contact is listed');
    return [one.json.mobile, row.mobile];
  };
  for (let i = 0; i < 3; i++) assert.deepEqual(await seen(), ['13800001111', '13800001111']);
  assert.equal((await admin.patch(`/api/v1/profiles/${p.id}`, { field_access: { contacts: { mobile: 'hidden' } } })).status, 200);
  assert.deepEqual(await seen(), [undefined, undefined]);
  assert.equal((await admin.patch(`/api/v1/profiles/${p.id}`, { field_access: { contacts: {} } })).status, 200);
  assert.deepEqual(await seen(), ['13800001111', '13800001111']);
});

test('reports respect field access: a hidden amount is not summed in the funnel', async () => {
  const p = await created(await admin.post('/api/v1/profiles', {
    name: '看不到金额', permissions: { opportunities: { view: true } }, field_access: { opportunities: { amount: 'hidden' } } }));
  const role = await created(await admin.post('/api/v1/roles', { name: '金额保密经理', profile_ids: [p.id] }));
  await admin.patch(`/api/v1/roles/${roles.boss.id}`, { parent_id: role.id });
  await makeUser('noamount', '周保密', role.id);
  const c = await srv.client('noamount', 'Pass#2026word');
  await admin.patch(`/api/v1/opportunities/${ids.opportunities}`, { amount: 88000 });
  const f = await c.get('/api/v1/reports/funnel');
  assert.equal(f.status, 200, f.text);
  assert.equal(f.json.amount_hidden, true);
  assert.ok(f.json.total.count >= 1, 'counts of the records below are there');
  assert.equal(f.json.total.amount, 0);
  assert.equal((await boss.get('/api/v1/reports/funnel')).json.total.amount, 88000);
  const rec = await c.get(`/api/v1/opportunities/${ids.opportunities}`);
  assert.equal(rec.status, 200);
  assert.equal(rec.json.amount, undefined);
  await admin.patch(`/api/v1/roles/${roles.boss.id}`, { parent_id: null });
});

test('sharing: public read lets peers read but not write; public read-write lets them write', async () => {
  assert.equal((await peer.get('/api/v1/sharing')).json.accounts, 'private');
  assertError(assert, await peer.req('PUT', '/api/v1/sharing', { body: { accounts: 'public_read' } }), 403, 'forbidden');
  assertError(assert, await admin.req('PUT', '/api/v1/sharing', { body: { accounts: 'everyone', users: 'public_read', nope: 'private' } }), 422);
  let s = await admin.req('PUT', '/api/v1/sharing', { body: { accounts: 'public_read' } });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.accounts, 'public_read');
  await checkReads(peer, 'accounts', 'all');
  assertError(assert, await peer.patch(`/api/v1/accounts/${ids.accounts}`, { description: '同事改' }), 403, 'forbidden');
  await admin.req('PUT', '/api/v1/sharing', { body: { accounts: 'public_read_write' } });
  assert.equal((await peer.patch(`/api/v1/accounts/${ids.accounts}`, { description: '同事改' })).status, 200);
  await admin.req('PUT', '/api/v1/sharing', { body: { accounts: 'private' } });
  await checkReads(peer, 'accounts', 'none');
});

test('reminders are one\'s own and the people\'s below, even where sharing lets colleagues read', async () => {
  const soon = new Date(Date.now() + 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  const a = await created(await owner.post('/api/v1/activities', { subject: '明天回访提醒', kind: 'call', next_follow_up_at: soon }));
  // the reminder is the follow-up 下次回访时间 planned
  const has = async who => (await who.get('/api/v1/reminders?days=3')).json.items.some(x => x.title === '回访：明天回访提醒');
  await admin.req('PUT', '/api/v1/sharing', { body: { activities: 'public_read' } });
  try {
    assert.equal((await peer.get(`/api/v1/activities/${a.id}`)).status, 200, 'the peer may read it');
    assert.equal(await has(owner), true);
    assert.equal(await has(boss), true, 'a superior is reminded of the team\'s follow-ups');
    assert.equal(await has(peer), false, 'but a colleague is not');
  } finally {
    await admin.req('PUT', '/api/v1/sharing', { body: { activities: 'private' } });
  }
});

test('messages are a personal inbox: their recipient only (and administrators), whatever the profiles', async () => {
  const send = async (from, to) => {
    const r = await from.post('/api/v1/calendar/share', { user_ids: [to.user.id], from: '2027-05-03', to: '2027-05-07' });
    assert.equal(r.status, 200, r.text);
  };
  await send(boss, owner); // to a subordinate
  await send(owner, norights); // to a user without any business right
  const inbox = async who => (await who.get('/api/v1/messages')).json.items;
  assert.equal((await inbox(owner)).length, 1);
  assert.equal((await inbox(boss)).length, 0, 'a superior does not read the inbox of people below');
  assert.equal((await inbox(peer)).length, 0);
  const guestMsgs = await inbox(norights);
  assert.equal(guestMsgs.length, 1, 'no profile right is needed for one\'s own inbox');
  assert.equal((await norights.patch(`/api/v1/messages/${guestMsgs[0].id}`, { is_read: true })).json.is_read, true);
  assertError(assert, await boss.get(`/api/v1/messages/${guestMsgs[0].id}`), 404);
  assertError(assert, await boss.patch(`/api/v1/messages/${guestMsgs[0].id}`, { is_read: false }), 404);
  assert.equal((await inbox(admin)).length >= 2, true, 'administrators see every message');
  assert.ok((await norights.get('/api/v1/metadata')).json.entities.some(e => e.name === 'messages' && e.personal));
  assert.ok(!('messages' in (await admin.get('/api/v1/sharing')).json), 'no sharing setting for an inbox');
  assertError(assert, await admin.req('PUT', '/api/v1/sharing', { body: { messages: 'public_read' } }), 422);
  assertError(assert, await admin.post('/api/v1/profiles', { name: '收件箱权限', permissions: { messages: ALL } }), 422);
});

test('assigning: a manager gives records to people below, not above or beside; a salesperson cannot', async () => {
  const acc = await created(await owner.post('/api/v1/accounts', { name: '待分配客户' }));
  assertError(assert, await owner.post(`/api/v1/accounts/${acc.id}/assign`, { owner_id: peer.user.id }), 403, 'forbidden');
  assertError(assert, await owner.patch(`/api/v1/accounts/${acc.id}`, { owner_id: peer.user.id }), 422);
  assertError(assert, await boss.post(`/api/v1/accounts/${acc.id}/assign`, { owner_id: admin.user.id }), 403, 'forbidden');
  const r = await boss.post(`/api/v1/accounts/${acc.id}/assign`, { owner_id: peer.user.id });
  assert.equal(r.status, 200, r.text);
  assert.equal((await peer.get(`/api/v1/accounts/${acc.id}`)).json.owner_id, peer.user.id);
  assertError(assert, await owner.get(`/api/v1/accounts/${acc.id}`), 404);
  // a manager may also create records for a subordinate
  const made = await boss.post('/api/v1/accounts', { name: '经理代建客户', owner_id: owner.user.id });
  assert.equal(made.status, 201, made.text);
});

test('role changes apply at once: moving a user under another role changes who sees whom', async () => {
  const other = await created(await admin.post('/api/v1/roles', { name: '华东销售', parent_id: roles.boss.id, profile_ids: [profiles.sales.id] }));
  const acc = await created(await peer.post('/api/v1/accounts', { name: '钱二的客户' }));
  assert.equal((await boss.get(`/api/v1/accounts/${acc.id}`)).status, 200);
  // a role cannot be put under itself or its own subordinate
  assertError(assert, await admin.patch(`/api/v1/roles/${roles.boss.id}`, { parent_id: roles.sales.id }), 422);
  assertError(assert, await admin.patch(`/api/v1/roles/${roles.boss.id}`, { profile_ids: [999999] }), 422);
  assertError(assert, await admin.patch(`/api/v1/roles/${roles.boss.id}`, { profile_ids: 'all' }), 422);
  assertError(assert, await admin.del(`/api/v1/roles/${roles.sales.id}`), 409, 'in_use');
  assertError(assert, await admin.del(`/api/v1/profiles/${profiles.sales.id}`), 409, 'in_use');
  await admin.patch(`/api/v1/roles/${other.id}`, { parent_id: null });
  await admin.patch(`/api/v1/users/${peer.user.id}`, { role_id: other.id });
  assertError(assert, await boss.get(`/api/v1/accounts/${acc.id}`), 404);
  await admin.patch(`/api/v1/users/${peer.user.id}`, { role_id: roles.sales.id });
  assert.equal((await boss.get(`/api/v1/accounts/${acc.id}`)).status, 200);
});

test('profiles are checked: unknown modules, verbs, fields and levels are refused', async () => {
  const bad = [
    { permissions: { nowhere: ALL } },
    { permissions: { users: ALL } },
    { permissions: { accounts: { fly: true } } },
    { permissions: { accounts: { view: 'yes' } } },
    { permissions: ['accounts'] },
    { field_access: { accounts: { nofield: 'hidden' } } },
    { field_access: { accounts: { phone: 'secret' } } },
    { field_access: { accounts: { name: 'hidden' } } },
  ];
  for (const b of bad) assertError(assert, await admin.post('/api/v1/profiles', { name: `坏配置${Math.random()}`, ...b }), 422);
  assertError(assert, await owner.get('/api/v1/profiles'), 403, 'forbidden');
  assertError(assert, await owner.post('/api/v1/roles', { name: '自封' }), 403, 'forbidden');
  assert.equal((await owner.get('/api/v1/roles')).status, 200, 'the role directory is readable');
  assertError(assert, await owner.get('/api/v1/users/export?format=csv'), 403, 'forbidden'); // but not exported
  assert.equal((await admin.get('/api/v1/users/export?format=csv')).status, 200);
});

test('the teaching structure: teacher > class > group > students, made with a few calls', async () => {
  const root = (await admin.get('/api/v1/roles?filter=' + filterParam({ field: 'name', op: 'eq', value: '管理员' }))).json.items[0];
  const std = profiles.sales.id;
  const teacher = await created(await admin.post('/api/v1/roles', { name: '教师', parent_id: root.id, profile_ids: [std] }));
  const klass = await created(await admin.post('/api/v1/roles', { name: '营销1班', parent_id: teacher.id, profile_ids: [std] }));
  const groupA = await created(await admin.post('/api/v1/roles', { name: '第1组', parent_id: klass.id, profile_ids: [std] }));
  const groupB = await created(await admin.post('/api/v1/roles', { name: '第2组', parent_id: klass.id, profile_ids: [std] }));
  const studA = await created(await admin.post('/api/v1/roles', { name: '第1组学生', parent_id: groupA.id, profile_ids: [std] }));
  const studB = await created(await admin.post('/api/v1/roles', { name: '第2组学生', parent_id: groupB.id, profile_ids: [std] }));
  await makeUser('t1', '张老师', teacher.id);
  await makeUser('ga', '组长甲', groupA.id);
  await makeUser('s_a1', '学生甲一', studA.id);
  await makeUser('s_a2', '学生甲二', studA.id);
  await makeUser('s_b1', '学生乙一', studB.id);
  const [t, ga, a1, a2, b1] = await Promise.all(['t1', 'ga', 's_a1', 's_a2', 's_b1'].map(u => srv.client(u, 'Pass#2026word')));
  const mine = {};
  for (const [k, c] of Object.entries({ a1, a2, b1 })) mine[k] = (await created(await c.post('/api/v1/accounts', { name: `${k}的实验客户` }))).id;
  const sees = async (c, k) => (await c.get(`/api/v1/accounts/${mine[k]}`)).status === 200;
  assert.deepEqual([await sees(t, 'a1'), await sees(t, 'a2'), await sees(t, 'b1')], [true, true, true]);
  assert.deepEqual([await sees(ga, 'a1'), await sees(ga, 'a2'), await sees(ga, 'b1')], [true, true, false]);
  assert.deepEqual([await sees(a1, 'a1'), await sees(a1, 'a2'), await sees(a1, 'b1')], [true, false, false]);
  const list = (await t.get('/api/v1/accounts?q=' + encodeURIComponent('实验客户'))).json;
  assert.equal(list.total, 3);
});

test('users: administrators add users with a password, copy them, reset passwords; others cannot', async () => {
  assertError(assert, await owner.post('/api/v1/users', { username: 'x1', name: 'x', password: 'Pass#2026word' }), 403, 'forbidden');
  assertError(assert, await owner.patch(`/api/v1/users/${peer.user.id}`, { name: '改名' }), 403, 'forbidden');
  assertError(assert, await admin.post('/api/v1/users', { username: 'nopw', name: '无密码' }), 422);
  assertError(assert, await admin.post('/api/v1/users', { username: 'shortpw', name: '短', password: 'abc' }), 422);
  assertError(assert, await admin.post('/api/v1/users', { username: 'a b', name: '空格', password: 'Pass#2026word' }), 422);
  assertError(assert, await admin.post('/api/v1/users', { username: 'owner1', name: '重名', password: 'Pass#2026word' }), 409, 'duplicate');
  assertError(assert, await admin.post('/api/v1/users', { username: 'pwnum', name: '数字', password: 12345678 }), 422);
  const u = await created(await admin.post('/api/v1/users', { username: 'newbie', name: '新同事', password: 'Pass#2026word', email: 'new@example.cn' }));
  assert.equal(u.password, undefined);
  assert.ok(!JSON.stringify(u).includes('argon2'));
  const nb = await srv.client('newbie', 'Pass#2026word');
  assert.equal((await nb.get('/api/v1/accounts')).status, 200, 'no role: the default profile applies');
  // admin reset ends the user's sessions; the new password works
  assert.equal((await admin.patch(`/api/v1/users/${u.id}`, { password: 'Reset#2026word' })).status, 200);
  assertError(assert, await nb.get('/api/v1/accounts'), 401);
  await srv.client('newbie', 'Reset#2026word');
  // copy: same role and department and menu, a new name and password
  await owner.req('PUT', `/api/v1/users/${owner.user.id}/menu`, { body: { order: ['contacts', 'accounts'], hidden: ['leads'] } });
  const copy = await created(await admin.post(`/api/v1/users/${owner.user.id}/copy`, { username: 'owner2', name: '赵二', password: 'Pass#2026word' }));
  assert.equal(copy.role_id, roles.sales.id);
  const o2 = await srv.client('owner2', 'Pass#2026word');
  assert.deepEqual((await o2.get(`/api/v1/users/${copy.id}/menu`)).json.hidden, ['leads']);
  assertError(assert, await o2.get(`/api/v1/accounts/${ids.accounts}`), 404, 'not_found');
  assertError(assert, await admin.post('/api/v1/users/999999/copy', { username: 'ghost', password: 'Pass#2026word' }), 404);
  // there is always an active administrator, and nobody deactivates themself
  assertError(assert, await admin.patch(`/api/v1/users/${admin.user.id}`, { status: 'inactive' }), 422);
  assertError(assert, await admin.patch(`/api/v1/users/${admin.user.id}`, { is_admin: false }), 422);
  assertError(assert, await admin.del(`/api/v1/users/${admin.user.id}`), 422);
});

test('login history: the user and administrators see it, nobody else', async () => {
  await srv.request('POST', '/api/v1/session', { body: { username: 'peer1', password: 'wrong-password' } });
  const mine = await peer.get(`/api/v1/users/${peer.user.id}/logins`);
  assert.equal(mine.status, 200, mine.text);
  assert.ok(mine.json.items.some(x => x.success === true));
  assert.ok(mine.json.items.some(x => x.success === false));
  assert.ok(mine.json.items.every(x => x.at && x.address));
  assert.equal((await admin.get(`/api/v1/users/${peer.user.id}/logins?limit=1`)).json.items.length, 1);
  assertError(assert, await owner.get(`/api/v1/users/${peer.user.id}/logins`), 404);
  assertError(assert, await peer.get(`/api/v1/users/${peer.user.id}/logins?limit=abc`), 400);
});

test('main menu customisation: order and hidden items, validated', async () => {
  const r = await owner.req('PUT', `/api/v1/users/${owner.user.id}/menu`, { body: { order: ['contacts', 'accounts'], hidden: ['leads'] } });
  assert.equal(r.status, 200, r.text);
  const menu = (await owner.get('/api/v1/metadata')).json.menu;
  const items = menu.flatMap(g => g.items);
  assert.ok(!items.includes('leads'));
  assert.ok(items.indexOf('contacts') < items.indexOf('accounts'));
  assertError(assert, await owner.req('PUT', `/api/v1/users/${owner.user.id}/menu`, { body: { hidden: ['nowhere'] } }), 422);
  assertError(assert, await owner.req('PUT', `/api/v1/users/${owner.user.id}/menu`, { body: { colour: 'red' } }), 422);
  assertError(assert, await owner.req('PUT', `/api/v1/users/${peer.user.id}/menu`, { body: { hidden: [] } }), 404);
});
