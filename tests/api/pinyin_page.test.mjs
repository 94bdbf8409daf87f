// pinyin_page.test.mjs - a pinyin query sorted by name (q=beijing: 2.5 %
// of a million names start with 北京) reads its page as one ordered UNION
// ALL of three disjoint arms (the full pinyin's range, the initials' range,
// the word index) and counts it as the sum of the arms (entity_read.c
// pinyin_arms). Every page and total must be the plain plan's: the export
// (which always reads the plain WHERE and ORDER BY) and the list sorted by
// "name,id" (the same order, which the arms do not serve) are the oracles,
// for the administrator, a manager over a salesperson, and the
// salesperson, who cannot see a searchable field (the word-index arm then
// also needs a visible field holding the word). Twice: with the word arm
// read from the word index, and (KEHU_WALK_MATCHES=3) walked in name order
// testing each row's words, as for a word in many names (keji).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, filterParam, BACKEND, ok, created } from './harness.mjs';

const PW = 'Pinyin#2026pass';

// Full pinyin beijing…, initials bj… (白金 baijin, 宝鸡 baoji, 北极 beiji),
// 北京 inside a name (a search word "beijing"), Latin names in two arms at
// once (py_full and a search word), and names that match nothing.
const STARTS = ['北京', '白金', '宝鸡', '北极', '上海北京路', '南京', 'Beijing ', 'BJ '];
const ENDS = ['安邦科技', '奥派信息', '百度网讯', '金融服务', '安保物流', '北京贸易'];

for (const walk of ['', '3']) {
  describe(walk ? 'the word arm walked in name order' : 'the word arm read from the word index', () => {
    const srv = new Server();
    let admin, boss, rep;
    before(async () => {
      await srv.start({ env: walk ? { KEHU_WALK_MATCHES: walk } : {} });
      admin = await srv.client();
      const all = { view: true, create: true, edit: true, delete: true, export: true };
      const open = created(await admin.post('/api/v1/profiles', { name: '经理', permissions: { accounts: all } }));
      const hiding = created(await admin.post('/api/v1/profiles', {
        name: '代表', permissions: { accounts: all }, field_access: { accounts: { short_name: 'hidden' } },
      }));
      const bossRole = created(await admin.post('/api/v1/roles', { name: '销售经理', profile_ids: [open.id] }));
      const repRole = created(await admin.post('/api/v1/roles', { name: '销售代表', parent_id: bossRole.id, profile_ids: [hiding.id] }));
      const bossId = created(await admin.post('/api/v1/users', { username: 'boss', name: '经理', password: PW, role_id: bossRole.id })).id;
      const repId = created(await admin.post('/api/v1/users', { username: 'rep', name: '代表', password: PW, role_id: repRole.id })).id;
      boss = await srv.client('boss', PW);
      rep = await srv.client('rep', PW);
      const owners = [admin.user.id, repId, bossId];
      let k = 0;
      for (const start of STARTS) {
        for (const end of ENDS) {
          const acc = created(await admin.post('/api/v1/accounts', {
            name: `${start}${end}${k}`, owner_id: owners[k % 3], city: k % 2 ? '北京' : '上海',
            // a hidden word: found by the administrator and the manager only
            short_name: k % 5 === 0 ? 'beijing bj' : null,
          }));
          if (k % 7 === 3) assert.equal((await admin.del(`/api/v1/accounts/${acc.id}`)).status, 204);
          k++;
        }
      }
    });
    after(async () => { await srv.stop(); srv.cleanup(); });

    async function exported(cl, query) {
      const res = await fetch(`${srv.base}/api/v1/accounts/export?format=csv&fields=name&${query}`,
        { headers: { Authorization: `Bearer ${cl.token}` } });
      assert.equal(res.status, 200);
      const lines = (await res.text()).replace(/^\uFEFF/, '').split('\r\n').filter(l => l !== '');
      return lines.slice(1).map(l => l.replace(/^"|"$/g, ''));
    }

    const QUERIES = ['beijing', 'Beijing', 'bj', 'bjab', 'beijinganbang', 'bei', 'ba', 'anbang', 'zzq'];

    test('pages and totals of pinyin queries in name order are the plain plan\'s, for every user', async () => {
      for (const [who, cl] of [['admin', admin], ['boss', boss], ['rep', rep]]) {
        for (const q of QUERIES) {
          for (const [sort, plain] of [['', 'name,id'], ['name', 'name,id'], ['-name', '-name,-id']]) {
            const expected = await exported(cl, `q=${q}&sort=${plain}`);
            const whole = ok(await cl.get(`/api/v1/accounts?q=${q}&limit=200&sort=${plain}`));
            assert.deepEqual(whole.items.map(i => i.name), expected, `${BACKEND} ${who} q=${q} plain list = export`);
            const n = expected.length;
            for (const [offset, limit] of [[0, 5], [2, 3], [0, 200], [Math.max(n - 1, 0), 5], [n + 2, 5]]) {
              const page = ok(await cl.get(`/api/v1/accounts?q=${q}&limit=${limit}&offset=${offset}${sort ? `&sort=${sort}` : ''}`));
              assert.equal(page.total, n, `${BACKEND} ${who} q=${q} sort=${sort} total`);
              assert.deepEqual(page.items.map(i => i.name), expected.slice(offset, offset + limit),
                `${BACKEND} ${who} q=${q} sort=${sort} offset ${offset} limit ${limit}`);
            }
          }
        }
      }
      // what the arms find, said plainly
      const names = ok(await admin.get('/api/v1/accounts?q=bjab&limit=200')).items.map(i => i.name);
      assert.ok(names.length > 0 && names.every(n => /^(北京|白金|宝鸡|北极|BJ )安/.test(n)), names.join());
      const mine = ok(await rep.get('/api/v1/accounts?q=beijing&limit=200'));
      assert.ok(mine.items.length > 0 && mine.items.every(i => i.owner_id === rep.user.id), 'a salesperson finds his own only');
      const middle = ok(await admin.get('/api/v1/accounts?q=beijing&limit=200')).items.map(i => i.name);
      assert.ok(middle.some(n => n.startsWith('上海北京路')), 'a search word inside the name');
      assert.ok(middle.some(n => n.startsWith('南京') && !n.includes('北京')), 'a hidden field\'s word, for the administrator');
      const repMiddle = ok(await rep.get('/api/v1/accounts?q=beijing&limit=200')).items.map(i => i.name);
      assert.ok(!repMiddle.some(n => n.startsWith('南京') && !n.includes('北京')), 'never through a field hidden from him');
    });

    test('with a filter, the A-Z bar, and in the recycle bin', async () => {
      const city = filterParam({ field: 'city', op: 'eq', value: '北京' });
      for (const [who, cl] of [['admin', admin], ['boss', boss]]) {
        for (const [extra, label] of [[`&filter=${city}`, 'filter'], ['&initial=b', 'initial'], ['&deleted=true', 'bin']]) {
          for (const q of ['beijing', 'bj']) {
            const expected = await exported(cl, `q=${q}&sort=name,id${extra}`);
            assert.ok(label === 'initial' || expected.length > 0, `${who} ${label} q=${q} finds some`);
            for (const [offset, limit] of [[0, 4], [1, 2], [0, 200]]) {
              const page = ok(await cl.get(`/api/v1/accounts?q=${q}&sort=name&limit=${limit}&offset=${offset}${extra}`));
              assert.equal(page.total, expected.length, `${BACKEND} ${who} ${label} q=${q} total`);
              assert.deepEqual(page.items.map(i => i.name), expected.slice(offset, offset + limit), `${BACKEND} ${who} ${label} q=${q} ${offset}`);
            }
          }
        }
      }
    });

    test('the pages follow writes: a rename into and out of the range, a delete and a restore', async () => {
      const before = ok(await admin.get('/api/v1/accounts?q=beijing&sort=name&limit=200'));
      const nanjing = ok(await admin.get(`/api/v1/accounts?q=${encodeURIComponent('南京金融')}&limit=1`)).items[0];
      ok(await admin.patch(`/api/v1/accounts/${nanjing.id}`, { name: '北京改名金融' }));
      const renamed = ok(await admin.get('/api/v1/accounts?q=beijing&sort=name&limit=200'));
      assert.equal(renamed.total, before.total + (before.items.some(i => i.id === nanjing.id) ? 0 : 1));
      assert.ok(renamed.items.some(i => i.id === nanjing.id));
      const first = renamed.items[0];
      assert.equal((await admin.del(`/api/v1/accounts/${first.id}`)).status, 204);
      const gone = ok(await admin.get('/api/v1/accounts?q=beijing&sort=name&limit=1'));
      assert.equal(gone.total, renamed.total - 1);
      assert.notEqual(gone.items[0].id, first.id);
      ok(await admin.post(`/api/v1/accounts/${first.id}/restore`));
      const back = ok(await admin.get('/api/v1/accounts?q=beijing&sort=name&limit=1'));
      assert.equal(back.total, renamed.total);
      assert.equal(back.items[0].id, first.id);
      assert.deepEqual(back.items.map(i => i.name), (await exported(admin, 'q=beijing&sort=name')).slice(0, 1));
    });
  });
}
