// reports.test.mjs - 客情统计 and the generic grouped counts: by picklist,
// owner, text field; sums; the same visibility and field access as lists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, filterParam } from './harness.mjs';

const srv = new Server();
let admin, wang, li;

before(async () => {
  await srv.start();
  srv.addUser('wangfang', 'Wang#2026pw', { name: '王芳' });
  srv.addUser('lilei', 'Li#2026pw', { name: '李雷' });
  admin = await srv.client();
  wang = await srv.client('wangfang', 'Wang#2026pw');
  li = await srv.client('lilei', 'Li#2026pw');
  const rows = [['统计甲', 'customer', 'A', '江苏', 100], ['统计乙', 'customer', 'B', '江苏', 250.5], ['统计丙', 'partner', 'A', '浙江', null], ['统计丁', 'supplier', null, null, 0]];
  for (const [name, type, grade, province, credit] of rows)
    assert.equal((await wang.post('/api/v1/accounts', { name, type, grade, province, credit_limit: credit })).status, 201);
  assert.equal((await li.post('/api/v1/accounts', { name: '李雷的客户', type: 'customer', grade: 'A' })).status, 201);
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('customer statistics by type, grade, province and owner, with labels and an empty group', async () => {
  const t = await wang.get('/api/v1/reports/accounts?by=type');
  assert.equal(t.status, 200, t.text);
  assert.equal(t.json.total, 4, 'only the caller\'s customers');
  assert.deepEqual(t.json.items[0], { value: 'customer', label: '客户', count: 2 });
  const g = (await wang.get('/api/v1/reports/accounts?by=grade')).json;
  assert.ok(g.items.some(i => i.value === null && i.label === '未填写' && i.count === 1));
  const p = (await wang.get('/api/v1/reports/accounts?by=province')).json;
  assert.equal(p.items.find(i => i.value === '江苏').count, 2);
  const o = (await admin.get('/api/v1/reports/accounts?by=owner')).json;
  assert.equal(o.by, 'owner_id');
  assert.deepEqual(o.items.map(i => [i.label, i.count]).sort(), [['李雷', 1], ['王芳', 4]]);
  const en = await wang.get('/api/v1/reports/accounts?by=type', { headers: { 'Accept-Language': 'en' } });
  assert.equal(en.json.items[0].label, 'Customer');
});

test('sums and filters; any entity through /reports/group', async () => {
  const r = await wang.get('/api/v1/reports/group?entity=accounts&by=grade&sum=credit_limit&filter=' +
    filterParam({ field: 'province', op: 'eq', value: '江苏' }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.sum, 350.5);
  assert.equal(r.json.items.find(i => i.value === 'B').sum, 250.5);
  const acts = await wang.get('/api/v1/reports/group?entity=activities&by=kind');
  assert.equal(acts.status, 200);
  assert.equal(acts.json.total, 0);
});

test('bad report parameters are 400, not 500', async () => {
  for (const q of ['by=nope', 'by=description', 'by=grade&sum=name', 'by=grade&sum=nope', '', 'by=grade&filter=%7B']) {
    const r = await wang.get('/api/v1/reports/accounts?' + q);
    assert.equal(r.status, 400, q + ' ' + r.text);
  }
  assertError(assert, await wang.get('/api/v1/reports/group?entity=nothing&by=name'), 400);
  assertError(assert, await wang.get('/api/v1/reports/group?by=name'), 400);
});

test('sums stay exact beyond 64 bits: the largest amounts in the funnel and in grouped sums', async () => {
  srv.addUser('bigdeal', 'Big#2026deal', { name: '钱大单' });
  const big = await srv.client('bigdeal', 'Big#2026deal');
  const acc = (await big.post('/api/v1/accounts', { name: '巨额交易客户有限公司' })).json;
  const made = async body => { const r = await big.post('/api/v1/opportunities', { account_id: acc.id, ...body }); assert.equal(r.status, 201, r.text); };
  for (let i = 0; i < 3; i++)
    await made({ name: `巨额合同${i}`, stage: 'won', amount: '999999999999999.99' });
  await made({ name: '零头', stage: 'proposal', amount: '0.03' });
  // Money is an exact decimal in the JSON text (a double could not hold it).
  const f = await big.get(`/api/v1/reports/funnel?owner=${big.user.id}`);
  assert.equal(f.status, 200, f.text);
  assert.match(f.text, /"total":\{"count":4,"amount":3000000000000000\.00,"weighted_amount":2999999999999999\.98\}/); // 0.03 at 50 % truncates to 0.01
  assert.match(f.text, /"stage":"won"[^}]*"count":3,"amount":2999999999999999\.97,/);
  const g = await big.get('/api/v1/reports/group?entity=opportunities&by=stage&sum=amount');
  assert.equal(g.status, 200, g.text);
  assert.match(g.text, /"total":4,"sum":3000000000000000\.00\}$/);
  // negative amounts (credit notes) sum exactly too
  await made({ name: '退款', stage: 'won', amount: '-0.99' });
  assert.match((await big.get(`/api/v1/reports/funnel?owner=${big.user.id}`)).text, /"total":\{"count":5,"amount":2999999999999999\.01,/);
});
