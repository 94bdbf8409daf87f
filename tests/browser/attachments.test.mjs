// attachments.test.mjs - 附件 on a record page: upload two files at once
// (a picture shows a preview), download one as the server sends it, and
// delete one after a warning.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

// a 1×1 PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
let srv, browser, page, account;
const it = checkedIt(nodeIt, assert, 'attachments-', () => ({ page, browser }));

describe('attachments on a record', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    account = (await apiInPage(page, 'POST', '/accounts', { name: '常州武进纺织机械有限公司' })).body;
  });
  after(async () => { await closeApp({ srv, browser }); });

  it('uploads files and shows them with a preview', async () => {
    await page.goto(`${srv.base}/accounts/${account.id}`);
    await page.getByRole('tab', { name: /附件/ }).click();
    await page.locator('[data-test=attachments-table]').getByText('还没有附件').waitFor();
    await page.locator('[data-test=attachment-input]').setInputFiles([
      { name: '设备采购合同.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 合同') },
      { name: '厂区门头.png', mimeType: 'image/png', buffer: PNG },
    ]);
    const table = page.locator('[data-test=attachments-table]');
    await table.locator('[data-attachment="设备采购合同.pdf"]').waitFor();
    await table.locator('[data-attachment="厂区门头.png"]').waitFor();
    await table.locator('img.thumb').waitFor();
    await page.getByRole('tab', { name: '附件（2）' }).waitFor();
    await screenshot(page, 'attachments-01-list');
  });

  it('downloads a file as it was uploaded', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-attachment="设备采购合同.pdf"]').click(),
    ]);
    assert.equal(download.suggestedFilename(), '设备采购合同.pdf');
    const { readFileSync } = await import('node:fs');
    assert.equal(readFileSync(await download.path(), 'utf8'), '%PDF-1.4 合同');
  });

  it('deletes one after a warning', async () => {
    await page.locator('[data-delete-attachment="设备采购合同.pdf"]').click();
    await page.locator('.el-message-box').getByRole('button', { name: /确定|OK/ }).click();
    await page.locator('[data-attachment="设备采购合同.pdf"]').waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: '附件（1）' }).waitFor();
  });
});
