// companies.test.mjs - companies (tenants): a platform administrator
// creates a company with its administrator; every read and write path keeps
// to the user's company (lists, records, search, export, related lists,
// history, reports, similar names, the pool, the recycle bin, imports,
// reminders, balances, mass updates, merges, actions, owners, links); a
// company's administrator configures only that company; uniqueness and
// auto-numbers hold per company; a suspended company's users are stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, filterParam } from './harness.mjs';

const srv = new Server();
const PW = 'Pass#2026word';
let platform, bossB, sellerA, sellerB;
const A = {}, B = {};

async function created(res) {
  assert.equal(res.status, 201, res.text);
  return res.json;
}
const names = res => (res.json.items || []).map(r => r.name);
const CSV = { 'Content-Type': 'text/csv; charset=utf-8' };

before(async () => {
  await srv.start();
  platform = await srv.client();
  // company A is the default one, where the first administrator lives
  A.company = platform.user.company_id;
  B.company = (await created(await platform.post('/api/v1/companies', {
    name: '乙方贸易有限公司', code: 'yifang', admin: { username: 'boss_b', name: '乙方管理员', password: PW },
  }))).id;
  bossB = await srv.client('boss_b', PW);
  await created(await platform.post('/api/v1/users', { username: 'seller_a', name: '甲方销售', password: PW }));
  await created(await bossB.post('/api/v1/users', { username: 'seller_b', name: '乙方销售', password: PW }));
  sellerA = await srv.client('seller_a', PW);
  sellerB = await srv.client('seller_b', PW);

  A.account = await created(await platform.post('/api/v1/accounts', { name: '甲方专属客户', city: '南京' }));
  A.contact = await created(await platform.post('/api/v1/contacts', { name: '甲方联系人', account_id: A.account.id }));
  A.pool = await created(await platform.post('/api/v1/accounts', { name: '甲方公海客户' }));
  assert.equal((await platform.post(`/api/v1/accounts/${A.pool.id}/assign`, { owner_id: null })).status, 200);
  A.deleted = await created(await platform.post('/api/v1/accounts', { name: '甲方已删除客户' }));
  assert.equal((await platform.del(`/api/v1/accounts/${A.deleted.id}`)).status, 204);
  A.lead = await created(await platform.post('/api/v1/leads', { name: '甲方线索' }));
  const soon = new Date(Date.now() + 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  A.activity = await created(await platform.post('/api/v1/activities', { subject: '甲方回访', kind: 'call', next_follow_up_at: soon }));
  A.receipt = await created(await platform.post('/api/v1/receipts', { account_id: A.account.id, amount: 1000 }));
  A.role = (await platform.get('/api/v1/roles')).json.items[0];

  B.account = await created(await bossB.post('/api/v1/accounts', { name: '乙方专属客户', city: '南京' }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a platform administrator creates a company with its administrator; the users carry their company', async () => {
  assert.equal(platform.user.platform_admin, true);
  assert.equal(bossB.user.company_id, B.company);
  assert.equal(bossB.user.is_admin, true);
  assert.equal(bossB.user.platform_admin, false);
  assert.notEqual(A.company, B.company);
  const all = await platform.get('/api/v1/companies');
  assert.deepEqual(all.json.items.map(c => c.id).sort(), [A.company, B.company].sort());
  const b = (await platform.get(`/api/v1/companies/${B.company}`)).json;
  assert.equal(b.name, '乙方贸易有限公司');
  assert.equal(b.code, 'yifang');
  assert.equal(b.status, 'active');
  // a company without a code is named by its id
  const c = await created(await platform.post('/api/v1/companies', {
    name: '丙方公司', admin: { username: 'boss_c', name: '丙方管理员', password: PW } }));
  assert.equal(c.code, `c${c.id}`);
  // the new company starts with the roles, profiles and department of a new database
  const roles = (await bossB.get('/api/v1/roles')).json.items;
  assert.deepEqual(roles.map(r => r.name), ['管理员']);
  assert.equal((await bossB.get('/api/v1/profiles')).json.total, 3);
  assert.deepEqual((await bossB.get('/api/v1/departments')).json.items.map(d => d.name), ['总公司']);
  const me = (await bossB.get(`/api/v1/users/${bossB.user.id}`)).json;
  assert.equal(me.company_id, B.company);
  assert.equal(me.role_id, roles[0].id, 'the administrator holds the root role');
});

test('companies are created and changed by platform administrators only, with clear errors', async () => {
  const body = { name: '丁方公司', admin: { username: 'boss_d', name: '丁', password: PW } };
  assertError(assert, await bossB.post('/api/v1/companies', body), 403, 'forbidden');
  assertError(assert, await sellerA.post('/api/v1/companies', body), 403, 'forbidden');
  assertError(assert, await bossB.patch(`/api/v1/companies/${B.company}`, { name: '改名' }), 403, 'forbidden');
  // one's own company is readable, another is unknown
  assert.deepEqual((await bossB.get('/api/v1/companies')).json.items.map(c => c.id), [B.company]);
  assertError(assert, await bossB.get(`/api/v1/companies/${A.company}`), 404, 'not_found');
  assertError(assert, await platform.get('/api/v1/companies/999999'), 404, 'not_found');
  // bad input: nothing is created
  const before = (await platform.get('/api/v1/companies')).json.total;
  const dup = await platform.post('/api/v1/companies', { ...body, name: '乙方贸易有限公司' });
  assertError(assert, dup, 409, 'duplicate');
  const taken = await platform.post('/api/v1/companies', { ...body, admin: { ...body.admin, username: 'seller_a' } });
  assertError(assert, taken, 409, 'duplicate');
  for (const bad of [
    { ...body, extra: 1 },
    { ...body, name: '' },
    { ...body, name: 42 },
    { ...body, code: 'Bad Code!' },
    { name: '戊方' },
    { ...body, admin: { username: 'x_d', name: '戊', password: 'short' } },
    { ...body, admin: { username: 'x_d', name: '戊', password: PW, role: 1 } },
    { ...body, name: '长'.repeat(101) },
  ]) assertError(assert, await platform.post('/api/v1/companies', bad), 422, 'validation_failed');
  assertError(assert, await platform.patch(`/api/v1/companies/${B.company}`, { status: 'gone' }), 422);
  assertError(assert, await platform.patch(`/api/v1/companies/${A.company}`, { status: 'suspended' }), 422);
  assert.equal((await platform.get('/api/v1/companies')).json.total, before, 'nothing created');
  assert.equal((await srv.request('POST', '/api/v1/session', { body: { username: 'boss_d', password: PW } })).status, 401);
});

test('lists, records, search, export, similar names, reports and the pool keep to the company', async () => {
  for (const [who, own, other] of [[bossB, B, A], [sellerB, null, A], [platform, A, B]]) {
    const list = await who.get('/api/v1/accounts?limit=200');
    assert.equal(list.status, 200);
    assert.ok(!names(list).includes(other.account.name), 'list');
    if (own) assert.ok(names(list).includes(own.account.name));
    assertError(assert, await who.get(`/api/v1/accounts/${other.account.id}`), 404);
    const search = await who.get('/api/v1/search?q=' + encodeURIComponent('专属客户'));
    assert.ok(!JSON.stringify(search.json).includes(other.account.name), 'global search');
    const quick = await who.get('/api/v1/accounts?q=' + encodeURIComponent('专属'));
    assert.ok(!names(quick).includes(other.account.name), 'quick search');
    const csv = await who.get('/api/v1/accounts/export?format=csv');
    assert.equal(csv.status, 200);
    assert.ok(!csv.text.includes(other.account.name), 'export');
    const similar = await who.get('/api/v1/accounts/duplicates?name=' + encodeURIComponent(other.account.name));
    assert.ok(!JSON.stringify(similar.json).includes(other.account.name), 'similar names');
    const group = await who.get('/api/v1/reports/group?entity=accounts&by=city&filter=' +
      filterParam({ field: 'city', op: 'eq', value: '南京' }));
    assert.equal(group.status, 200, group.text);
    const nanjing = group.json.items.find(g => g.value === '南京');
    assert.equal(nanjing ? nanjing.count : 0, own ? 1 : 0, 'report counts one company');
  }
  // the pool and the recycle bin
  assert.ok(names(await sellerA.get('/api/v1/accounts?pool=1')).includes('甲方公海客户'));
  assert.ok(!names(await sellerB.get('/api/v1/accounts?pool=1')).includes('甲方公海客户'));
  assertError(assert, await sellerB.post(`/api/v1/accounts/${A.pool.id}/claim`, {}), 404);
  assert.ok(names(await platform.get('/api/v1/accounts?deleted=1')).includes('甲方已删除客户'));
  assert.ok(!names(await bossB.get('/api/v1/accounts?deleted=1')).includes('甲方已删除客户'));
  assertError(assert, await bossB.post(`/api/v1/accounts/${A.deleted.id}/restore`, {}), 404);
});

test('related lists, history, lines of other reads and reminders keep to the company', async () => {
  assertError(assert, await bossB.get(`/api/v1/accounts/${A.account.id}/related/contacts`), 404);
  assertError(assert, await bossB.get(`/api/v1/accounts/${A.account.id}/history`), 404);
  assertError(assert, await bossB.get(`/api/v1/contacts/${A.contact.id}`), 404);
  const balances = await bossB.get(`/api/v1/receipts/balances?name=by_account&account_id=${A.account.id}`);
  assert.equal(balances.status, 200, balances.text);
  assert.deepEqual(balances.json.items, [], 'another company\'s customer has no balance here');
  const mine = await platform.get(`/api/v1/receipts/balances?name=by_account&account_id=${A.account.id}`);
  assert.equal(mine.json.items.length, 1, mine.text);
  const reminders = async who => JSON.stringify((await who.get('/api/v1/reminders?days=3')).json);
  assert.ok((await reminders(platform)).includes('甲方回访'));
  assert.ok(!(await reminders(bossB)).includes('甲方回访'));
  const contacts = await bossB.get('/api/v1/contacts?limit=200');
  assert.ok(!names(contacts).includes('甲方联系人'));
});

test('writes never reach another company: edits, deletes, actions, mass updates, merges, owners and links', async () => {
  assertError(assert, await bossB.patch(`/api/v1/accounts/${A.account.id}`, { city: '上海' }), 404);
  assertError(assert, await bossB.del(`/api/v1/accounts/${A.account.id}`), 404);
  assertError(assert, await bossB.post(`/api/v1/leads/${A.lead.id}/actions/convert`, {}), 404);
  assertError(assert, await bossB.post(`/api/v1/activities/${A.activity.id}/actions/complete`, {}), 404);
  assertError(assert, await bossB.post(`/api/v1/receipts/${A.receipt.id}/reverse`, {}), 404);
  assertError(assert, await bossB.post('/api/v1/accounts/mass-update', { ids: [A.account.id], values: { city: '上海' } }), 404);
  assertError(assert, await bossB.post('/api/v1/accounts/merge', { target_id: B.account.id, source_ids: [A.account.id] }), 404);
  assertError(assert, await bossB.post(`/api/v1/accounts/${A.account.id}/assign`, { owner_id: bossB.user.id }), 404);
  assert.equal((await platform.get(`/api/v1/accounts/${A.account.id}`)).json.city, '南京', 'untouched');
  // a record goes to no one outside the company, and links stay inside it
  assertError(assert, await bossB.post(`/api/v1/accounts/${B.account.id}/assign`, { owner_id: sellerA.user.id }), 422);
  assertError(assert, await bossB.post('/api/v1/accounts', { name: '乙方新客户', owner_id: sellerA.user.id }), 422);
  assertError(assert, await bossB.post('/api/v1/contacts', { name: '越界联系人', account_id: A.account.id }), 422);
  assertError(assert, await bossB.post('/api/v1/opportunities', { name: '越界商机', account_id: A.account.id }), 422);
});

test('a company administrator administers only that company', async () => {
  const usersB = (await bossB.get('/api/v1/users?limit=200')).json.items.map(u => u.username).sort();
  assert.deepEqual(usersB, ['boss_b', 'seller_b']);
  assertError(assert, await bossB.get(`/api/v1/users/${sellerA.user.id}`), 404);
  assertError(assert, await bossB.patch(`/api/v1/users/${sellerA.user.id}`, { name: '被改名' }), 404);
  assertError(assert, await bossB.patch(`/api/v1/users/${sellerA.user.id}`, { password: 'Other#2026pass' }), 404);
  assertError(assert, await bossB.del(`/api/v1/users/${sellerA.user.id}`), 404);
  assertError(assert, await bossB.get(`/api/v1/users/${sellerA.user.id}/logins`), 404);
  assertError(assert, await bossB.get(`/api/v1/roles/${A.role.id}`), 404);
  assertError(assert, await bossB.patch(`/api/v1/users/${sellerB.user.id}`, { role_id: A.role.id }), 422);
  const profilesA = (await platform.get('/api/v1/profiles')).json.items;
  assertError(assert, await bossB.post('/api/v1/roles', { name: '越界角色', profile_ids: [profilesA[0].id] }), 422);
  assertError(assert, await bossB.patch(`/api/v1/profiles/${profilesA[0].id}`, { name: '被改' }), 404);
  // sharing is each company's own
  assert.equal((await bossB.req('PUT', '/api/v1/sharing', { body: { accounts: 'public_read' } })).status, 200);
  assert.equal((await bossB.get('/api/v1/sharing')).json.accounts, 'public_read');
  assert.equal((await platform.get('/api/v1/sharing')).json.accounts, 'private');
  assert.ok(!names(await sellerA.get('/api/v1/accounts')).includes('甲方专属客户'), 'company A stays private');
  assert.ok(names(await sellerB.get('/api/v1/accounts')).includes('乙方专属客户'), 'company B reads its own');
  await bossB.req('PUT', '/api/v1/sharing', { body: { accounts: 'private' } });
  // the last administrator is counted per company
  const demote = await bossB.patch(`/api/v1/users/${bossB.user.id}`, { is_admin: false });
  assertError(assert, demote, 422);
});

test('picklist options are each company\'s own', async () => {
  const grade = async who => (await who.get('/api/v1/metadata')).json.entities
    .find(e => e.name === 'accounts').fields.find(f => f.name === 'grade').options.map(o => o.value);
  const platformGrades = await grade(platform);
  const put = await bossB.req('PUT', '/api/v1/metadata/picklists/accounts/grade',
    { body: { options: [{ value: 'VIP', label_zh: '贵宾' }, { value: 'N', label_zh: '普通' }] } });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(await grade(bossB), ['VIP', 'N']);
  assert.deepEqual(await grade(sellerB), ['VIP', 'N'], 'the whole company reads it');
  assert.deepEqual(await grade(platform), platformGrades, 'company A keeps its options');
  assert.equal((await sellerB.post('/api/v1/accounts', { name: '乙方贵宾客户', grade: 'VIP' })).status, 201);
  assertError(assert, await sellerA.post('/api/v1/accounts', { name: '甲方贵宾客户', grade: 'VIP' }), 422, 'validation_failed');
  // a new company starts from the platform's set, not from B's
  const c = await created(await platform.post('/api/v1/companies', {
    name: '己方公司', admin: { username: 'boss_f', name: '己方管理员', password: PW } }));
  const bossF = await srv.client('boss_f', PW);
  assert.equal(bossF.user.company_id, c.id);
  assert.deepEqual(await grade(bossF), platformGrades);
  // company A's own change stays A's
  const aGrades = [{ value: 'A', label_zh: '重点' }, { value: 'B', label_zh: '一般' }];
  assert.equal((await platform.req('PUT', '/api/v1/metadata/picklists/accounts/grade', { body: { options: aGrades } })).status, 200);
  assert.deepEqual(await grade(platform), ['A', 'B']);
  assert.deepEqual(await grade(bossB), ['VIP', 'N']);
  assert.deepEqual(await grade(bossF), platformGrades);
});

test('uniqueness and auto-numbers hold per company; imports see only their company', async () => {
  // the same customer name in two companies (the class's manual customer)
  const same = await created(await bossB.post('/api/v1/accounts', { name: '甲方专属客户' }));
  assert.match(same.code, /^KH-0+\d$/);
  assert.ok(Number(same.code.slice(3)) <= 3, `B numbers from 1: ${same.code}`);
  assertError(assert, await bossB.post('/api/v1/accounts', { name: '甲方专属客户' }), 409, 'duplicate');
  // an import's duplicate check and owner lookup stay inside the company
  const csv = '客户名称,负责人\n甲方公海客户,乙方销售\n跨公司负责人客户,甲方销售\n';
  const r = await bossB.req('POST', '/api/v1/accounts/import?wait=true', { raw: csv, headers: CSV });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 1, r.text);
  assert.equal(r.json.failed, 1, 'a company A user is unknown in company B');
  const mine = (await bossB.get('/api/v1/accounts?q=' + encodeURIComponent('公海客户'))).json.items;
  assert.equal(mine.length, 1);
  assert.equal(mine[0].owner_id, sellerB.user.id);
  assert.equal(mine[0].company_id, B.company);
});

test('inside a company a duplicate says who holds it: the 负责人, even to a colleague who cannot see it, or the 公海 (issue 15)', async () => {
  const admin = platform.user.name;
  assert.ok(admin, 'the administrator has a name');
  // the refusal on saving
  const held = await sellerA.post('/api/v1/accounts', { name: '甲方专属客户' });
  assertError(assert, held, 409, 'duplicate');
  assert.equal(held.json.error.fields.name, 'duplicate');
  assert.equal(held.json.error.message, `「客户名称」已存在相同的值，负责人：${admin}`);
  const pooled = await sellerA.post('/api/v1/accounts', { name: '甲方公海客户' });
  assertError(assert, pooled, 409, 'duplicate');
  assert.equal(pooled.json.error.message, '「客户名称」已存在相同的值，该记录在公海中，可以领取');
  // an edit to a taken name says the same
  const mine = await created(await sellerA.post('/api/v1/accounts', { name: '甲方销售自己的客户' }));
  const renamed = await sellerA.patch(`/api/v1/accounts/${mine.id}`, { name: '甲方专属客户' });
  assertError(assert, renamed, 409, 'duplicate');
  assert.match(renamed.json.error.message, new RegExp(`负责人：${admin}$`));
  // the hint while typing: the very name held out of sight is named with its holder, never opened
  const hint = async (who, name) => (await who.get('/api/v1/accounts/duplicates?name=' + encodeURIComponent(name))).json.items;
  assert.deepEqual(await hint(sellerA, '甲方专属客户'),
    [{ id: null, name: '甲方专属客户', score: 1, exact: true, visible: false, owner_name: admin, pool: false }]);
  assert.deepEqual(await hint(sellerA, '专属客户'), [], 'a part of a hidden name reveals nothing');
  const pool = (await hint(sellerA, '甲方公海客户')).find(i => i.exact);
  assert.deepEqual([pool.id, pool.visible, pool.owner_name, pool.pool], [A.pool.id, true, null, true]);
  const own = (await hint(platform, '甲方专属客户')).find(i => i.exact);
  assert.deepEqual([own.id, own.visible, own.owner_name], [A.account.id, true, admin]);
  // another company's holder is never named: company B's own record answers
  const other = await bossB.post('/api/v1/accounts', { name: '甲方专属客户' });
  assertError(assert, other, 409, 'duplicate');
  assert.equal(other.json.error.message, '「客户名称」已存在相同的值，负责人：乙方管理员');
  assert.ok(!JSON.stringify(await hint(sellerB, '甲方专属客户')).includes(admin));
});

test('a suspended company\'s users are signed out and cannot sign in; reactivated, they can', async () => {
  assert.equal((await platform.patch(`/api/v1/companies/${B.company}`, { status: 'suspended' })).status, 200);
  assertError(assert, await sellerB.get('/api/v1/accounts'), 401);
  const login = await srv.request('POST', '/api/v1/session', { body: { username: 'seller_b', password: PW } });
  assertError(assert, login, 403, 'account_disabled');
  assert.equal((await sellerA.get('/api/v1/accounts')).status, 200, 'other companies go on');
  assert.equal((await platform.patch(`/api/v1/companies/${B.company}`, { status: 'active', name: '乙方贸易集团' })).status, 200);
  assertError(assert, await sellerB.get('/api/v1/accounts'), 401, 'unauthorized'); // signed out for good
  const again = await srv.client('seller_b', PW);
  assert.equal((await again.get('/api/v1/accounts')).status, 200);
  assert.equal((await platform.get(`/api/v1/companies/${B.company}`)).json.name, '乙方贸易集团');
});

test('custom fields are each company\'s own, in slot columns the companies share', async () => {
  const fieldNames = async who => (await who.get('/api/v1/metadata')).json.entities
    .find(e => e.name === 'accounts').fields.filter(f => f.name.startsWith('cf_')).map(f => f.name);
  const addField = (who, body) => who.post('/api/v1/metadata/entities/accounts/fields', body);
  bossB = await srv.client('boss_b', PW); // signed out by the suspension above
  sellerB = await srv.client('seller_b', PW);
  // company B's administrator adds B's field: only B has it
  const own = await addField(bossB, { label_zh: '乙方渠道', type: 'text', searchable: true });
  assert.equal(own.status, 201, own.text);
  assert.equal(own.json.name, 'cf_yifangqudao');
  assert.ok((await fieldNames(sellerB)).includes('cf_yifangqudao'));
  assert.ok(!(await fieldNames(platform)).includes('cf_yifangqudao'), 'company A has no such field');
  assertError(assert, await platform.post('/api/v1/accounts', { name: '甲方带字段', cf_yifangqudao: 'x' }), 422);
  // the platform's field is every company's; its name must be free in every company
  const shared = await addField(platform, { name: 'region', label_zh: '大区', type: 'text' });
  assert.equal(shared.status, 201, shared.text);
  assert.ok((await fieldNames(bossB)).includes('cf_region'));
  assertError(assert, await addField(platform, { name: 'yifangqudao', label_zh: '渠道', type: 'text' }), 409, 'duplicate');
  assertError(assert, await addField(bossB, { name: 'region', label_zh: '区域', type: 'text' }), 409, 'duplicate');
  // a third company's field of the same type takes the same slot column; values stay apart
  const c = await created(await platform.post('/api/v1/companies', {
    name: '庚方商贸有限公司', admin: { username: 'boss_g', name: '庚方管理员', password: PW } }));
  const bossC = await srv.client('boss_g', PW);
  assert.equal(bossC.user.company_id, c.id);
  const cField = await addField(bossC, { label_zh: '行业细分', type: 'picklist',
    options: [{ label_zh: '汽车' }, { label_zh: '医药' }] });
  assert.equal(cField.status, 201, cField.text);
  assert.deepEqual(cField.json.options.map(o => o.value), ['qiche', 'yiyao']);
  assert.ok(!(await fieldNames(bossB)).includes('cf_hangyexifen'));
  const b1 = await created(await bossB.post('/api/v1/accounts', { name: '乙方渠道客户', cf_yifangqudao: '华东经销' }));
  const c1 = await created(await bossC.post('/api/v1/accounts', { name: '丙方汽车客户', cf_hangyexifen: 'qiche', cf_region: '华北' }));
  assert.equal((await bossB.get(`/api/v1/accounts/${b1.id}`)).json.cf_yifangqudao, '华东经销');
  const readC = (await bossC.get(`/api/v1/accounts/${c1.id}`)).json;
  assert.equal(readC.cf_hangyexifen, 'qiche');
  assert.equal(readC.cf_region, '华北');
  assert.equal(readC.cf_yifangqudao, undefined, 'B\'s field is not C\'s');
  assertError(assert, await bossC.post('/api/v1/accounts', { name: '丙方错值', cf_hangyexifen: '华东经销' }), 422);
  // filter, sort and search on a company's field
  const f = await bossB.get(`/api/v1/accounts?filter=${filterParam({ field: 'cf_yifangqudao', op: 'eq', value: '华东经销' })}&sort=cf_yifangqudao`);
  assert.equal(f.status, 200, f.text);
  assert.deepEqual(names(f), ['乙方渠道客户']);
  assert.deepEqual(names(await bossB.get(`/api/v1/accounts?q=${encodeURIComponent('华东经销')}`)), ['乙方渠道客户']);
  assert.deepEqual(names(await bossC.get(`/api/v1/accounts?filter=${filterParam({ field: 'cf_hangyexifen', op: 'eq', value: 'qiche' })}`)), ['丙方汽车客户']);
  assertError(assert, await bossC.get(`/api/v1/accounts?filter=${filterParam({ field: 'cf_yifangqudao', op: 'eq', value: '华东经销' })}`), 400);
  // a profile of company B can hide B's own field
  const profileB = (await bossB.get('/api/v1/profiles')).json.items.find(p => !p.is_admin && p.name !== '管理员') ||
    (await bossB.get('/api/v1/profiles')).json.items[0];
  const hide = await bossB.patch(`/api/v1/profiles/${profileB.id}`,
    { field_access: { accounts: { cf_yifangqudao: 'hidden' } } });
  assert.equal(hide.status, 200, hide.text);
  const roleB = await created(await bossB.post('/api/v1/roles', { name: '乙方渠道专员', profile_ids: [profileB.id] }));
  assert.equal((await bossB.patch(`/api/v1/users/${sellerB.user.id}`, { role_id: roleB.id })).status, 200);
  const mine = await created(await sellerB.post('/api/v1/accounts', { name: '乙方销售的客户' }));
  assert.equal((await sellerB.get(`/api/v1/accounts/${mine.id}`)).json.cf_yifangqudao, undefined, 'hidden by the profile');
});
