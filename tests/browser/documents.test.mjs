// documents.test.mjs - 文档中心 in the browser: 李娜 makes a folder, uploads a
// file into it and shares the folder with 赵敏; she opens a text document
// and submits it (投稿); 王立, her superior, finds it in 待我审核的投稿 under
// her name and publishes it into 公共文档; 赵敏 reads the shared folder.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

const PW = 'Pass#2026word';
let srv, browser, page;
const it = checkedIt(nodeIt, assert, 'documents-', () => ({ page, browser }));
const api = async (method, path, body, status = 201) => {
  const r = await apiInPage(page, method, path, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};
const visibleOption = text => page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text });
const docRow = title => page.locator('[data-test=document-list] .el-table__row', { hasText: title });
const folder = name => page.locator(`[data-test=folder-tree] [data-folder="${name}"]`);
const as = async who => {
  await page.context().clearCookies();
  await signIn(page, srv.base, who, PW);
};
const openCenter = async () => {
  await page.locator('[data-test=main-menu]').getByText('我的文档').click();
  await page.waitForURL(/\/documents\/center$/);
  await page.locator('[data-test=document-center]').waitFor();
};

describe('document centre (文档中心)', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const ALL = { view: true, create: true, edit: true, delete: true };
    const profile = await api('POST', '/profiles', { name: '文档用户', permissions: { documents: ALL, doc_folders: ALL } });
    const manager = await api('POST', '/roles', { name: '销售经理', profile_ids: [profile.id] });
    const rep = await api('POST', '/roles', { name: '销售代表', parent_id: manager.id, profile_ids: [profile.id] });
    await api('POST', '/users', { username: 'wangli', name: '王立', password: PW, role_id: manager.id });
    await api('POST', '/users', { username: 'lina', name: '李娜', password: PW, role_id: rep.id });
    await api('POST', '/users', { username: 'zhaomin', name: '赵敏', password: PW, role_id: rep.id });
    await as('lina');
  });
  after(async () => { await closeApp({ srv, browser }); });

  it('makes a folder from the menu and uploads a file into it', async () => {
    await openCenter();
    await page.locator('[data-test=new-folder]').click();
    const box = page.locator('.el-message-box');
    await box.locator('input').fill('客户拜访记录');
    await box.locator('.el-button--primary').click();
    await folder('客户拜访记录').waitFor();
    await page.locator('[data-test=document-upload-input]').setInputFiles({ name: '华信拜访纪要.txt', mimeType: 'text/plain', buffer: Buffer.from('与采购部刘经理会谈。') });
    await docRow('华信拜访纪要').waitFor();
    assert.match(await docRow('华信拜访纪要').innerText(), /客户拜访记录[\s\S]*1/);
    await screenshot(page, 'documents-01-folder');
  });

  it('shares the folder with 赵敏', async () => {
    await page.locator('[data-test=share-folder]').click();
    const dialog = page.locator('[data-test=share-dialog]');
    await dialog.waitFor();
    await page.locator('[data-test=share-add]').click();
    await page.locator('[data-test=share-who-0] .el-select__wrapper').click();
    await visibleOption('赵敏').click();
    await screenshot(page, 'documents-02-share');
    await page.locator('[data-test=share-save]').click();
    await page.locator('.el-message--success', { hasText: '共享设置已保存' }).waitFor();
  });

  it('writes a text document and submits it (投稿)', async () => {
    const { id: folderId } = (await api('GET', '/doc_folders', undefined, 200)).items.find(f => f.name === '客户拜访记录');
    const doc = await api('POST', '/documents', { title: '大客户拜访经验总结', kind: 'text', folder_id: folderId, content: '先约采购，再见技术。' });
    await page.goto(`${srv.base}/documents/${doc.id}`);
    await page.locator('[data-test=submit]').click();
    await page.getByText('审核中').first().waitFor();
    await screenshot(page, 'documents-03-submitted');
  });

  it('the superior finds it under 李娜 and publishes it into 公共文档', async () => {
    await as('wangli');
    await openCenter();
    await page.getByRole('tab', { name: /待我审核的投稿/ }).click();
    const group = page.locator('[data-submitter="李娜"]');
    await group.waitFor();
    assert.match(await group.innerText(), /投稿人：李娜（1）[\s\S]*大客户拜访经验总结/);
    await screenshot(page, 'documents-04-submissions');
    await group.locator('.el-table__row', { hasText: '大客户拜访经验总结' }).click();
    await page.locator('[data-test=record-approve]').click();
    const box = page.locator('.el-message-box');
    await box.waitFor();
    await box.locator('.el-button--primary').click();
    await page.getByText('已发布').first().waitFor();
    await openCenter();
    await folder('公共文档').waitFor();
    await folder('公共文档').click();
    await docRow('大客户拜访经验总结').waitFor();
  });

  it('赵敏 reads the shared folder; the published document is everyone\'s', async () => {
    await as('zhaomin');
    await openCenter();
    await folder('客户拜访记录').click();
    await docRow('华信拜访纪要').waitFor();
    await folder('公共文档').click();
    await docRow('大客户拜访经验总结').waitFor();
    await screenshot(page, 'documents-05-shared');
  });
});
