// search_total_cap.test.mjs - a quick search counts its matches up to a
// cap (10,000; KEHU_SEARCH_TOTAL_CAP=5 here): beyond it `total` is the cap
// and `total_capped` is true, so a common word (科技 in 29 % of a million
// names) never costs a count of every match (issue 14, docs/api.md). The
// pages are not capped; a search at or under the cap, and every list
// without q, keep their exact total and no flag. With KEHU_WALK_MATCHES=3
// the common word is counted by testing each row's words (the capped
// count's plan at a million), and a pinyin query by its capped arms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, filterParam, BACKEND } from './harness.mjs';

const srv = new Server();
const PW = 'Capped#2026pass';
const CAP = 5;
let admin, rep;
const ok = r => { assert.equal(r.status, 200, r.text); return r.json; };
const created = r => { assert.equal(r.status, 201, r.text); return r.json; };
const q = s => encodeURIComponent(s);

before(async () => {
  await srv.start({ env: { KEHU_SEARCH_TOTAL_CAP: String(CAP), KEHU_WALK_MATCHES: '3' } });
  admin = await srv.client();
  const all = { view: true, create: true, edit: true, delete: true, export: true };
  const profile = created(await admin.post('/api/v1/profiles', { name: '销售', permissions: { accounts: all } }));
  const role = created(await admin.post('/api/v1/roles', { name: '销售代表', profile_ids: [profile.id] }));
  const repId = created(await admin.post('/api/v1/users', { username: 'rep', name: '代表', password: PW, role_id: role.id })).id;
  rep = await srv.client('rep', PW);
  // 12 names with 科技 (4 of them the salesperson's), 2 with 恒兴
  const SURNAMES = ['安', '白', '陈', '杜', '方', '高', '黄', '江', '李', '马', '宁', '潘', '秦', '任'];
  for (let k = 0; k < 14; k++) {
    const name = k < 12 ? `${SURNAMES[k]}达科技有限公司` : `${SURNAMES[k]}恒兴贸易有限公司`;
    created(await admin.post('/api/v1/accounts', { name, owner_id: k < 12 && k % 3 === 0 ? repId : admin.user.id }));
  }
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a search matching more than the cap: total is the cap, flagged; the pages are whole', async () => {
  const exact = ok(await admin.get(`/api/v1/accounts?limit=100&filter=${filterParam({ field: 'name', op: 'contains', value: '科技' })}`));
  assert.equal(exact.total, 12);
  assert.equal(exact.total_capped, undefined, 'a filter is counted exactly');
  for (const word of ['科技', 'keji']) {
    const all = ok(await admin.get(`/api/v1/accounts?q=${q(word)}&limit=100`));
    assert.equal(all.total, CAP, `${BACKEND} ${word}`);
    assert.equal(all.total_capped, true, word);
    assert.deepEqual(all.items.map(i => i.id).sort(), exact.items.map(i => i.id).sort(), `every match listed (${word})`);
    const later = ok(await admin.get(`/api/v1/accounts?q=${q(word)}&limit=4&offset=8`));
    assert.equal(later.items.length, 4, 'pages past the cap still come');
    assert.equal(later.total_capped, true);
  }
});

test('at or under the cap, and without a search, the total is exact and unflagged', async () => {
  const rare = ok(await admin.get(`/api/v1/accounts?q=${q('恒兴')}`));
  assert.equal(rare.total, 2);
  assert.equal(rare.total_capped, undefined);
  // the salesperson sees 4 of the 12: under the cap, counted exactly
  const mine = ok(await rep.get(`/api/v1/accounts?q=${q('科技')}&limit=100`));
  assert.equal(mine.total, 4);
  assert.equal(mine.items.length, 4);
  assert.equal(mine.total_capped, undefined);
  const plain = ok(await admin.get('/api/v1/accounts?limit=2'));
  assert.ok(plain.total >= 14, `${plain.total}`);
  assert.equal(plain.total_capped, undefined);
});

test('the cap is a lower bound that holds after writes', async () => {
  const before = ok(await admin.get(`/api/v1/accounts?q=${q('恒兴')}`));
  for (let k = 0; k < CAP; k++) created(await admin.post('/api/v1/accounts', { name: `${['周', '吴', '郑', '王', '冯'][k]}恒兴物流有限公司` }));
  const after = ok(await admin.get(`/api/v1/accounts?q=${q('恒兴')}`));
  assert.equal(before.total, 2);
  assert.equal(after.total, CAP);
  assert.equal(after.total_capped, true, 'seven matches now: past the cap at once');
});
