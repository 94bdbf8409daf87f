// forms.test.mjs - the generic record form: a new form starts in its first
// field; Enter (which a Chinese input method uses to confirm its candidate)
// never sends the form; Ctrl+Enter saves. A related list's 新建 fills in
// the parent, which first reads the parent's name: the form shows only once
// that is done (shown before, it took typing that the late fill then wiped,
// and what was typed in one field ended up in the first, focused late).
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);
const it = checkedIt(nodeIt, assert, 'forms-', () => ({ page, browser }));

describe('the record form', () => {
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

  it('keeps what is typed while the parent is read slowly', async () => {
    const account = (await api('POST', '/accounts', { name: '镇江润达机械有限公司' })).body;
    await page.goto(`${srv.base}/accounts/${account.id}?tab=rel:contacts`);
    await page.locator('[data-related=contacts] [data-test=related-new]').waitFor();
    // the form's read of the parent answers after 1.5 s
    await page.route(`**/api/v1/accounts/${account.id}`, async route => {
      await new Promise(r => setTimeout(r, 1500));
      await route.continue();
    });
    await page.locator('[data-related=contacts] [data-test=related-new]').click();
    await page.locator('[data-test=entity-form]').waitFor();
    await page.locator('[data-field=name] input').fill('钱立群');
    await page.locator('[data-field=mobile] input').fill('13905110086');
    await page.waitForTimeout(300); // a late fill or focus would come now
    assert.equal(await page.locator('[data-field=name] input').inputValue(), '钱立群');
    assert.equal(await page.locator('[data-field=mobile] input').inputValue(), '13905110086');
    await screenshot(page, 'forms-02-prefill-typed-meanwhile');
    await page.unroute(`**/api/v1/accounts/${account.id}`);
    await page.locator('[data-test=save]').click();
    await page.waitForURL(/\/(contacts|accounts)\/\d+/);
    const made = (await api('GET', `/contacts?q=${encodeURIComponent('钱立群')}`)).body.items;
    assert.deepEqual(made.map(c => [c.name, c.mobile, c.account_id]), [['钱立群', '13905110086', account.id]]);
  });
});
