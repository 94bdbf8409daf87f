// common_word.test.mjs - a search for a word in many names (科技 in 29 %
// of a million) walks the list's index and asks the word index about
// each row (entity_read.c common_word_walk), and a filter many rows pass
// sorted by updated_at walks that index checking the filter (filter_walk).
// KEHU_WALK_MATCHES=3 makes a few rows "many" here: every page must be the
// page of the plain plan, for the administrator and a salesperson (never
// another's records, nothing of the recycle bin), with the exact total.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, filterParam, BACKEND, ok, created } from './harness.mjs';

const srv = new Server();
const PW = 'Word#2026pass';
let admin, rep;
const SURNAMES = ['安', '白', '陈', '杜', '方', '高', '黄', '江', '李', '马', '宁', '潘'];

before(async () => {
  await srv.start({ env: { KEHU_WALK_MATCHES: '3' } });
  admin = await srv.client();
  const all = { view: true, create: true, edit: true, delete: true, export: true };
  const profile = created(await admin.post('/api/v1/profiles', { name: '销售', permissions: { accounts: all } }));
  const role = created(await admin.post('/api/v1/roles', { name: '销售代表', profile_ids: [profile.id] }));
  const repId = created(await admin.post('/api/v1/users', { username: 'rep', name: '代表', password: PW, role_id: role.id })).id;
  rep = await srv.client('rep', PW);
  for (let k = 0; k < 48; k++) {
    const trade = ['科技', '贸易', '机电'][k % 3];
    const acc = created(await admin.post('/api/v1/accounts', {
      name: `${SURNAMES[(k * 5) % SURNAMES.length]}${k}${trade}有限公司`, city: k % 4 ? '南京' : '上海', owner_id: k % 2 ? repId : admin.user.id,
    }));
    if (k % 7 === 0) assert.equal((await admin.del(`/api/v1/accounts/${acc.id}`)).status, 204);
  }
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('pages of a common word are the pages of a filter on the name, for every user and sort', async () => {
  const filter = filterParam({ field: 'name', op: 'contains', value: '科技' });
  for (const cl of [admin, rep]) {
    for (const sort of ['', '&sort=name', '&sort=-updated_at', '&sort=updated_at']) {
      const expected = ok(await cl.get(`/api/v1/accounts?limit=100&filter=${filter}${sort}`));
      assert.ok(expected.total >= 6, `${expected.total}`);
      for (const [offset, limit] of [[0, 5], [3, 4], [0, 100], [expected.total - 1, 5]]) {
        const page = ok(await cl.get(`/api/v1/accounts?q=${encodeURIComponent('科技')}&limit=${limit}&offset=${offset}${sort}`));
        assert.equal(page.total, expected.total);
        assert.deepEqual(page.items.map(i => i.id), expected.items.slice(offset, offset + limit).map(i => i.id),
          `${BACKEND} ${sort} offset ${offset}`);
      }
    }
  }
  const mine = ok(await rep.get(`/api/v1/accounts?q=${encodeURIComponent('科技')}&limit=100`));
  assert.ok(mine.items.every(i => i.owner_id === mine.items[0].owner_id), 'a salesperson finds his own only');
});

test('a filter sorted by updated_at gives the plain plan\'s pages', async () => {
  const filter = filterParam({ field: 'city', op: 'eq', value: '南京' });
  // one record edited, so updated_at is not the order of creation
  const some = ok(await admin.get(`/api/v1/accounts?limit=1&filter=${filter}`)).items[0];
  ok(await admin.patch(`/api/v1/accounts/${some.id}`, { phone: '025-1' }));
  for (const cl of [admin, rep]) {
    for (const [sort, plain] of [['-updated_at', '-updated_at,-id'], ['updated_at', 'updated_at,id']]) {
      const expected = ok(await cl.get(`/api/v1/accounts?limit=100&filter=${filter}&sort=${plain}`));
      assert.ok(expected.total >= 10, `${expected.total}`);
      for (const [offset, limit] of [[0, 5], [4, 3], [0, 100]]) {
        const page = ok(await cl.get(`/api/v1/accounts?filter=${filter}&sort=${sort}&limit=${limit}&offset=${offset}`));
        assert.equal(page.total, expected.total);
        assert.deepEqual(page.items.map(i => i.id), expected.items.slice(offset, offset + limit).map(i => i.id), `${sort} ${offset}`);
      }
    }
  }
});
