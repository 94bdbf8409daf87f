// lines.test.mjs - the generic line-items editor (owned lines) on quotes:
// lines typed with the keyboard, a product picked and its unit and price
// filled from metadata's "fill", the lines on the detail page, a line
// edited, and a server error shown at its line and field; then a quote made
// with the editor's keys alone (Insert, Alt+↑/↓, Ctrl+Delete, Ctrl+Enter),
// its totals below the lines following every key, and its lines in their
// order after a reload.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);
const it = checkedIt(nodeIt, assert, 'lines-', () => ({ page, browser }));
const visibleOption = text => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
const editor = () => page.locator('[data-test=line-items]');
const row = i => editor().locator(`tr[data-line="${i}"]`);
const cell = (i, field) => row(i).locator(`td[data-field="${field}"] input`).first();
const lineTexts = async field => editor().locator(`td[data-field="${field}"] input`).evaluateAll(els => els.map(e => e.value));

describe('line-items editor', () => {
  const ids = {};
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    ids.account = (await api('POST', '/accounts', { name: '上海明细科技有限公司' })).body.id;
    ids.laptop = (await api('POST', '/products', { name: '商务笔记本电脑', unit: '台', price: 4999, tax_rate: 13 })).body.id;
    await api('POST', '/products', { name: '无线鼠标', unit: '个', price: 99 });
  });
  after(() => closeApp({ srv, browser }));

  it('creates a quote with three lines typed with the keyboard and a picked product', async () => {
    await page.goto(`${srv.base}/quotes/new`);
    await page.locator('[data-test=entity-form]').waitFor();
    await page.locator('[data-field="subject"] input').fill('明细编辑器测试报价');
    await page.locator('[data-field="account_id"] .el-select__wrapper').click();
    await page.locator('[data-field="account_id"] input').fill('上海明细');
    await visibleOption('上海明细科技有限公司').click();

    // the first line: 添加明细 focuses its product; type, and Enter picks
    await page.locator('[data-test=line-add]').click();
    await page.keyboard.type('笔记本');
    await visibleOption('商务笔记本电脑').waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    // the product's unit, list price, price and tax rate come with it (metadata "fill")
    await assert.doesNotReject(async () => {
      for (let i = 0; i < 40 && (await cell(0, 'unit').inputValue()) !== '台'; i++) await page.waitForTimeout(100);
    });
    assert.equal(await cell(0, 'unit').inputValue(), '台');
    assert.equal(await cell(0, 'price').inputValue(), '4999.00');
    assert.equal(await cell(0, 'tax_rate').inputValue(), '13.00');
    await cell(0, 'quantity').fill('2');
    await page.keyboard.press('Enter'); // Enter adds the next line and goes to it
    await row(1).waitFor();
    await cell(1, 'description').fill('上门安装调试');
    await cell(1, 'price').fill('300');
    await page.keyboard.press('Enter');
    await row(2).waitFor();
    await page.keyboard.press('Delete'); // an empty line goes with Delete
    await row(2).waitFor({ state: 'detached' });
    await cell(1, 'description').click();
    await page.keyboard.press('Enter');
    await cell(2, 'description').fill('运费');
    await cell(2, 'price').fill('50');
    await page.keyboard.press('Alt+ArrowUp'); // move 运费 above 上门安装调试
    assert.deepEqual((await lineTexts('description')).slice(1), ['运费', '上门安装调试']);
    // amounts and totals follow as one types, from the expressions the server runs
    const live = name => page.locator(`[data-field=${name}] [data-test=computed-value]`).first();
    assert.equal(await live('amount').innerText(), '9998.00');
    assert.equal(await live('tax').innerText(), '1299.74');
    assert.equal(await page.locator('[data-field=subtotal] [data-test=computed-value]').innerText(), '¥10,348.00');
    assert.equal(await page.locator('[data-field=total] [data-test=computed-value]').innerText(), '¥11,647.74');
    assert.equal(await page.locator('[data-field=total_in_words] [data-test=computed-value]').innerText(), '壹万壹仟陆佰肆拾柒元柒角肆分');
    await editor().scrollIntoViewIfNeeded();
    await screenshot(page, 'lines-01-editor');

    await page.locator('[data-test=save]').click();
    await page.locator('[data-test=record-title]', { hasText: '明细编辑器测试报价' }).waitFor();
    ids.quote = Number(page.url().match(/quotes\/(\d+)/)[1]);
    const saved = (await api('GET', `/quotes/${ids.quote}`)).body;
    assert.deepEqual(saved.lines.map(l => [l.product_name, l.description, l.quantity, l.price, l.unit]), [
      ['商务笔记本电脑', null, 2, 4999, '台'], [null, '运费', 1, 50, null], [null, '上门安装调试', 1, 300, null]]);
    assert.deepEqual([saved.subtotal, saved.tax_total, saved.total], [10348, 1299.74, 11647.74], 'the server agrees');
    assert.equal(saved.total_in_words, '壹万壹仟陆佰肆拾柒元柒角肆分');
  });

  it('shows the lines read-only on the detail page', async () => {
    const table = page.locator('[data-test=line-table]');
    await table.waitFor();
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 3);
    assert.match(await rows.nth(0).innerText(), /商务笔记本电脑/);
    assert.match(await rows.nth(0).innerText(), /4,?999\.00/);
    assert.match(await rows.nth(1).innerText(), /运费/);
    assert.equal(await page.locator('.el-tabs__item', { hasText: '报价明细' }).count(), 0, 'no related-list tab for owned lines');
    await table.scrollIntoViewIfNeeded();
    await screenshot(page, 'lines-02-detail');
  });

  it('打印/PDF on the detail page downloads the quote as a PDF with its Chinese name', async () => {
    const button = page.locator('[data-test=print-pdf]');
    assert.equal(await button.getAttribute('href'), `/api/v1/quotes/${ids.quote}/pdf`);
    await button.scrollIntoViewIfNeeded();
    await screenshot(page, 'lines-02b-print');
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    assert.match(download.suggestedFilename(), /^报价单-BJ-\d{6}\.pdf$/);
  });

  it('edits a line; a server error shows at its line and field, and the fix saves', async () => {
    await page.locator('[data-test=edit]').click();
    await page.locator('[data-test=entity-form]').waitFor();
    await row(2).waitFor();
    await cell(2, 'quantity').fill(''); // the server requires a quantity
    await cell(2, 'price').fill('350');
    await page.locator('[data-test=save]').click();
    const err = row(2).locator('[data-test=line-error]');
    await err.waitFor();
    assert.match(await err.innerText(), /第 3 行/);
    assert.match(await err.innerText(), /数量/);
    assert.ok(await row(2).locator('td[data-field="quantity"].is-error').count());
    await page.waitForTimeout(200); // the form focuses the first field in error
    await err.scrollIntoViewIfNeeded();
    await screenshot(page, 'lines-03-server-error');
    browser.problems.length = 0; // the 422 is the point of this step
    await cell(2, 'quantity').fill('3');
    await page.locator('[data-test=save]').click();
    await page.locator('[data-test=line-table]').waitFor();
    const saved = (await api('GET', `/quotes/${ids.quote}`)).body;
    assert.deepEqual(saved.lines.map(l => [l.description, l.quantity, l.price]).slice(1), [['运费', 1, 50], ['上门安装调试', 3, 350]]);
    const hist = (await api('GET', `/quotes/${ids.quote}/history`)).body.items;
    assert.ok(hist.some(h => h.action === 'line' && /数量=3/.test(h.new_value)), JSON.stringify(hist));
  });
  it('drives the editor from the keyboard: Insert adds, Alt+↑/↓ reorders, Ctrl+Delete removes, totals follow', async () => {
    await page.goto(`${srv.base}/quotes/new`);
    await page.locator('[data-test=entity-form]').waitFor();
    await page.locator('[data-field="subject"] input').fill('键盘录入报价');
    await page.locator('[data-field="account_id"] .el-select__wrapper').click();
    await page.locator('[data-field="account_id"] input').fill('上海明细');
    await visibleOption('上海明细科技有限公司').click();

    // the keys are listed in a tooltip beside 添加明细
    await page.locator('[data-test=line-keys]').hover();
    const help = page.locator('[data-test=line-keys-help]');
    await help.waitFor();
    for (const key of ['Insert', 'Alt+↑', 'Ctrl+Delete', 'Ctrl+Enter']) assert.ok((await help.innerText()).includes(key), key);
    await screenshot(page, 'lines-04-keys-help');
    await page.mouse.move(0, 0);

    // Insert on 添加明细 adds the first line; Insert in a line adds one below it
    const focused = () => page.evaluate(() => {
      const td = document.activeElement?.closest('td[data-field]');
      return td ? [Number(td.closest('tr').dataset.line), td.dataset.field] : null;
    });
    const typeInto = async (i, field, text) => {
      await cell(i, field).focus();
      await page.keyboard.press('Control+A');
      if (text) await page.keyboard.type(text);
      else await page.keyboard.press('Backspace');
    };
    await page.locator('[data-test=line-add]').focus();
    await page.keyboard.press('Insert');
    await row(0).waitFor();
    assert.deepEqual(await focused(), [0, 'product_id'], 'the new line takes the focus');
    await typeInto(0, 'description', '咨询服务');
    await typeInto(0, 'quantity', '2');
    await typeInto(0, 'price', '1000');
    await typeInto(0, 'tax_rate', '6');
    await page.keyboard.press('Insert');
    await row(1).waitFor();
    assert.deepEqual(await focused(), [1, 'product_id']);
    await typeInto(1, 'description', '实施培训');
    await typeInto(1, 'price', '500');
    await page.keyboard.press('Insert');
    await typeInto(2, 'description', '差旅费');
    await typeInto(2, 'price', '200');
    await page.keyboard.press('Tab'); // leaves the number: its value is committed

    // the totals sit below the lines and follow them
    const total = name => page.locator(`[data-test=doc-totals] [data-field=${name}] [data-test=computed-value]`).innerText();
    const totals = async () => [await total('subtotal'), await total('tax_total'), await total('total')];
    assert.deepEqual(await totals(), ['¥2,700.00', '¥120.00', '¥2,820.00']);
    const editorBox = await editor().boundingBox();
    const totalsBox = await page.locator('[data-test=doc-totals]').boundingBox();
    assert.ok(totalsBox.y >= editorBox.y + editorBox.height, 'the totals are below the lines');
    assert.equal(await page.locator('.entity-form > section.group [data-field=subtotal]').count(), 0, 'not above them');

    // Alt+↑ twice takes 差旅费 to the top, the focus going with it; Alt+↓ moves 咨询服务 down
    await cell(2, 'description').focus();
    await page.keyboard.press('Alt+ArrowUp');
    await page.keyboard.press('Alt+ArrowUp');
    assert.deepEqual(await lineTexts('description'), ['差旅费', '咨询服务', '实施培训']);
    assert.deepEqual(await focused(), [0, 'description']);
    await cell(1, 'description').focus();
    await page.keyboard.press('Alt+ArrowDown');
    assert.deepEqual(await lineTexts('description'), ['差旅费', '实施培训', '咨询服务']);
    await editor().scrollIntoViewIfNeeded();
    await screenshot(page, 'lines-05-keyboard-form');
    await page.evaluate(() => document.querySelector('[data-test=doc-totals]').scrollIntoView({ block: 'center' }));
    await screenshot(page, 'lines-05-keyboard-form-totals');

    // Ctrl+Delete removes the line with the focus, typed in or not
    await cell(1, 'price').focus();
    await page.keyboard.press('Control+Delete');
    assert.deepEqual(await lineTexts('description'), ['差旅费', '咨询服务']);
    assert.deepEqual(await focused(), [1, 'price'], 'the focus stays in the column, on the line that took its place');
    assert.deepEqual(await totals(), ['¥2,200.00', '¥120.00', '¥2,320.00']);

    // a bad line: the server's error shows at that line and field
    await typeInto(1, 'quantity', '');
    await page.keyboard.press('Control+Enter');
    const err = row(1).locator('[data-test=line-error]');
    await err.waitFor();
    assert.match(await err.innerText(), /第 2 行/);
    assert.match(await err.innerText(), /数量/);
    assert.equal(await row(1).locator('td[data-field="quantity"].is-error').count(), 1);
    assert.equal(await row(0).locator('[data-test=line-error]').count(), 0, 'only the bad line');
    await page.waitForTimeout(200);
    await screenshot(page, 'lines-06-keyboard-error');
    browser.problems.length = 0; // the 422 is the point of this step
    await typeInto(1, 'quantity', '3');
    await page.keyboard.press('Tab');
    assert.deepEqual(await totals(), ['¥3,200.00', '¥180.00', '¥3,380.00']);
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-test=record-title]', { hasText: '键盘录入报价' }).waitFor();

    // after a reload the lines are there in their order, the totals below them
    await page.reload();
    const table = page.locator('[data-test=line-table]');
    await table.waitFor();
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 2);
    assert.match(await rows.nth(0).innerText(), /差旅费/);
    assert.match(await rows.nth(1).innerText(), /咨询服务/);
    assert.match(await page.locator('[data-test=doc-totals] [data-field=total]').innerText(), /3,380\.00/);
    const tableBox = await table.boundingBox();
    assert.ok((await page.locator('[data-test=doc-totals]').boundingBox()).y >= tableBox.y + tableBox.height);
    await page.locator('[data-test=doc-totals]').scrollIntoViewIfNeeded();
    await screenshot(page, 'lines-07-keyboard-detail');
    const id = Number(page.url().match(/quotes\/(\d+)/)[1]);
    const saved = (await api('GET', `/quotes/${id}`)).body;
    assert.deepEqual(saved.lines.map(l => [l.position, l.description, l.quantity, l.price]), [[1, '差旅费', 1, 200], [2, '咨询服务', 3, 1000]]);
    assert.deepEqual([saved.subtotal, saved.tax_total, saved.total], [3200, 180, 3380], 'the server agrees');
  });
});
