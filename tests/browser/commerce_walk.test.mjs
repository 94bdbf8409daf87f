// commerce_walk.test.mjs - the money half of the labs as one student does
// it in their own company, every step by clicking (ALLPASS 实验一 产品档案,
// 七 报价单, 八 业务订单, 九 发票; 博星 实验八 订单管理, 九 财务处理):
// a product and a warehouse with opening stock, a customer, a quote with a
// line picked from the catalogue, 提交报价 → 客户接受 → 转为订单, which
// opens the new order; 提交审批, 发货 (which opens the draft shipment),
// 确认发货 from the warehouse; 开具发票 (which opens the draft invoice),
// 开票; a receipt against the invoice, after which nothing is owed.
// Screenshots: walk-commerce-*.png.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

const NEW_PASSWORD = 'Shiyan#2026ab';
let srv, browser, page, student;
const ids = {};
const it = checkedIt(nodeIt, assert, 'walk-commerce-', () => ({ page, browser }));
const api = async (method, path, body) => (await apiInPage(page, method, path, body)).body;
const visibleOption = text => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
const form = () => page.locator('[data-test=entity-form]');
async function fill(field, value) {
  await page.locator(`[data-field="${field}"] input`).first().fill(value);
}
async function pick(field, optionText, query) {
  await page.locator(`[data-field="${field}"] .el-select__wrapper`).click();
  if (query) await page.locator(`[data-field="${field}"] input`).fill(query);
  await visibleOption(optionText).click();
}
async function save(title) {
  await page.locator('[data-test=save]').click();
  await page.locator('[data-test=record-title]', { hasText: title }).waitFor();
  return Number(page.url().split('/').pop());
}
// a declared action's button, its confirmation when it has one
async function run(action, { confirm = false } = {}) {
  await page.locator(`[data-test=${action}]`).click();
  if (confirm) {
    await page.locator('.el-message-box').waitFor();
    await page.locator('.el-message-box .el-button--primary').click();
  }
}
const onHand = async () => (await api('GET', `/stock_moves/balances?name=on_hand&product_id=${ids.product}&warehouse_id=${ids.warehouse}`)).items[0]?.quantity;
const statusIs = async text => page.locator('[data-field=status]', { hasText: text }).first().waitFor();

describe('a student\'s commerce walk: product → quote → order → shipment → invoice → receipt', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const klass = await api('POST', '/classes', { name: '电子商务2302班' });
    const roster = await page.evaluate(async id => {
      const { csrf_token: token } = await (await fetch('/api/v1/session')).json();
      const r = await fetch(`/api/v1/classes/${id}/students/import`, {
        method: 'POST', headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': token },
        body: '学号,姓名,小组\n2023020207,周若彤,第二组\n' });
      return r.json();
    }, klass.id);
    student = roster.students[0];
    // the first sign-in's own password (tested in teaching.test.mjs), then in as the student
    await api('DELETE', '/session');
    await page.context().clearCookies();
    await page.evaluate(async ([u, p, n]) => {
      await fetch('/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: u, password: p }) });
      const { csrf_token: token } = await (await fetch('/api/v1/session')).json();
      await fetch('/api/v1/session/password', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
        body: JSON.stringify({ old_password: p, new_password: n }) });
      await fetch('/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': token } });
    }, [student.username, student.password, NEW_PASSWORD]);
    await page.context().clearCookies();
    await signIn(page, srv.base, student.username, NEW_PASSWORD);
    const me = await api('GET', '/session');
    assert.equal(me.user.company_id, student.company_id, 'in the student\'s own company');
  });
  after(() => closeApp({ srv, browser }));

  it('实验一 产品档案: a product, a warehouse and its opening stock', async () => {
    await page.goto(`${srv.base}/products/new`);
    await form().waitFor();
    await fill('name', '智能扫地机器人X9');
    await fill('spec', 'X9-2026 白色');
    await fill('unit', '台');
    await fill('price', '2999');
    await fill('cost', '1800');
    await fill('tax_rate', '13');
    ids.product = await save('智能扫地机器人X9');
    assert.match(await page.locator('[data-field=code]').first().innerText(), /\d{3,}/, 'an auto-numbered 产品编码');
    await screenshot(page, 'walk-commerce-01-product');

    await page.goto(`${srv.base}/warehouses/new`);
    await form().waitFor();
    await fill('name', '杭州中心仓');
    await page.locator('[data-field=is_default] .el-switch').click();
    ids.warehouse = await save('杭州中心仓');

    await page.goto(`${srv.base}/stock_moves/new`);
    await form().waitFor();
    await pick('kind', '盘点调整');
    await pick('product_id', '智能扫地机器人X9', '扫地');
    await pick('warehouse_id', '杭州中心仓', '杭州');
    await fill('quantity', '20');
    await fill('note', '期初库存');
    assert.match(await page.locator('[data-field=move_date] input').first().inputValue(), /^\d{4}-\d{2}-\d{2}$/, 'dated today');
    assert.equal(await page.locator('[data-field=quantity] [data-test=field-hint]').innerText(), '入库为正数，出库为负数');
    await screenshot(page, 'walk-commerce-01b-stock-move');
    await page.locator('[data-test=save]').click();
    await page.waitForURL(/\/stock_moves\/\d+$/);
    assert.equal(await onHand(), 20);
  });

  it('a customer', async () => {
    await page.goto(`${srv.base}/accounts/new`);
    await form().waitFor();
    await fill('name', '杭州绿洲家居有限公司');
    ids.account = await save('杭州绿洲家居有限公司');
  });

  it('实验七 报价单: a quote with the product picked; 提交报价, 客户接受, 转为订单 opens the order', async () => {
    await page.goto(`${srv.base}/quotes/new`);
    await form().waitFor();
    await fill('subject', '绿洲家居门店清洁设备报价');
    await pick('account_id', '杭州绿洲家居有限公司', '绿洲');
    await page.locator('[data-test=line-add]').click();
    await page.keyboard.type('扫地');
    await visibleOption('智能扫地机器人X9').waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const cell = f => page.locator(`[data-test=line-items] tr[data-line="0"] td[data-field="${f}"] input`).first();
    for (let i = 0; i < 40 && (await cell('price').inputValue()) !== '2999.00'; i++) await page.waitForTimeout(100);
    await cell('quantity').fill('3');
    await page.locator('[data-field=total] [data-test=computed-value]', { hasText: '10,166.61' }).waitFor();
    await screenshot(page, 'walk-commerce-02-quote-form');
    ids.quote = await save('绿洲家居门店清洁设备报价');
    await run('submit');
    await statusIs('已提交');
    await run('accept');
    await statusIs('已接受');
    await run('convert', { confirm: true });
    await page.waitForURL(/\/sales_orders\/\d+$/);
    ids.order = Number(page.url().split('/').pop());
    await page.locator('.el-message--success', { hasText: '已生成业务订单' }).waitFor();
    await statusIs('草稿');
    await page.locator('[data-test=line-table]', { hasText: '智能扫地机器人X9' }).waitFor();
    await screenshot(page, 'walk-commerce-03-order-from-quote');
    const quote = await api('GET', `/quotes/${ids.quote}`);
    assert.equal(quote.status, 'ordered');
  });

  it('实验八 业务订单: 提交审批; 发货 opens the shipment, 确认发货 from the warehouse takes the stock', async () => {
    await run('submit', { confirm: true }); // the note to the approver is optional: none here
    await statusIs('已审批');
    await run('make_shipment', { confirm: true });
    await page.waitForURL(/\/shipments\/\d+$/);
    ids.shipment = Number(page.url().split('/').pop());
    await page.locator('[data-test=line-table]', { hasText: '智能扫地机器人X9' }).waitFor();
    await run('confirm');
    const dialog = page.locator('[data-test=action-dialog]');
    await dialog.locator('[data-test=ask-warehouse_id]', { hasText: '杭州中心仓' }).waitFor();
    await dialog.locator('[data-test=action-submit]').click();
    await statusIs('已发货');
    await screenshot(page, 'walk-commerce-04-shipped');
    const order = await api('GET', `/sales_orders/${ids.order}`);
    assert.equal(order.lines[0].shipped_quantity, 3);
    assert.equal(await onHand(), 17);
  });

  it('实验九 发票: 开具发票 opens the draft invoice; 开票', async () => {
    await page.goto(`${srv.base}/sales_orders/${ids.order}`);
    await run('invoice', { confirm: true });
    await page.waitForURL(/\/invoices\/\d+$/);
    ids.invoice = Number(page.url().split('/').pop());
    await page.locator('[data-field=total]', { hasText: '10,166.61' }).first().waitFor();
    await run('issue');
    const dialog = page.locator('[data-test=action-dialog]');
    await dialog.locator('[data-test=ask-invoice_number] input').fill('33009871');
    const day = await dialog.locator('[data-test=ask-invoice_date] input').inputValue();
    assert.match(day, /^\d{4}-\d{2}-\d{2}$/, 'the 开票日期 starts as today');
    await screenshot(page, 'walk-commerce-05-issue');
    await dialog.locator('[data-test=action-submit]').click();
    await statusIs('已开');
    await screenshot(page, 'walk-commerce-06-invoice');
  });

  it('博星 实验九 财务处理: a receipt against the invoice; the order owes nothing more', async () => {
    const invoice = await api('GET', `/invoices/${ids.invoice}`);
    await page.goto(`${srv.base}/receipts/new`);
    await form().waitFor();
    await pick('account_id', '杭州绿洲家居有限公司', '绿洲');
    await pick('invoice_id', invoice.code, invoice.code);
    await fill('amount', '10166.61');
    await pick('method', '银行转账');
    await screenshot(page, 'walk-commerce-07-receipt-form');
    await save(/SK-\d{6}/);
    assert.match(await page.locator('[data-field=sales_order_id]').first().innerText(), /绿洲家居门店清洁设备报价/);
    await page.goto(`${srv.base}/sales_orders/${ids.order}`);
    await page.locator('[data-field=outstanding]', { hasText: '0.00' }).first().waitFor();
    await screenshot(page, 'walk-commerce-08-order-paid');
    const order = await api('GET', `/sales_orders/${ids.order}`);
    assert.deepEqual([order.received_total, order.outstanding], [10166.61, 0]);
    assert.equal((await api('GET', `/invoices/${ids.invoice}`)).received_total, 10166.61);
  });
});
