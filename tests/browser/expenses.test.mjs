// expenses.test.mjs - 费用管理 in the browser: a salesperson's expense is
// added in the form (type, amount, date, the opportunity it is for) and
// submitted; with no approval flow it is approved at once and shows in
// 成本分析, whose chart and table follow the grouping chosen.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const it = checkedIt(nodeIt, assert, 'expenses-', () => ({ page, browser }));
const api = async (method, path, body, status = 201) => {
  const r = await apiInPage(page, method, path, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};
const field = name => page.locator(`[data-test=entity-form] [data-field=${name}]`);
const visibleOption = text => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
const ids = {};
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10); // in the report's default period

describe('expenses (费用管理) and cost analysis (成本分析)', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    ids.account = (await api('POST', '/accounts', { name: '苏州恒信科技有限公司' })).id;
    ids.opp = (await api('POST', '/opportunities', { name: '恒信工控机项目', account_id: ids.account, amount: 50000 })).id;
    await api('POST', `/opportunities/${ids.opp}/actions/win`, {}, 200);
  });
  after(async () => { await closeApp({ srv, browser }); });

  it('adds an expense in the form and submits it: approved at once, the customer taken from the opportunity', async () => {
    await page.goto(`${srv.base}/expenses/new`);
    await field('subject').locator('input').fill('拜访恒信差旅费');
    await field('expense_type').locator('.el-select__wrapper').click();
    await visibleOption('差旅费').click();
    await field('amount').locator('input').fill('1280.50');
    await field('incurred_on').locator('input').fill(today);
    await field('incurred_on').locator('input').press('Enter');
    await field('opportunity_id').locator('.el-select__wrapper').click();
    await field('opportunity_id').locator('input').fill('恒信');
    await visibleOption('恒信工控机项目').click();
    await screenshot(page, 'expenses-01-form');
    await page.locator('[data-test=save]').click();
    await page.waitForURL(/\/expenses\/\d+$/);
    const id = Number(page.url().split('/').pop());
    const saved = await api('GET', `/expenses/${id}`, undefined, 200);
    assert.deepEqual([saved.amount, saved.expense_type, saved.status, saved.account_id], [1280.5, 'travel', 'draft', ids.account]);
    await page.locator('[data-test=submit]').click();
    const dialog = page.locator('[data-test=action-dialog]');
    if (await dialog.isVisible().catch(() => false)) await dialog.locator('[data-test=action-submit]').click();
    await page.getByText('已批准').first().waitFor();
    assert.equal((await api('GET', `/expenses/${id}`, undefined, 200)).status, 'approved');
    await screenshot(page, 'expenses-02-approved');
  });

  it('成本分析 shows it by type and by opportunity, with a chart', async () => {
    await page.goto(`${srv.base}/receivables/cost`);
    const table = page.locator('[data-test=report-table]');
    await table.getByText('差旅费').waitFor();
    await table.getByText('1,280.50').first().waitFor();
    await page.locator('[data-test=report-chart] canvas').first().waitFor();
    await page.locator('[data-test=report-by]').getByText('按销售机会').click();
    await table.getByText('恒信工控机项目').waitFor();
    await table.getByText('48,719.50').first().waitFor(); // won 50,000.00 less 1,280.50
    await screenshot(page, 'expenses-03-cost-analysis');
  });
});
