// receivables.test.mjs - the collection plan as a student clicks it: an
// approved order gets two instalments from its 回款计划 tab (a third beyond
// the order's total is refused at the amount), the overdue one rings the
// bell as 催款, a receipt is allocated to it from the 收款单 form and its
// 未收金额 follows, and 欠款查询 and 应收账龄 show what is still owed, with
// a chart and an Excel export. Screenshots: receivables-*.png.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page, order;
const it = checkedIt(nodeIt, assert, 'receivables-', () => ({ page, browser }));
const api = async (method, path, body, status = 201) => {
  const r = await apiInPage(page, method, path, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};
const visibleOption = text => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
async function fill(field, value) {
  await page.locator(`[data-field="${field}"] input`).first().fill(value);
}
async function fillDate(field, value) {
  const input = page.locator(`[data-field="${field}"] input`).first();
  await input.click();
  await input.fill(value);
  await input.press('Enter');
}
async function pickLink(field, query, optionText) {
  await page.locator(`[data-field="${field}"] .el-select__wrapper`).click();
  await page.locator(`[data-field="${field}"] input`).fill(query);
  await visibleOption(optionText).click();
}
const CUSTOMER = '常州恒力机电有限公司';

describe('collection plan (回款计划), receipts and arrears (欠款查询)', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const account = await api('POST', '/accounts', { name: CUSTOMER });
    order = await api('POST', '/sales_orders', { subject: '生产线改造', account_id: account.id, order_date: '2026-09-01',
      lines: [{ description: '自动化改造', quantity: 1, price: 10000, tax_rate: 0 }] });
    await api('POST', `/sales_orders/${order.id}/actions/submit`, {}, 200);
  });
  after(async () => closeApp({ srv, browser }));

  async function newInstalment(amount, due) {
    await page.goto(`${srv.base}/sales_orders/${order.id}`);
    await page.locator('.el-tabs__item', { hasText: '回款计划' }).click();
    await page.locator('[data-related=instalments]').waitFor();
    await page.locator('[data-related=instalments]').locator('xpath=..').getByRole('button', { name: /新建/ }).first().click();
    await page.locator('[data-test=entity-form]').waitFor();
    await fillDate('due_date', due);
    await fill('amount', amount);
    await page.locator('[data-test=save]').click();
  }

  it('plans two instalments from the order; a third beyond its total is refused at the amount', async () => {
    await newInstalment('6000', '2026-10-01');
    await page.locator('[data-test=record-title]', { hasText: `${order.code} 第1期` }).waitFor();
    await screenshot(page, 'receivables-01-instalment');
    await newInstalment('4000', '2099-12-31');
    await page.locator('[data-test=record-title]', { hasText: `${order.code} 第2期` }).waitFor();
    await newInstalment('0.01', '2099-12-31');
    await page.locator('[data-test=entity-form] .el-form-item__error', { hasText: /回款计划合计 10000\.01 元超过订单价税合计/ }).waitFor();
    await screenshot(page, 'receivables-02-over-total');
    await page.goto(`${srv.base}/sales_orders/${order.id}`);
    await page.locator('.el-tabs__item', { hasText: '回款计划' }).click();
    const rows = page.locator('[data-related=instalments] .el-table__body-wrapper .el-table__row');
    await rows.nth(1).waitFor();
    assert.equal(await rows.count(), 2);
    await screenshot(page, 'receivables-03-plan');
  });

  it('the overdue instalment rings the bell as 催款', async () => {
    await page.reload();
    await page.locator('[data-test=reminder-bell]').click();
    const item = page.locator('[data-test=reminder-list] li[data-kind=dunning]', { hasText: `${order.code} 第1期` });
    await item.waitFor();
    assert.match(await item.innerText(), /催款[\s\S]*已逾期/);
    await screenshot(page, 'receivables-04-bell');
    await page.keyboard.press('Escape');
  });

  it('a receipt allocated to the instalment: its 未收金额 follows at once', async () => {
    await page.goto(`${srv.base}/receipts/new`);
    await page.locator('[data-test=entity-form]').waitFor();
    await pickLink('account_id', '恒力', CUSTOMER);
    await pickLink('instalment_id', '第1期', `${order.code} 第1期`);
    await fill('amount', '2500');
    await fillDate('received_on', '2026-11-20');
    await screenshot(page, 'receivables-05-receipt-form');
    await page.locator('[data-test=save]').click();
    await page.locator('[data-test=record-title]', { hasText: /SK-\d{6}/ }).waitFor();
    assert.match(await page.locator('[data-field=sales_order_id]').innerText(), /生产线改造/);
    await page.locator('[data-field=instalment_id] a').click();
    await page.locator('[data-test=record-title]', { hasText: `${order.code} 第1期` }).waitFor();
    assert.match(await page.locator('[data-field=received]').innerText(), /2,500\.00/);
    assert.match(await page.locator('[data-field=outstanding]').innerText(), /3,500\.00/);
    await screenshot(page, 'receivables-06-instalment-after');
  });

  it('欠款查询 lists what is still owed, with a chart, and exports it', async () => {
    await page.locator('[data-test=main-menu]').getByText('欠款查询').click();
    const table = page.locator('[data-test=report-table]');
    await table.waitFor();
    const row = table.locator('.el-table__row', { hasText: `${order.code} 第1期` });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`${CUSTOMER}[\\s\\S]*2026-10-01[\\s\\S]*6,000\\.00[\\s\\S]*2,500\\.00[\\s\\S]*3,500\\.00`));
    assert.ok(!(await table.innerText()).includes('第2期'), 'not yet due');
    assert.ok(await page.locator('[data-test=report-chart] canvas').count() > 0);
    await screenshot(page, 'receivables-07-arrears');
    await page.locator('[data-test=report-by]').getByText('按客户').click();
    await table.locator('.el-table__row', { hasText: CUSTOMER }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=report-export]').click()]);
    assert.match(download.suggestedFilename(), /^欠款查询-\d{8}\.xlsx$/);
    await row.click().catch(() => {}); // the customer grouping: rows open the customer
    await page.locator('[data-test=main-menu]').getByText('应收账龄').click();
    await page.locator('[data-test=report-ageing] [data-test=report-table] .el-table__row', { hasText: CUSTOMER }).waitFor();
    await screenshot(page, 'receivables-08-ageing');
  });
});
