// pool.test.mjs - the public pool (公海) of customers: assign, claim and
// release, concurrent claims, visibility, and the owner history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const srv = new Server();
let admin, a, b;

before(async () => {
  await srv.start();
  srv.addUser('zhanghua', 'Zhang#2026pw', { name: '张华' });
  srv.addUser('lixin', 'LiXin#2026pw', { name: '李欣' });
  admin = await srv.client();
  a = await srv.client('zhanghua', 'Zhang#2026pw');
  b = await srv.client('lixin', 'LiXin#2026pw');
});
after(async () => { await srv.stop(); srv.cleanup(); });

const poolAccount = async (name) => {
  const r = await admin.post('/api/v1/accounts', { name });
  const p = await admin.post(`/api/v1/accounts/${r.json.id}/assign`, { owner_id: null });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.owner_id, null);
  return r.json.id;
};

test('everyone sees the pool; claiming makes a customer private to its new owner', async () => {
  const id = await poolAccount('公海客户甲有限公司');
  for (const u of [a, b]) {
    const list = (await u.get('/api/v1/accounts?pool=true')).json.items.map(i => i.id);
    assert.ok(list.includes(id));
    const mine = (await u.get('/api/v1/accounts')).json.items.map(i => i.id);
    assert.ok(!mine.includes(id), 'the pool is its own list');
    assert.equal((await u.get(`/api/v1/accounts/${id}`)).status, 200, 'but each pool record is readable');
  }
  assertError(assert, await a.get('/api/v1/contacts?pool=true'), 400, 'bad_param');
  const r = await a.post(`/api/v1/accounts/${id}/claim`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.owner_id, a.user.id);
  assert.equal(r.json.owner_name, '张华');
  assertError(assert, await b.get(`/api/v1/accounts/${id}`), 404);
  assertError(assert, await b.post(`/api/v1/accounts/${id}/claim`), 404);
  assertError(assert, await b.post(`/api/v1/accounts/${id}/release`), 404);
  const rel = await a.post(`/api/v1/accounts/${id}/release`);
  assert.equal(rel.status, 200, rel.text);
  assert.equal(rel.json.owner_id, null);
  assert.equal((await b.get(`/api/v1/accounts/${id}`)).status, 200);
  const h = (await admin.get(`/api/v1/accounts/${id}/history`)).json.items.filter(i => i.action === 'owner');
  assert.deepEqual(h.map(i => [i.old_value, i.new_value, i.changed_by_name]), [
    [String(a.user.id), null, '张华'], [null, String(a.user.id), '张华'], ['1', null, '系统管理员']]);
});

test('two users claim the same pool customer at once: exactly one wins', async () => {
  for (let round = 0; round < 5; round++) {
    const id = await poolAccount(`并发领取测试公司${round}`);
    const [ra, rb] = await Promise.all([a.post(`/api/v1/accounts/${id}/claim`), b.post(`/api/v1/accounts/${id}/claim`)]);
    const wins = [ra, rb].filter(r => r.status === 200);
    assert.equal(wins.length, 1, `${ra.status} ${ra.text} / ${rb.status} ${rb.text}`);
    const loser = ra.status === 200 ? rb : ra;
    assert.ok([404, 409].includes(loser.status), loser.text);
    const owner = (await admin.get(`/api/v1/accounts/${id}`)).json.owner_id;
    assert.equal(owner, wins[0].json.owner_id);
  }
});

// The condition itself, without a race: a claim takes a customer only while
// it has no owner. An administrator sees every customer, so only the
// condition stops them; on SQLite the concurrent test above runs the claims
// one after the other and could not tell.
test('claiming a customer that already has an owner is 409 owner_changed, for an administrator too', async () => {
  const id = await poolAccount('已有负责人领取测试公司');
  assert.equal((await b.post(`/api/v1/accounts/${id}/claim`)).status, 200);
  const before = (await admin.get(`/api/v1/accounts/${id}`)).json;
  assert.equal(before.owner_id, b.user.id);
  assertError(assert, await admin.post(`/api/v1/accounts/${id}/claim`), 409, 'owner_changed');
  assertError(assert, await b.post(`/api/v1/accounts/${id}/claim`), 409, 'owner_changed');
  const after = (await admin.get(`/api/v1/accounts/${id}`)).json;
  assert.equal(after.owner_id, b.user.id, 'the owner stays');
  assert.equal(after.version, before.version, 'nothing was written');
  const owners = (await admin.get(`/api/v1/accounts/${id}/history`)).json.items.filter(i => i.action === 'owner');
  assert.equal(owners.length, 2, 'released to the pool, then claimed by 李欣; no third change');
  // A customer an administrator owns is not in the pool either.
  const own = (await admin.post('/api/v1/accounts', { name: '管理员自己的客户公司' })).json;
  assertError(assert, await admin.post(`/api/v1/accounts/${own.id}/claim`), 409, 'owner_changed');
  // From the pool the same claim succeeds.
  const free = await poolAccount('管理员领取公海客户公司');
  const r = await admin.post(`/api/v1/accounts/${free}/claim`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.owner_id, admin.user.id);
});

test('only administrators assign; the new owner must be an active user', async () => {
  const id = await poolAccount('分配测试有限公司');
  assertError(assert, await a.post(`/api/v1/accounts/${id}/assign`, { owner_id: a.user.id }), 403, 'forbidden');
  const r = await admin.post(`/api/v1/accounts/${id}/assign`, { owner_id: b.user.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.owner_name, '李欣');
  assertError(assert, await admin.post(`/api/v1/accounts/${id}/assign`, { owner_id: 424242 }), 422);
  assertError(assert, await admin.post(`/api/v1/accounts/${id}/assign`, { owner_id: 'b' }), 422);
  assertError(assert, await admin.post(`/api/v1/accounts/${id}/assign`, {}), 422);
  assertError(assert, await a.post(`/api/v1/accounts/${id}/claim`), 404, 'not_found');
  const c = await admin.post('/api/v1/contacts', { name: '非公海联系人' });
  assertError(assert, await a.post(`/api/v1/contacts/${c.json.id}/claim`), 404);
  assertError(assert, await admin.post(`/api/v1/contacts/${c.json.id}/assign`, { owner_id: null }), 422);
});
