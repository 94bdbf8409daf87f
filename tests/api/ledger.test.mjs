// ledger.test.mjs - append-only ledgers (metadata "immutable"), shown on
// 收款单 (receipts): records are created and never changed; a correction is
// a reversing entry; balances per customer stay exact through many inserts,
// reversals and concurrent writers, and are read without scanning.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './harness.mjs';

const srv = new Server();
let admin;

before(async () => { await srv.start(); admin = await srv.client(); });
after(async () => { await srv.stop(); srv.cleanup(); });

const account = async name => {
  const r = await admin.post('/api/v1/accounts', { name });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const receipt = async (account_id, amount, extra = {}) => {
  const r = await admin.post('/api/v1/receipts', { account_id, amount, method: 'transfer', ...extra });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const balance = async accountId => {
  const r = await admin.get(`/api/v1/receipts/balances?name=by_account&account_id=${accountId}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items[0];
};
// exact 分 from the JSON number the API answers (two decimals at most)
const fen = n => BigInt(Math.round(Number(n) * 100));

test('the metadata says a ledger: no edit or delete offered, its reversal and balances', async () => {
  const m = (await admin.get('/api/v1/metadata')).json.entities.find(e => e.name === 'receipts');
  assert.equal(m.immutable, true);
  assert.equal(m.permissions.create, true);
  assert.equal(m.permissions.edit, false);
  assert.equal(m.permissions.delete, false);
  assert.deepEqual(m.reversal, { negate: ['amount'], link: 'reverses_id' });
  assert.deepEqual(m.balances.map(b => [b.name, b.group_by, b.sum]), [['by_account', ['account_id'], ['amount']]]);
  assert.equal(m.balances[0].label_zh, '客户收款余额');
  assert.deepEqual(m.fields.find(f => f.name === 'method').options.map(o => o.label_zh), ['现金', '银行转账', '支票', '承兑汇票']);
});

test('a receipt is never updated, deleted, restored, merged, mass-updated or import-updated', async () => {
  const acc = await account('账本不可改有限公司');
  const r1 = await receipt(acc.id, 100), r2 = await receipt(acc.id, 200);
  assert.match(r1.code, /^SK-\d{6}$/);
  const refused = res => {
    assertError(assert, res, 422, 'immutable');
    assert.match(res.json.error.message, /冲销/);
  };
  refused(await admin.patch(`/api/v1/receipts/${r1.id}`, { note: '改一下' }));
  refused(await admin.del(`/api/v1/receipts/${r1.id}`));
  refused(await admin.post(`/api/v1/receipts/${r1.id}/restore`));
  refused(await admin.post('/api/v1/receipts/merge', { target_id: r1.id, source_ids: [r2.id] }));
  refused(await admin.post('/api/v1/receipts/mass-update', { ids: [r1.id, r2.id], values: { note: '批量' } }));
  refused(await admin.req('POST', '/api/v1/receipts/import?wait=true&duplicates=update',
    { raw: `收款单号,收款金额\n${r1.code},999\n`, headers: { 'Content-Type': 'text/csv; charset=utf-8' } }));
  const en = await admin.patch(`/api/v1/receipts/${r1.id}`, { note: 'x' }, { headers: { 'Accept-Language': 'en' } });
  assert.match(en.json.error.message, /append-only ledger/);
  // nothing changed, and a client cannot forge a reversal link
  const now = (await admin.get(`/api/v1/receipts/${r1.id}`)).json;
  assert.equal(now.version, 1);
  assert.equal(now.note, null);
  const forged = await admin.post('/api/v1/receipts', { account_id: acc.id, amount: -100, reverses_id: r1.id });
  assertError(assert, forged, 422, 'validation_failed');
  assert.equal(forged.json.error.fields.reverses_id, 'read_only');
  assertError(assert, await admin.post('/api/v1/receipts', { account_id: acc.id }), 422, 'validation_failed');
});

test('a correction is a reversing entry, once, and its amount cannot be chosen', async () => {
  const acc = await account('冲销测试有限公司');
  const r = await receipt(acc.id, 5000.25, { received_on: '2026-11-30', note: '首付款' });
  assertError(assert, await admin.post(`/api/v1/receipts/${r.id}/reverse`, { amount: 1 }), 422, 'validation_failed');
  const rev = await admin.post(`/api/v1/receipts/${r.id}/reverse`, { note: '录错客户，冲销' });
  assert.equal(rev.status, 201, rev.text);
  assert.equal(rev.json.amount, -5000.25);
  assert.equal(rev.json.reverses_id, r.id);
  assert.equal(rev.json.reverses_name, r.code);
  assert.equal(rev.json.account_id, acc.id);
  assert.equal(rev.json.received_on, '2026-11-30');
  assert.equal(rev.json.note, '录错客户，冲销');
  assert.notEqual(rev.json.code, r.code);
  assertError(assert, await admin.post(`/api/v1/receipts/${r.id}/reverse`), 409, 'already_reversed');
  assertError(assert, await admin.post(`/api/v1/receipts/${rev.json.id}/reverse`), 422, 'not_reversible');
  assertError(assert, await admin.post('/api/v1/receipts/999999/reverse'), 404, 'not_found');
  assertError(assert, await admin.post(`/api/v1/accounts/${acc.id}/reverse`), 422, 'not_reversible');
  const b = await balance(acc.id);
  assert.equal(b.amount, 0);
  assert.equal(b.entries, 2);
  // two reversals at once: exactly one wins
  const r2 = await receipt(acc.id, 10);
  const both = await Promise.all([1, 2].map(() => admin.post(`/api/v1/receipts/${r2.id}/reverse`)));
  assert.deepEqual(both.map(x => x.status).sort(), [201, 409]);
  assert.equal((await balance(acc.id)).amount, 0);
});

test('冲销 is the ledger\'s declared action: the record page offers it and it reverses like the route', async () => {
  const acc = await account('冲销操作测试有限公司');
  const r = await receipt(acc.id, 88.8);
  const meta = (await admin.get('/api/v1/metadata')).json.entities.find(e => e.name === 'receipts');
  const act = meta.actions.find(a => a.name === 'reverse');
  assert.equal(act.label.zh, '冲销');
  assert.equal(act.permitted, true);
  assert.ok(act.confirm);
  const done = await admin.post(`/api/v1/receipts/${r.id}/actions/reverse`, {});
  assert.equal(done.status, 200, done.text);
  const made = (await admin.get(`/api/v1/receipts/${done.json.result.reversal_id}`)).json;
  assert.deepEqual([made.amount, made.reverses_id], [-88.8, r.id]);
  assert.equal(done.json.record.amount, 88.8, 'the original stays as it is');
  assertError(assert, await admin.post(`/api/v1/receipts/${r.id}/actions/reverse`, {}), 409, 'already_reversed');
  assert.equal((await balance(acc.id)).amount, 0);
});

test('balances stay exact through many inserts and reversals', async () => {
  const accs = [await account('余额甲有限公司'), await account('余额乙有限公司'), await account('余额丙有限公司')];
  const expected = new Map(accs.map(a => [a.id, { sum: 0n, n: 0 }]));
  const amounts = ['0.01', '99999999.99', '1234.56', '0.10', '7.07', '45678901.23', '0.99', '100'];
  const made = [];
  for (let i = 0; i < 48; i++) {
    const a = accs[i % 3], amount = amounts[i % amounts.length];
    made.push(await receipt(a.id, amount));
    const x = expected.get(a.id);
    x.sum += fen(amount);
    x.n++;
  }
  for (const r of made.filter((_, i) => i % 5 === 0)) {
    const rev = await admin.post(`/api/v1/receipts/${r.id}/reverse`);
    assert.equal(rev.status, 201, rev.text);
    const x = expected.get(r.account_id);
    x.sum -= fen(r.amount);
    x.n++;
  }
  for (const a of accs) {
    const b = await balance(a.id);
    assert.equal(fen(b.amount), expected.get(a.id).sum, a.name);
    assert.equal(b.entries, expected.get(a.id).n);
    assert.equal(b.account_name, a.name);
  }
  // the whole list, ordered by customer, paged
  const all = (await admin.get('/api/v1/receipts/balances?name=by_account&limit=500')).json;
  assert.ok(all.total >= 3);
  const ids = all.items.map(i => i.account_id);
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
  const page = (await admin.get('/api/v1/receipts/balances?name=by_account&limit=1&offset=1')).json;
  assert.equal(page.items.length, 1);
  assert.equal(page.items[0].account_id, ids[1]);
  assert.equal((await admin.get('/api/v1/receipts/balances?limit=1')).json.balance, 'by_account', 'the first by default');
  assertError(assert, await admin.get('/api/v1/receipts/balances?name=nope'), 404, 'not_found');
  assertError(assert, await admin.get('/api/v1/accounts/balances?name=by_account'), 404, 'not_found');
  assertError(assert, await admin.get('/api/v1/receipts/balances?name=by_account&account_id=abc'), 422);
  assertError(assert, await admin.get('/api/v1/receipts/balances?name=by_account&limit=-1'), 400);
  // a customer without receipts has no balance row
  const none = await account('无收款有限公司');
  assert.equal((await admin.get(`/api/v1/receipts/balances?name=by_account&account_id=${none.id}`)).json.total, 0);
});

test('concurrent inserts keep the balance exact', async () => {
  const acc = await account('并发收款有限公司');
  const writers = 4, each = 15;
  const results = await Promise.all(Array.from({ length: writers }, async (_, w) => {
    const c = await srv.client();
    const out = [];
    for (let i = 0; i < each; i++) {
      const r = await c.post('/api/v1/receipts', { account_id: acc.id, amount: `${w + 1}.${String(i).padStart(2, '0')}` });
      out.push(r.status);
    }
    return out;
  }));
  assert.deepEqual(results.flat().filter(s => s !== 201), []);
  let sum = 0n;
  for (let w = 0; w < writers; w++) for (let i = 0; i < each; i++) sum += BigInt((w + 1) * 100 + i);
  const b = await balance(acc.id);
  assert.equal(fen(b.amount), sum);
  assert.equal(b.entries, writers * each);
  // the ledger itself agrees
  const list = (await admin.get(`/api/v1/receipts?limit=500&filter=${encodeURIComponent(JSON.stringify({ field: 'account_id', op: 'eq', value: acc.id }))}`)).json;
  assert.equal(list.total, writers * each);
  assert.equal(list.items.reduce((s, r) => s + fen(r.amount), 0n), sum);
});
