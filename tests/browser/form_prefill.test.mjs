// form_prefill.test.mjs - a related list's 新建 opens the form with the
// parent filled in, which first reads the parent's name. The form shows
// only once that is done: shown before, it took typing that the late fill
// then wiped (what was typed in one field ended up in the first one, which
// was focused late) - the lab walk's 市场任务 failed so on a slow answer.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);
const it = checkedIt(nodeIt, assert, 'form-prefill-', () => ({ page, browser }));

describe('a new record from a related list', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
  });
  after(() => closeApp({ srv, browser }));

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
    await screenshot(page, 'form-prefill-01-typed');
    await page.unroute(`**/api/v1/accounts/${account.id}`);
    await page.locator('[data-test=save]').click();
    await page.waitForURL(/\/(contacts|accounts)\/\d+/);
    const made = (await api('GET', `/contacts?q=${encodeURIComponent('钱立群')}`)).body.items;
    assert.deepEqual(made.map(c => [c.name, c.mobile, c.account_id]), [['钱立群', '13905110086', account.id]]);
  });
});
