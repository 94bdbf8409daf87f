// companies.test.mjs - 公司管理 in the browser: a platform administrator
// creates a company with its first administrator (the password rule beside
// the field, a duplicate name refused at the field), renames it; that
// administrator signs in to an empty company of their own (the platform
// company's customer is not there) and has no 公司管理; suspending the
// company sends them to the sign-in page at their next step, and
// reactivating lets them in again.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, signedIn, screenshot, apiInPage, checkedIt, openApp, closeApp, startBrowser } from './harness.mjs';

const COMPANY = '华东商贸';
const RENAMED = '华东商贸有限公司';
const ADMIN = { username: 'hd_admin', name: '王经理', password: 'Huadong#2026' };
const PLATFORM_ACCOUNT = '平台公司的客户甲';

let srv, browser, page;   // the platform administrator
let other, otherPage;     // the new company's administrator, in a browser of their own
const it = checkedIt(nodeIt, assert, 'companies-', () => ({ page, browser }));

const dialog = () => page.locator('[data-test=company-dialog]');
// a company's line of the table (its name, code, status and buttons)
const row = name => page.locator('[data-test=companies-table] tr', { has: page.locator(`[data-company="${name}"]`) });
const fieldError = testId => dialog().locator('.el-form-item', { has: page.locator(`[data-test=${testId}]`) }).locator('.el-form-item__error');

async function openCreate() {
  await page.locator('[data-test=company-new]').click();
  await dialog().waitFor();
}
async function fillCreate({ name, username, adminName, password }) {
  await dialog().locator('[data-test=c-name]').fill(name);
  await dialog().locator('[data-test=c-username]').fill(username);
  await dialog().locator('[data-test=c-admin-name]').fill(adminName);
  await dialog().locator('[data-test=c-password]').fill(password);
}

describe('companies (tenants) administration', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    assert.equal((await apiInPage(page, 'POST', '/accounts', { name: PLATFORM_ACCOUNT })).status, 201);
  });
  after(async () => {
    if (other) await other.close();
    await closeApp({ srv, browser });
  });

  it('shows the platform administrator 公司管理 under 系统设置 and their company in the user menu', async () => {
    await page.locator('[data-test=user-menu]').click();
    await page.locator('[data-test=user-company]:visible', { hasText: '本公司' }).waitFor();
    await screenshot(page, 'companies-00-user-menu');
    await page.keyboard.press('Escape');
    await page.locator('[data-test=main-menu] [data-entity=companies]').click();
    await page.waitForURL(/\/admin\/companies$/);
    await row('本公司').waitFor();
    await screenshot(page, 'companies-01-list');
  });

  it('creates a company with its first administrator; the password rule stands beside the field', async () => {
    await openCreate();
    assert.match(await dialog().locator('[data-test=password-rule]').innerText(), /8 至 128 个字符/);
    await fillCreate({ name: COMPANY, username: ADMIN.username, adminName: ADMIN.name, password: 'short' });
    await dialog().locator('[data-test=c-save]').click();
    await fieldError('c-password').filter({ hasText: '密码太短' }).waitFor();
    await dialog().locator('[data-test=c-password]').fill(ADMIN.password);
    await screenshot(page, 'companies-02-create');
    await dialog().locator('[data-test=c-save]').click();
    await page.locator('.el-message--success', { hasText: COMPANY }).waitFor();
    await row(COMPANY).waitFor();
    assert.match(await row(COMPANY).innerText(), /c\d+[\s\S]*启用/); // the code made for it, and active
  });

  it('refuses a duplicate company name at the name field', async () => {
    await openCreate();
    await fillCreate({ name: COMPANY, username: 'hd_admin2', adminName: '李四', password: ADMIN.password });
    await dialog().locator('[data-test=c-save]').click();
    await fieldError('c-name').filter({ hasText: /同名/ }).waitFor();
    assert.equal(await fieldError('c-username').count(), 0);
    await screenshot(page, 'companies-03-duplicate');
    await dialog().getByRole('button', { name: '取消' }).click();
  });

  it('renames the company', async () => {
    await row(COMPANY).locator('[data-test=company-rename]').click();
    await dialog().locator('[data-test=c-name]').fill(RENAMED);
    await dialog().locator('[data-test=c-save]').click();
    await row(RENAMED).waitFor();
  });

  it('reads in English, the password rule too', async () => {
    await page.locator('[data-test=user-menu]').click();
    await page.locator('[data-test=lang-en]:visible').click();
    await page.locator('.page-title', { hasText: 'Companies' }).waitFor();
    await openCreate();
    await dialog().getByText('Admin username').waitFor();
    assert.match(await dialog().locator('[data-test=password-rule]').innerText(), /^8 to 128 characters/);
    await screenshot(page, 'companies-03b-english');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await page.locator('[data-test=user-menu]').click();
    await page.locator('[data-test=lang-zh]:visible').click();
    await page.locator('.page-title', { hasText: '公司管理' }).waitFor();
  });

  it('the new administrator signs in to their own, empty company and has no 公司管理', async () => {
    other = await startBrowser();
    otherPage = await other.context.newPage();
    otherPage.setDefaultTimeout(8000);
    await signIn(otherPage, srv.base, ADMIN.username, ADMIN.password);
    await otherPage.locator('[data-test=user-menu]').click();
    await otherPage.locator('[data-test=user-company]:visible', { hasText: RENAMED }).waitFor();
    await screenshot(otherPage, 'companies-04-tenant-user-menu');
    await otherPage.keyboard.press('Escape');
    await otherPage.locator('[data-test=main-menu] [data-entity=accounts]').click();
    await otherPage.locator('[data-test=list-total]', { hasText: '共 0 条' }).waitFor();
    await screenshot(otherPage, 'companies-04-tenant-accounts');
    assert.equal(await otherPage.getByText(PLATFORM_ACCOUNT).count(), 0);
    // an administrator of their company (系统设置 is there), not of the platform
    await otherPage.locator('[data-test=main-menu] [data-entity=sharing]').waitFor();
    assert.equal(await otherPage.locator('[data-test=main-menu] [data-entity=companies]').count(), 0);
    await otherPage.goto(srv.base + '/admin/companies');
    await otherPage.waitForURL(url => new URL(url).pathname === '/');
        assert.deepEqual(other.problems, []);
  });

  it('suspends the company after a confirmation: its administrator lands on the sign-in page at the next step', async () => {
    await row(RENAMED).locator('[data-test=company-suspend]').click();
    const box = page.locator('.el-message-box');
    assert.match(await box.innerText(), /退出登录/);
    await screenshot(page, 'companies-05-suspend-confirm');
    await box.getByRole('button', { name: '停用' }).click();
    await page.locator('.el-message--success', { hasText: '已停用' }).waitFor();
    assert.match(await row(RENAMED).innerText(), /停用/);
    await row(RENAMED).locator('[data-test=company-reactivate]').waitFor();

    // the next step sends the suspended administrator to the sign-in page;
    // a background refresh (the reminder bell) may have done it already
    if (!/\/login/.test(otherPage.url()))
      await otherPage.locator('[data-test=main-menu] [data-entity=contacts]').click({ timeout: 15000 }).catch(() => {});
    await otherPage.waitForURL(/\/login/);
    await otherPage.getByLabel('用户名').fill(ADMIN.username);
    await otherPage.getByLabel('密码').fill(ADMIN.password);
    await otherPage.locator('[data-test=login-submit]').click();
    await otherPage.locator('[data-test=login-error]').waitFor({ timeout: 30000 });
    await screenshot(otherPage, 'companies-06-suspended-sign-in');
  });

  it('reactivates the company: its administrator signs in again', async () => {
    await row(RENAMED).locator('[data-test=company-reactivate]').click();
    await page.locator('.el-message--success', { hasText: '已启用' }).waitFor();
    // still on the sign-in page that refused them
    await otherPage.locator('[data-test=login-submit]').click();
    await signedIn(otherPage);
    assert.deepEqual(other.problems, []);
  });
});
