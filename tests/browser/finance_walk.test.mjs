// finance_walk.test.mjs - 博星 实验九 财务处理 as a student does it in their
// own company, every step by clicking: on an approved order with a
// 回款计划 of two instalments (one overdue) and an issued invoice, a
// 收款单 from 收款管理 allocated to 第1期 and another to the invoice (spread
// over the plan, earliest due first); 欠款查询 shows what of 第1期 is
// still owed and how many days overdue; 应收账龄 puts it in 31-60天 and the
// next instalment in 未到期; and a 销售折让单 on an order already paid
// refunds the concession as a negative 收款单 (退款). Screenshots:
// finance-walk-*.png.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp, choose } from './harness.mjs';

const NEW_PASSWORD = 'Caiwu#2026ab';
const CUSTOMER = '杭州临平精工机械有限公司';
let srv, browser, page;
const ids = {};
const it = checkedIt(nodeIt, assert, 'finance-walk-', () => ({ page, browser }));
const api = async (method, path, body, status) => {
  const r = await apiInPage(page, method, path, body);
  if (status) assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};
const visibleOption = text => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
const form = () => page.locator('[data-test=entity-form]');
// a day relative to today in Beijing, as the reports count days
const day = offset => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
async function pick(field, query, optionText) {
  await page.locator(`[data-field="${field}"] .el-select__wrapper`).click();
  await page.locator(`[data-field="${field}"] input`).fill(query);
  await visibleOption(optionText).click();
}
async function fill(field, value) {
  await page.locator(`[data-field="${field}"] input`).first().fill(value);
}
async function newReceipt() {
  await page.locator('[data-test=main-menu]').getByText('收款单', { exact: true }).click();
  await page.locator('[data-test=create]').click();
  await form().waitFor();
  await pick('account_id', '临平', CUSTOMER);
}
async function saveReceipt() {
  await page.locator('[data-test=save]').click();
  await page.locator('[data-test=record-title]', { hasText: /SK-\d{6}/ }).waitFor();
}

describe('博星 实验九 财务处理: receipts to instalments and invoices, 欠款查询, 应收账龄, a refund', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const klass = await api('POST', '/classes', { name: '财务管理2301班' }, 201);
    const roster = await page.evaluate(async id => {
      const { csrf_token: token } = await (await fetch('/api/v1/session')).json();
      const r = await fetch(`/api/v1/classes/${id}/students/import`, {
        method: 'POST', headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': token },
        body: '学号,姓名,小组\n2023030115,沈嘉怡,第一组\n' });
      return r.json();
    }, klass.id);
    const student = roster.students[0];
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
    // what 实验八 left: an approved order of 11,300.00 with two instalments and an issued invoice
    const account = await api('POST', '/accounts', { name: CUSTOMER }, 201);
    ids.account = account.id;
    const o = await api('POST', '/sales_orders', { subject: '数控机床改造', account_id: account.id, order_date: day(-60),
      lines: [{ description: '数控机床改造', quantity: 1, price: 10000, tax_rate: 13 }] }, 201);
    await api('POST', `/sales_orders/${o.id}/actions/submit`, {}, 200);
    ids.order = o.id;
    ids.code = o.code;
    await api('POST', '/instalments', { sales_order_id: o.id, amount: 5650, due_date: day(-45) }, 201);
    await api('POST', '/instalments', { sales_order_id: o.id, amount: 5650, due_date: day(30) }, 201);
    const inv = (await api('POST', `/sales_orders/${o.id}/actions/invoice`, {}, 200)).result.invoice_id;
    await api('POST', `/invoices/${inv}/actions/issue`, { invoice_number: '33012345' }, 200);
    ids.invoice = (await api('GET', `/invoices/${inv}`)).code;
  });
  after(() => closeApp({ srv, browser }));

  it('收款管理: a receipt allocated to 第1期; its 未收金额 follows', async () => {
    await newReceipt();
    await pick('instalment_id', '第1期', `${ids.code} 第1期`);
    await fill('amount', '5000');
    await choose(page, 'method', '银行转账');
    await screenshot(page, 'finance-walk-01-receipt-instalment');
    await saveReceipt();
    assert.match(await page.locator('[data-field=sales_order_id]').first().innerText(), /数控机床改造/);
    await page.locator('[data-field=instalment_id] a').click();
    await page.locator('[data-test=record-title]', { hasText: `${ids.code} 第1期` }).waitFor();
    assert.match(await page.locator('[data-field=outstanding]').first().innerText(), /650\.00/);
  });

  it('a receipt to the invoice: the invoice\'s 已收款 and the order\'s 未收款 follow; it pays 第1期 first', async () => {
    await newReceipt();
    await pick('invoice_id', ids.invoice, ids.invoice);
    await fill('amount', '400');
    await saveReceipt();
    await page.locator('[data-field=invoice_id] a').click();
    await page.locator('[data-field=received_total]', { hasText: '400.00' }).first().waitFor();
    await page.goto(`${srv.base}/sales_orders/${ids.order}`);
    await page.locator('[data-field=outstanding]', { hasText: '5,900.00' }).first().waitFor();
    await page.locator('.el-tabs__item', { hasText: '回款计划' }).click();
    const rows = page.locator('[data-related=instalments] .el-table__body-wrapper .el-table__row');
    await rows.nth(1).waitFor();
    assert.match(await rows.nth(0).innerText(), /5,650\.00[\s\S]*5,400\.00[\s\S]*250\.00/);
    await screenshot(page, 'finance-walk-02-plan');
  });

  it('欠款查询: 第1期 owes 250.00, 45 days overdue; the next instalment is not yet owed', async () => {
    await page.locator('[data-test=main-menu]').getByText('欠款查询').click();
    const table = page.locator('[data-test=report-table]');
    const row = table.locator('.el-table__row', { hasText: `${ids.code} 第1期` });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`${CUSTOMER}[\\s\\S]*${day(-45)}[\\s\\S]*45[\\s\\S]*5,650\\.00[\\s\\S]*5,400\\.00[\\s\\S]*250\\.00`));
    assert.ok(!(await table.innerText()).includes('第2期'));
    await screenshot(page, 'finance-walk-03-arrears');
  });

  it('应收账龄: 250.00 in 31-60天, 5,650.00 未到期, 5,900.00 in all', async () => {
    await page.locator('[data-test=main-menu]').getByText('应收账龄').click();
    const row = page.locator('[data-test=report-ageing] [data-test=report-table] .el-table__row', { hasText: CUSTOMER });
    await row.waitFor();
    const cells = (await row.locator('td').allInnerTexts()).map(s => s.trim());
    assert.deepEqual(cells, [CUSTOMER, '5,650.00', '0.00', '250.00', '0.00', '0.00', '5,900.00']);
    assert.ok(await page.locator('[data-test=report-chart] canvas').count() > 0);
    await screenshot(page, 'finance-walk-04-ageing');
  });

  it('销售折让单 on an order paid in full: 确认折让 refunds the concession as a negative 收款单', async () => {
    const o = await api('POST', '/sales_orders', { subject: '备件采购', account_id: ids.account,
      lines: [{ description: '主轴轴承', quantity: 4, price: 500, tax_rate: 0 }] }, 201);
    await api('POST', `/sales_orders/${o.id}/actions/submit`, {}, 200);
    await api('POST', '/receipts', { account_id: ids.account, sales_order_id: o.id, amount: 2000 }, 201);
    await page.goto(`${srv.base}/sales_orders/${o.id}`);
    await page.locator('.el-tabs__item', { hasText: '销售折让单' }).click();
    await page.locator('[data-related=allowances]').waitFor();
    await page.locator('[data-related=allowances]').locator('xpath=..').getByRole('button', { name: /新建/ }).first().click();
    await form().waitFor();
    await choose(page, 'reason', '质量折让');
    await fill('amount', '300');
    await page.locator('[data-field=description] textarea').fill('两套轴承外观划伤，客户同意留用');
    await screenshot(page, 'finance-walk-05-allowance-form');
    await page.locator('[data-test=save]').click();
    await page.locator('[data-test=record-title]', { hasText: /ZR-\d{6}/ }).waitFor();
    assert.match(await page.locator('[data-field=account_id]').first().innerText(), new RegExp(CUSTOMER));
    await page.locator('[data-test=confirm]').click();
    await page.locator('[data-test=action-dialog] [data-test=action-submit]').click();
    await page.locator('[data-field=status]', { hasText: '已折让' }).first().waitFor();
    assert.equal(await page.locator('[data-test=delete]').count(), 0, 'a confirmed allowance is not deleted');
    await screenshot(page, 'finance-walk-06-allowance-done');
    await page.locator('[data-field=refund_receipt_id] a').click();
    await page.locator('[data-field=amount]', { hasText: '-300.00' }).first().waitFor();
    assert.match(await page.locator('[data-field=note]').first().innerText(), /销售折让 ZR-\d{6} 退款/);
    await page.goto(`${srv.base}/sales_orders/${o.id}`);
    await page.locator('[data-field=allowance_total]', { hasText: '300.00' }).first().waitFor();
    await page.locator('[data-field=outstanding]', { hasText: '0.00' }).first().waitFor();
    await screenshot(page, 'finance-walk-07-order');
    const order = await api('GET', `/sales_orders/${o.id}`);
    assert.deepEqual([order.allowance_total, order.received_total, order.outstanding], [300, 1700, 0]);
  });
});
