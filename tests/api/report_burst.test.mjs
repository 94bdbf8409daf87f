// report_burst.test.mjs - the kept ageing and arrears after a write are
// computed once however many ask at once (single flight,
// src/entity/report_cache.h; docs/engine.md "Kept reports"): of a burst of
// concurrent first requests one computes (X-Kehu-Report: computed), those
// a server thread takes meanwhile wait for it (shared), the rest find it
// kept; all get the same table, and it is the right one. The server starts
// a claimed computation 300 ms late (KEHU_TEST_REPORT_DELAY_MS), so the
// burst surely overlaps it on a company this small.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, created, ok } from './harness.mjs';

const srv = new Server();
let admin, account, order;
const BURST = 8;
const NODES = Number(process.env.KEHU_TEST_NODES || 1); // the harness's cluster of nodes (KEHU_TEST_NODES=3)

before(async () => {
  await srv.start({ env: { KEHU_TEST_REPORT_DELAY_MS: '300' } });
  admin = await srv.client();
  account = created(await admin.post('/api/v1/accounts', { name: '常州恒远轴承有限公司' }));
  order = created(await admin.post('/api/v1/sales_orders', { subject: '轴承年度供货', account_id: account.id, order_date: '2026-09-01',
    lines: [{ description: '深沟球轴承', quantity: 100, price: 100, tax_rate: 0 }] }));
  ok(await admin.post(`/api/v1/sales_orders/${order.id}/actions/submit`, {}));
  created(await admin.post('/api/v1/instalments', { sales_order_id: order.id, amount: 6000, due_date: '2026-10-15' }));
});
after(async () => { await srv.stop(); srv.cleanup(); });

// Writes a receipt of `amount` (the kept tables are stale), then asks `path` BURST times at once.
async function burstAfterWrite(path, amount) {
  created(await admin.post('/api/v1/receipts', { account_id: account.id, sales_order_id: order.id, amount }));
  // the first request starts the computation; the others come while it runs (a server thread
  // accepts a burst of connections at once and serves them in turn: these reach the other one)
  const first = admin.get(path);
  await new Promise(r => setTimeout(r, 50));
  const answers = await Promise.all([first, ...Array.from({ length: BURST - 1 }, () => admin.get(path))]);
  for (const r of answers) assert.equal(r.status, 200, r.text);
  const sources = answers.map(r => r.headers.get('x-kehu-report'));
  // one computation per server process: through nginx in front of NODES nodes, each may compute once
  const computed = sources.filter(s => s === 'computed').length;
  assert.ok(computed >= 1 && computed <= NODES, `one computation per process: ${sources}`);
  if (NODES === 1) assert.ok(sources.includes('shared'), `a request that came during it waited for it: ${sources}`);
  assert.equal(sources.filter(s => s === 'shared' || s === 'kept').length, BURST - computed, String(sources));
  assert.equal(new Set(answers.map(r => r.text)).size, 1, 'every request got the same table');
  const again = await admin.get(path);
  assert.equal(again.headers.get('x-kehu-report'), 'kept');
  assert.equal(again.text, answers[0].text);
  return JSON.parse(answers[0].text);
}

test('应收账龄: a burst after each write computes once and shares the new table', async () => {
  const path = '/api/v1/reports/ageing?as_of=2026-12-01';
  let r = await burstAfterWrite(path, 1000);
  // 10,000.00 less 1,000.00: 5,000.00 of the instalment over 31-60 days, the unplanned 4,000.00 over 90 days
  assert.deepEqual([r.items[0].d31_60, r.items[0].d90_plus, r.items[0].total], [5000, 4000, 9000]);
  r = await burstAfterWrite(path, 500);
  assert.deepEqual([r.items[0].d31_60, r.items[0].d90_plus, r.items[0].total], [4500, 4000, 8500]);
});

test('欠款查询 the same; a report the cache does not keep says nothing', async () => {
  const r = await burstAfterWrite('/api/v1/reports/arrears?as_of=2026-12-01&by=customer', 250);
  assert.deepEqual(r.items.map(i => [i.label, i.outstanding]), [['常州恒远轴承有限公司', 8250]]);
  assert.equal((await admin.get('/api/v1/reports/order_accounts')).headers.get('x-kehu-report'), null);
});
