// gendata.test.mjs - `kehu gen-data` for the commerce benchmarks
// (bench/commerce.sh): sales orders with a two-instalment 回款计划 and the
// receipts of what is paid, and a stock ledger, written beside the engine.
// What it stores must be what the engine would compute: the 账龄 adds up
// to the instalments' 未收, an edit recomputes the same figures, the stock
// balances hold the ledger's sums and never go below zero, and the engine
// goes on numbering after the generated rows. Both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, KEHU_BIN, newDatabase, ok, created } from './harness.mjs';

const srv = new Server();
let admin;
const ORDERS = 120, MOVES = 1200; // 10 products in 5 warehouses: 24 rows each

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kehu-gen-'));
  const db = newDatabase(dir);
  execFileSync(KEHU_BIN, ['gen-data', '--db', db, '--accounts', '200', '--orders', String(ORDERS), '--stock-moves', String(MOVES)],
    { stdio: 'pipe', env: { ...process.env, KEHU_PWHASH_FAST: '1' } });
  await srv.start({ db, dir });
  admin = await srv.client();
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('orders, plans and receipts: the 账龄 adds up to what the instalments still lack, and an edit recomputes the same', async () => {
  const orders = ok(await admin.get('/api/v1/sales_orders?limit=1')).total;
  assert.equal(orders, ORDERS);
  const plans = ok(await admin.get(`/api/v1/instalments?limit=500`)).items;
  assert.equal(plans.length, 2 * ORDERS);
  const lacking = plans.reduce((s, i) => s + Math.round(i.outstanding * 100), 0);
  const ageing = ok(await admin.get('/api/v1/reports/ageing?as_of=2026-12-31'));
  const aged = ageing.items.reduce((s, r) => s + Math.round(r.total * 100), 0);
  assert.equal(aged, lacking);
  // a receipt's figures are the engine's: a change that recomputes them changes nothing else
  const paid = plans.find(i => i.received > 0);
  const before = ok(await admin.get(`/api/v1/sales_orders/${paid.sales_order_id}`));
  ok(await admin.patch(`/api/v1/instalments/${paid.id}`, { note: '核对' }));
  ok(await admin.patch(`/api/v1/sales_orders/${paid.sales_order_id}`, { description: '核对' }));
  const after = ok(await admin.get(`/api/v1/sales_orders/${paid.sales_order_id}`));
  for (const k of ['subtotal', 'total', 'total_in_words', 'received_total', 'planned_total', 'outstanding'])
    assert.equal(after[k], before[k], k);
  assert.equal(ok(await admin.get(`/api/v1/instalments/${paid.id}`)).received, paid.received);
  // the engine numbers on after the generated orders and receipts
  const next = created(await admin.post('/api/v1/sales_orders', { subject: '生成数据之后的订单', account_id: before.account_id,
    lines: [{ description: '服务', quantity: 1, price: 10, tax_rate: 0 }] }));
  assert.equal(next.id, ORDERS + 1);
  assert.match(next.code, /^DD-0*121$/);
});

test('the stock ledger: balances are the sums of its rows, none below zero, and a move by the engine adds to them', async () => {
  assert.equal(ok(await admin.get('/api/v1/stock_moves?limit=1')).total, MOVES);
  const b = ok(await admin.get('/api/v1/stock_moves/balances?name=on_hand&product_id=1&warehouse_id=1'));
  // product 1 in warehouse 1 got +50, +50, -20 eight times over
  assert.equal(b.items[0].quantity, 640);
  const page = ok(await admin.get('/api/v1/stock_moves/balances?name=on_hand&limit=200'));
  assert.ok(page.items.every(x => x.quantity > 0), 'never below zero');
  created(await admin.post('/api/v1/stock_moves', { kind: 'adjustment', product_id: 1, warehouse_id: 1, quantity: 5 }));
  assert.equal(ok(await admin.get('/api/v1/stock_moves/balances?name=on_hand&product_id=1&warehouse_id=1')).items[0].quantity, 645);
});
