// search_cap.test.mjs - a quick search whose matches pass the cap of its
// total (10,000; KEHU_SEARCH_TOTAL_CAP=3 here) shows "共 3+ 条" and a pager
// without a total, yet lists every match; a search under the cap shows its
// exact total again (docs/api.md, total_capped).
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);
const it = checkedIt(nodeIt, assert, 'search-cap-', () => ({ page, browser }));

describe('a search past the cap of its total', () => {
  before(async () => {
    process.env.KEHU_SEARCH_TOTAL_CAP = '3'; // the server started below inherits it
    ({ srv, browser, page } = await openApp());
    delete process.env.KEHU_SEARCH_TOTAL_CAP;
    await signIn(page, srv.base);
    for (const name of ['安达科技有限公司', '白云科技有限公司', '陈氏科技有限公司', '杜康科技有限公司', '方圆科技有限公司', '高远贸易有限公司']) {
      const r = await api('POST', '/accounts', { name });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(() => closeApp({ srv, browser }));

  it('shows 3+ for five matches and lists all five; an exact total for fewer', async () => {
    await page.goto(srv.base + '/accounts');
    await page.locator('[data-test=list-total]', { hasText: '共 6 条' }).waitFor();
    const box = page.locator('[data-test=quick-search] input');
    await box.fill('科技');
    await box.press('Enter');
    await page.locator('[data-test=list-total]', { hasText: '共 3+ 条' }).waitFor();
    await page.locator('.el-table__body-wrapper tbody tr', { hasText: '方圆科技' }).waitFor();
    assert.equal(await page.locator('.el-table__body-wrapper tbody tr').count(), 5);
    assert.equal(await page.locator('.el-pagination__total').count(), 0, 'the pager shows no total it does not know');
    await screenshot(page, 'search-cap-01-capped');
    await box.fill('贸易');
    await box.press('Enter');
    await page.locator('[data-test=list-total]', { hasText: '共 1 条' }).waitFor();
    await page.locator('.el-pagination__total').waitFor();
  });
});
