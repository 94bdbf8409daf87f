// pricing.test.mjs - the discount rules in the line editor: a product
// picked on a quote for an A 类 customer takes the 客户折扣 price at once,
// ten of them the 销量折扣 on top; saved, the line shows the rule that
// applied. The prices come from the server (GET /prices), never computed
// in the browser.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);
const it = checkedIt(nodeIt, assert, 'pricing-', () => ({ page, browser }));
const visibleOption = text => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
const editor = () => page.locator('[data-test=line-items]');
const cell = (i, field) => editor().locator(`tr[data-line="${i}"] td[data-field="${field}"] input`).first();
async function until(fn, want) {
  for (let i = 0; i < 50 && (await fn()) !== want; i++) await page.waitForTimeout(100);
  assert.equal(await fn(), want);
}

describe('discount rules in the line editor', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    await api('POST', '/accounts', { name: '杭州重点客户有限公司', grade: 'A' });
    const laptop = (await api('POST', '/products', { name: '商务笔记本电脑', unit: '台', price: 5000, tax_rate: 13 })).body;
    assert.equal((await api('POST', '/price_rules', { name: 'A类客户', kind: 'customer', grade: 'A', discount: 5 })).status, 201);
    assert.equal((await api('POST', '/price_rules', { name: '满10台', kind: 'volume', product_id: laptop.id, min_quantity: 10, discount: 3 })).status, 201);
  });
  after(() => closeApp({ srv, browser }));

  it('prices a picked product for the customer, and again for ten; the saved line names the rules', async () => {
    await page.goto(`${srv.base}/quotes/new`);
    await page.locator('[data-test=entity-form]').waitFor();
    await page.locator('[data-field="subject"] input').fill('折扣规则报价');
    await page.locator('[data-field="account_id"] .el-select__wrapper').click();
    await page.locator('[data-field="account_id"] input').fill('杭州重点');
    await visibleOption('杭州重点客户有限公司').click();
    await page.locator('[data-test=line-add]').click();
    await page.keyboard.type('笔记本');
    await visibleOption('商务笔记本电脑').waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await until(() => cell(0, 'price').inputValue(), '4750.00');
    assert.equal(await cell(0, 'list_price').inputValue(), '5000.00');
    assert.equal(await cell(0, 'discount').inputValue(), '5.00');
    await cell(0, 'quantity').fill('10');
    await until(() => cell(0, 'price').inputValue(), '4607.50');
    assert.equal(await cell(0, 'discount').inputValue(), '7.85');
    await screenshot(page, 'pricing-01-editor');
    await page.locator('[data-test=save]').click();
    await page.locator('[data-test=record-title]', { hasText: '折扣规则报价' }).waitFor();
    const id = Number(page.url().match(/quotes\/(\d+)/)[1]);
    const line = (await api('GET', `/quotes/${id}`)).body.lines[0];
    assert.deepEqual([line.price, line.rule_price, line.price_rule, line.over_position_discount],
      [4607.5, 4607.5, '客户折扣「A类客户」5% + 销量折扣「满10台」3%', false]);
    await page.locator('[data-test=line-items-table], table', { hasText: '客户折扣「A类客户」5%' }).first().waitFor();
    await screenshot(page, 'pricing-02-record');
  });
});
