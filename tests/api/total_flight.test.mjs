// total_flight.test.mjs - a list's total is counted once however many ask
// at once, and a capped search total survives writes (issue 14,
// src/entity/total_cache.h, docs/engine.md "Totals"). X-Kehu-Total says
// how a request had its total: counted, kept, or shared (it waited for a
// concurrent request's count). The server starts a claimed count 200 ms
// late (KEHU_TEST_TOTAL_DELAY_MS), so a burst surely overlaps it on a
// company this small, and caps search totals at 5 (KEHU_SEARCH_TOTAL_CAP).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, BACKEND, created, ok } from './harness.mjs';

const srv = new Server();
const PW = 'Flight#2026pass';
const CAP = 5;
const BURST = 8;
const NODES = Number(process.env.KEHU_TEST_NODES || 1); // the harness's cluster of nodes (KEHU_TEST_NODES=3)
const q = s => encodeURIComponent(s);
let admin, rep, repId;
const mine = []; // the administrator's 科技 accounts

before(async () => {
  await srv.start({ env: { KEHU_SEARCH_TOTAL_CAP: String(CAP), KEHU_TEST_TOTAL_DELAY_MS: '200' } });
  admin = await srv.client();
  const all = { view: true, create: true, edit: true, delete: true, export: true };
  const profile = created(await admin.post('/api/v1/profiles', { name: '销售', permissions: { accounts: all } }));
  const role = created(await admin.post('/api/v1/roles', { name: '销售代表', profile_ids: [profile.id] }));
  repId = created(await admin.post('/api/v1/users', { username: 'rep', name: '代表', password: PW, role_id: role.id })).id;
  rep = await srv.client('rep', PW);
  // 12 names with 科技, 3 of them the salesperson's; 2 with 恒兴
  const SURNAMES = ['安', '白', '陈', '杜', '方', '高', '黄', '江', '李', '马', '宁', '潘'];
  for (let k = 0; k < 12; k++) {
    const r = created(await admin.post('/api/v1/accounts', { name: `${SURNAMES[k]}达科技有限公司`, owner_id: k % 4 === 0 ? repId : admin.user.id }));
    if (k % 4) mine.push(r.id);
  }
  for (const s of ['秦', '任']) created(await admin.post('/api/v1/accounts', { name: `${s}恒兴贸易有限公司` }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

// BURST requests of path at once: the first starts the count, the others come while it runs
async function burst(cl, path) {
  const first = cl.get(path);
  await new Promise(r => setTimeout(r, 50));
  const answers = await Promise.all([first, ...Array.from({ length: BURST - 1 }, () => cl.get(path))]);
  for (const r of answers) assert.equal(r.status, 200, r.text);
  const sources = answers.map(r => r.headers.get('x-kehu-total'));
  const counted = sources.filter(s => s === 'counted').length;
  // one count per server process: through nginx in front of NODES nodes, each may count once
  assert.ok(counted >= 1 && counted <= NODES, `one count per process: ${sources}`);
  if (NODES === 1) assert.ok(sources.includes('shared'), `a request that came during it waited for it: ${sources}`);
  assert.equal(sources.filter(s => s === 'shared' || s === 'kept').length, BURST - counted, String(sources));
  assert.equal(new Set(answers.map(r => r.json.total)).size, 1, 'every request got the same total');
  return answers[0].json;
}

test('concurrent first requests of a total count it once, and again once after a write', async () => {
  const path = `/api/v1/accounts?q=${q('恒兴')}&limit=1`;
  assert.equal((await burst(admin, path)).total, 2);
  assert.equal((await admin.get(path)).headers.get('x-kehu-total'), 'kept');
  created(await admin.post('/api/v1/accounts', { name: '周恒兴物流有限公司' }));
  assert.equal((await burst(admin, path)).total, 3, 'the write is counted, by one request');
  // a filter's total the same
  const f = encodeURIComponent(JSON.stringify({ field: 'name', op: 'contains', value: '恒兴' }));
  assert.equal((await burst(admin, `/api/v1/accounts?filter=${f}&limit=1`)).total, 3);
  // a list kept per owner counts nothing: no header
  assert.equal((await admin.get('/api/v1/accounts?limit=1')).headers.get('x-kehu-total'), null);
});

test('a capped total stays capped across a write, while a small total moves at once; the flag never outlives the cap', async () => {
  const path = `/api/v1/accounts?q=${q('科技')}&limit=100`;
  let r = await admin.get(path);
  assert.deepEqual([r.json.total, r.json.total_capped, r.json.items.length], [CAP, true, 12]);
  assert.equal((await rep.get(path)).json.total, 3);
  // the salesperson writes a 科技 account: his own total (exact, under the cap) moves at once ...
  created(await rep.post('/api/v1/accounts', { name: '任达科技有限公司' }));
  const small = await rep.get(path);
  assert.deepEqual([small.json.total, small.json.total_capped, small.json.items.length], [4, undefined, 4]);
  assert.equal(small.headers.get('x-kehu-total'), 'counted');
  // ... and the administrator's capped one is still right, served without a count (SQLite: on
  // PostgreSQL the change stamp of every write is in the key, as another node's writes are)
  r = await admin.get(path);
  assert.deepEqual([r.json.total, r.json.total_capped, r.json.items.length], [CAP, true, 13]);
  if (BACKEND === 'sqlite' && NODES === 1) assert.equal(r.headers.get('x-kehu-total'), 'kept', 'no recount after a write');
  // deletes bring the matches down to the cap: the total is exact and unflagged once they may be
  let left = 13;
  for (const id of mine) {
    if (left === CAP) break;
    assert.equal((await admin.del(`/api/v1/accounts/${id}`)).status, 204);
    left--;
    r = await admin.get(path);
    assert.equal(r.json.items.length, left);
    assert.equal(r.json.total, Math.min(left, CAP), `${left} left`);
    assert.equal(r.json.total_capped, left > CAP ? true : undefined, `${left} left: ${r.headers.get('x-kehu-total')}`);
  }
  assert.equal(left, CAP);
  const rest = ok(await admin.get(path));
  assert.deepEqual([rest.total, rest.total_capped], [CAP, undefined]);
});
