// team_list.test.mjs - a manager's list in name order (issue 14): the team's
// records are read per owner from the owner index and merged
// (entity_read.c merged_owner_page). Every page must be exactly the page
// the plain plan gives: the same records in the same order at every
// offset, nothing of another team, the recycle bin or the public pool, and
// the same total; a search, a filter or another sort still answer as
// before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, filterParam, ok, created } from './harness.mjs';

const srv = new Server();
const PW = 'Team#2026pass';
let admin, boss, rep1;
const team = [];
// names that interleave across owners in pinyin order, with ties on the name
const SURNAMES = ['安', '白', '陈', '杜', '方', '高', '黄', '江', '李', '马', '宁', '潘', '秦', '孙', '王', '张'];

before(async () => {
  await srv.start();
  admin = await srv.client();
  const all = { view: true, create: true, edit: true, delete: true, export: true };
  const profile = created(await admin.post('/api/v1/profiles', { name: '销售', permissions: { accounts: all } }));
  const bossRole = created(await admin.post('/api/v1/roles', { name: '销售经理', profile_ids: [profile.id] }));
  const repRole = created(await admin.post('/api/v1/roles', { name: '销售代表', parent_id: bossRole.id, profile_ids: [profile.id] }));
  const otherRole = created(await admin.post('/api/v1/roles', { name: '另一组', profile_ids: [profile.id] }));
  created(await admin.post('/api/v1/users', { username: 'boss', name: '赵经理', password: PW, role_id: bossRole.id }));
  for (let i = 1; i <= 3; i++)
    team.push(created(await admin.post('/api/v1/users', { username: `rep${i}`, name: `代表${i}`, password: PW, role_id: repRole.id })));
  const outsider = created(await admin.post('/api/v1/users', { username: 'other', name: '外组', password: PW, role_id: otherRole.id }));
  boss = await srv.client('boss', PW);
  rep1 = await srv.client('rep1', PW);
  const bossId = ok(await boss.get('/api/v1/session')).user.id;
  // 3 reps × 20, the manager's own 6, and records the manager must not see
  let k = 0;
  for (const [owner, count] of [...team.map(u => [u.id, 20]), [bossId, 6], [outsider.id, 10], [null, 5]]) {
    for (let i = 0; i < count; i++, k++) {
      const name = `${SURNAMES[(k * 7) % SURNAMES.length]}氏${['贸易', '科技', '机电'][k % 3]}有限公司${k % 4 === 0 ? '' : k}`;
      const body = { name: name + (owner === null ? '（公海）' : ''), owner_id: owner };
      if (k % 4 === 0) body.name = `${name}${owner ?? 'p'}-${i}`; // unique names, some sharing a prefix
      created(await admin.post('/api/v1/accounts', body));
    }
  }
  // one of the team's in the recycle bin
  const gone = ok(await rep1.get('/api/v1/accounts?limit=1')).items[0];
  assert.equal((await rep1.del(`/api/v1/accounts/${gone.id}`)).status, 204);
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('every page of the manager\'s list in name order is the plain plan\'s page', async () => {
  const owners = [...team.map(u => u.id), ok(await boss.get('/api/v1/session')).user.id];
  const filter = filterParam({ field: 'owner_id', op: 'in', value: owners });
  // the administrator sees everyone: the plain plan, restricted to the team by a filter
  const expected = ok(await admin.get(`/api/v1/accounts?filter=${filter}&sort=name&limit=200`));
  assert.equal(expected.total, 65);
  for (const [offset, limit] of [[0, 10], [0, 50], [7, 13], [30, 25], [60, 10], [64, 50], [65, 5], [200, 10]]) {
    for (const sort of ['', '&sort=name']) {
      const page = ok(await boss.get(`/api/v1/accounts?limit=${limit}&offset=${offset}${sort}`));
      assert.equal(page.total, 65);
      assert.deepEqual(page.items.map(x => x.id), expected.items.slice(offset, offset + limit).map(x => x.id), `offset ${offset} limit ${limit}${sort}`);
    }
  }
});

test('a salesperson, a search, a filter and other sorts answer as before', async () => {
  const mine = ok(await rep1.get('/api/v1/accounts?limit=100'));
  assert.equal(mine.total, 19);
  const q = encodeURIComponent('科技');
  const searched = ok(await boss.get(`/api/v1/accounts?q=${q}&limit=100`));
  assert.ok(searched.items.length > 0 && searched.items.every(x => x.name.includes('科技')));
  assert.equal(searched.total, searched.items.length);
  const desc = ok(await boss.get('/api/v1/accounts?sort=-name&limit=100')).items.map(x => x.id);
  const asc = ok(await boss.get('/api/v1/accounts?limit=100')).items.map(x => x.id);
  assert.equal(desc.length, 65);
  assert.deepEqual(new Set(desc), new Set(asc));
});
