// stock.test.mjs - order → shipment (partial) → stock on hand, as a student
// clicks it: 发货 on an approved order drafts a 发货单, the student ships 2
// of the 5 ordered, confirms it from the default warehouse, and sees the
// order's 已发货数量, the order 执行中, and the 库存台账 with 8 left of 10.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const ids = {};
const api = async (method, path, body, status = 201) => {
  const r = await apiInPage(page, method, path, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};
const it = checkedIt(nodeIt, assert, 'stock-', () => ({ page, browser }));
const visibleOption = text => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();

describe('order → shipment → stock on hand', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    ids.warehouse = (await api('POST', '/warehouses', { name: '北京总仓', address: '北京市大兴区亦庄', is_default: true })).id;
    ids.product = (await api('POST', '/products', { name: '联想ThinkPad笔记本', unit: '台', price: 6999, tax_rate: 13 })).id;
    await api('POST', '/stock_moves', { kind: 'adjustment', product_id: ids.product, warehouse_id: ids.warehouse, quantity: 10, note: '期初盘点' });
    const account = await api('POST', '/accounts', { name: '北京华联商贸有限公司' });
    const order = await api('POST', '/sales_orders', { subject: '华联办公电脑订单', account_id: account.id,
      lines: [{ product_id: ids.product, quantity: 5, unit: '台', price: 6999, tax_rate: 13 }] });
    ids.order = order.id;
    assert.equal((await api('POST', `/sales_orders/${order.id}/actions/submit`, {}, 200)).record.status, 'approved');
  });
  after(() => closeApp({ srv, browser }));

  it('发货 on the approved order drafts a shipment of what is left to ship', async () => {
    await page.goto(`${srv.base}/sales_orders/${ids.order}`);
    await page.locator('[data-test=make_shipment]').click();
    await page.locator('.el-message-box').waitFor();
    await page.locator('.el-message-box .el-button--primary').click();
    await page.locator('.el-message--success').first().waitFor();
    await page.goto(`${srv.base}/shipments`);
    await page.locator('.el-table__row', { hasText: '华联办公电脑订单' }).locator('a').first().click();
    await page.waitForURL(/\/shipments\/\d+$/);
    ids.shipment = Number(page.url().split('/').pop());
    await page.locator('[data-test=line-table]', { hasText: '联想ThinkPad笔记本' }).waitFor();
    await screenshot(page, 'stock-01-draft-shipment');
  });

  it('ships 2 of the 5: edits the quantity and confirms from the default warehouse', async () => {
    await page.locator('[data-test=edit]').click();
    await page.locator('[data-test=entity-form]').waitFor();
    const qty = page.locator('[data-test=line-items] tr[data-line="0"] td[data-field="quantity"] input').first();
    await qty.fill('2');
    await page.locator('[data-test=save]').click();
    await page.waitForURL(/\/shipments\/\d+$/);
    await page.locator('[data-test=confirm]').click();
    const dialog = page.locator('[data-test=action-dialog]');
    await dialog.locator('[data-test=ask-warehouse_id]', { hasText: '北京总仓' }).waitFor();
    await screenshot(page, 'stock-02-confirm');
    await dialog.locator('[data-test=action-submit]').click();
    await page.locator('.el-message--success', { hasText: '已发货' }).waitFor();
    await page.locator('[data-test=confirm]').waitFor({ state: 'detached' });
    const s = await api('GET', `/shipments/${ids.shipment}`, undefined, 200);
    assert.deepEqual([s.status, s.lines[0].quantity], ['shipped', 2]);
  });

  it('the order shows 已发货数量 2 and is 执行中', async () => {
    await page.goto(`${srv.base}/sales_orders/${ids.order}`);
    const lines = page.locator('[data-test=line-table]').first();
    await lines.waitFor();
    const heads = await lines.locator('thead th').allInnerTexts();
    const col = heads.findIndex(h => h.includes('已发货数量'));
    assert.ok(col >= 0, heads.join('|'));
    assert.match(await lines.locator('tbody tr').first().locator('td').nth(col).innerText(), /^2(\.00)?$/);
    await page.getByText('执行中').first().waitFor();
    await screenshot(page, 'stock-03-order-shipped-2');
  });

  it('the 库存台账 shows 10 in, 2 out, 8 on hand', async () => {
    await page.goto(`${srv.base}/stock-ledger`);
    await page.locator('[data-test=ledger-product] .el-select__wrapper').click();
    await page.locator('[data-test=ledger-product] input').fill('ThinkPad');
    await visibleOption('联想ThinkPad笔记本').click();
    const table = page.locator('[data-test=ledger-table]');
    await table.waitFor();
    const last = table.locator('tbody tr', { hasText: '合计' });
    await last.waitFor();
    const cells = await last.locator('td').allInnerTexts();
    assert.deepEqual(cells.map(c => c.trim()), ['合计', '0', '10', '2', '8']);
    await screenshot(page, 'stock-04-ledger');
    const onHand = await api('GET', `/stock_moves/balances?name=on_hand&product_id=${ids.product}&warehouse_id=${ids.warehouse}`, undefined, 200);
    assert.equal(onHand.items[0].quantity, 8);
  });
});
