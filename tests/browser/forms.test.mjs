// forms.test.mjs - keyboard behaviour of the generic record form: a new
// form starts in its first field; Enter (which a Chinese input method uses
// to confirm its candidate) never sends the form; Ctrl+Enter saves.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);
const it = checkedIt(nodeIt, assert, 'forms-', () => ({ page, browser }));

describe('the record form and the keyboard', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
  });
  after(() => closeApp({ srv, browser }));

  it('a new form focuses its first field; Enter does not save; Ctrl+Enter does', async () => {
    await page.goto(`${srv.base}/accounts/new`);
    await page.locator('[data-test=entity-form]').waitFor();
    await page.waitForTimeout(200);
    const focused = await page.evaluate(() => document.activeElement?.closest('[data-field]')?.dataset.field);
    assert.equal(focused, 'name', 'the first field has the focus');
    await page.keyboard.type('回车不保存测试公司');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    assert.match(page.url(), /\/accounts\/new$/, 'still on the new form');
    const q = encodeURIComponent('回车不保存测试公司');
    assert.equal((await api('GET', `/accounts?q=${q}`)).body.total, 0, 'Enter created nothing');
    await screenshot(page, 'forms-01-enter-does-not-save');
    await page.keyboard.press('Control+Enter');
    await page.waitForURL(/\/accounts\/\d+$/);
    assert.equal((await api('GET', `/accounts?q=${q}`)).body.total, 1, 'Ctrl+Enter saved once');
  });
});
