// processes.test.mjs - several `kehu serve` processes on one database (one
// SQLite file, or one PostgreSQL database with KEHU_TEST_DB=postgres) see
// each other's changes in time, as docs/api.md promises: a record written in
// one is read at once in the other, a list's total follows within the
// documented 2 seconds, and a sharing change applies within a second.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Server, filterParam } from './harness.mjs';

const one = new Server(), two = new Server();
let a, b;

before(async () => {
  await one.start();
  await two.start({ db: one.db, dir: one.dir });
  a = await one.client();
  b = await two.client();
});

// Asks until the answer is what we want or the deadline passes; answers the
// last value. Waiting on the condition, not a fixed sleep, keeps it quick.
async function within(ms, ask, want) {
  const end = Date.now() + ms;
  let v;
  do {
    v = await ask();
    if (want(v)) return v;
    await new Promise(ok => setTimeout(ok, 50));
  } while (Date.now() < end);
  return ask();
}

test('a record written in one process is read at once in the other, both ways', async () => {
  const r = await a.post('/api/v1/accounts', { name: '两进程甲有限公司', city: '南京' });
  assert.equal(r.status, 201, r.text);
  const seen = await b.get(`/api/v1/accounts/${r.json.id}`);
  assert.equal(seen.status, 200, seen.text);
  assert.equal(seen.json.city, '南京');
  const p = await b.patch(`/api/v1/accounts/${r.json.id}`, { city: '苏州' });
  assert.equal(p.status, 200, p.text);
  assert.equal((await a.get(`/api/v1/accounts/${r.json.id}`)).json.city, '苏州');
  const q = await a.get(`/api/v1/accounts?q=${encodeURIComponent('两进程甲')}`);
  assert.deepEqual(q.json.items.map(i => i.city), ['苏州'], 'the search words follow the other process\'s write');
});

test('a list total follows a write in the other process within 2 seconds', async () => {
  const path = `/api/v1/accounts?limit=1&filter=${filterParam({ field: 'city', op: 'eq', value: '总数城' })}`;
  const total = async () => (await b.get(path)).json.total;
  assert.equal(await total(), 0);
  assert.equal(await total(), 0, 'now cached in the second process');
  for (let i = 0; i < 3; i++) assert.equal((await a.post('/api/v1/accounts', { name: `两进程总数${i}公司`, city: '总数城' })).status, 201);
  const t0 = Date.now();
  assert.equal(await within(2000, total, n => n === 3), 3, 'the total is stale longer than 2 s');
  assert.ok(Date.now() - t0 < 4000);
  // and a delete in the other direction
  const ids = (await a.get(path.replace('limit=1', 'limit=10'))).json.items.map(i => i.id);
  assert.equal((await b.del(`/api/v1/accounts/${ids[0]}`)).status, 204);
  const atotal = async () => (await a.get(path)).json.total;
  assert.equal(await within(2000, atotal, n => n === 2), 2);
});

test('a sharing change in one process applies in the other within a second', async () => {
  const user = (await a.post('/api/v1/users', { username: 'twoproc', name: '两进程用户', password: 'TwoP#2026pw' })).json;
  assert.ok(user.id);
  const other = (await a.post('/api/v1/accounts', { name: '两进程共享测试公司' })).json;
  const u2 = await two.client('twoproc', 'TwoP#2026pw');
  assert.equal((await u2.get(`/api/v1/accounts/${other.id}`)).status, 404, 'private: not seen');
  const put = await a.req('PUT', '/api/v1/sharing', { body: { accounts: 'public_read' } });
  assert.equal(put.status, 200, put.text);
  const status = async () => (await u2.get(`/api/v1/accounts/${other.id}`)).status;
  assert.equal(await within(1000, status, s => s === 200), 200, 'public_read not applied in the other process within 1 s');
  await a.req('PUT', '/api/v1/sharing', { body: { accounts: 'private' } });
  assert.equal(await within(1000, status, s => s === 404), 404);
});
