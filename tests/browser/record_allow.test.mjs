// record_allow.test.mjs - a record the user may read but not change (a
// colleague's customer under sharing 公开只读, a colleague's 市场活动, which
// the whole company reads) offers no 编辑, 删除, 添加成员, state action or
// attachment upload, and says why; its owner sees them all (GET's
// X-Kehu-Allow, docs/api.md). A related list's 新建 follows the create
// right on the related entity.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);
const it = checkedIt(nodeIt, assert, 'record-allow-', () => ({ page, browser }));
const PASSWORD = 'Pass#2026word';
const HINT = '只读：你可以查看此记录，但不能修改';
const ALL = { view: true, create: true, edit: true, delete: true, import: true, export: true };

async function signInAs(username) {
  await page.context().clearCookies();
  await signIn(page, srv.base, username, PASSWORD);
}

// the record page once its title and its owner's toolbar had time to show
async function open(path) {
  await page.goto(srv.base + path);
  await page.locator('[data-test=record-title]').waitFor();
}

const shown = async selector => page.locator(selector).count();

describe('a read-only record offers no changes', () => {
  const ids = {};
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const profile = (await api('POST', '/profiles', { name: '销售（只读测试）', permissions: { accounts: ALL, campaigns: ALL, campaign_members: ALL, contacts: ALL, leads: ALL } })).body;
    const roles = (await api('GET', '/roles?limit=50')).body.items;
    const root = roles.find(r => r.name === '管理员');
    const role = (await api('POST', '/roles', { name: '销售员（只读测试）', parent_id: root.id, profile_ids: [profile.id] })).body;
    for (const [username, name] of [['lina', '李娜'], ['zhangwei', '张伟']])
      assert.equal((await api('POST', '/users', { username, name, password: PASSWORD, role_id: role.id })).status, 201);
    // a profile that reads contacts but may not create them
    const lookOnly = (await api('POST', '/profiles', { name: '只看联系人（只读测试）', permissions: { accounts: ALL, contacts: { view: true } } })).body;
    const lookRole = (await api('POST', '/roles', { name: '助理（只读测试）', parent_id: root.id, profile_ids: [lookOnly.id] })).body;
    assert.equal((await api('POST', '/users', { username: 'wangfang', name: '王芳', password: PASSWORD, role_id: lookRole.id })).status, 201);
    assert.equal((await api('PUT', '/sharing', { accounts: 'public_read' })).status, 200);
    await signInAs('lina');
    ids.account = (await api('POST', '/accounts', { name: '无锡华光锅炉股份有限公司' })).body.id;
    ids.campaign = (await api('POST', '/campaigns', { name: '无锡客户答谢会', type: 'customer_event' })).body.id;
    assert.ok(ids.account && ids.campaign);
  });
  after(() => closeApp({ srv, browser }));

  it('a colleague reads the customer but sees no 编辑, 删除 or upload, and the hint', async () => {
    await signInAs('zhangwei');
    await open(`/accounts/${ids.account}`);
    await page.getByText(HINT).waitFor();
    assert.equal(await shown('[data-test=edit]'), 0, '编辑 is not offered');
    assert.equal(await shown('[data-test=delete]'), 0, '删除 is not offered');
    await screenshot(page, 'record-allow-01-customer-read-only');
    await page.getByRole('tab', { name: /附件/ }).click();
    await page.locator('[data-test=attachments-table]').waitFor();
    assert.equal(await shown('[data-test=attachment-add]'), 0, 'no upload on a read-only record');
    // and the server agrees: the change the page does not offer is refused
    assert.equal((await api('PATCH', `/accounts/${ids.account}`, { description: '越权' })).status, 403);
  });

  it('the edit page of a read-only record leads back to the record, saying why', async () => {
    await page.goto(`${srv.base}/accounts/${ids.account}/edit`);
    await page.waitForURL(new RegExp(`/accounts/${ids.account}$`));
    await page.locator('.el-message--warning', { hasText: HINT }).waitFor();
    assert.equal(await shown('[data-test=save]'), 0, 'no form to save');
  });

  it('a colleague\'s campaign offers no 添加成员 nor 开始活动', async () => {
    await open(`/campaigns/${ids.campaign}`);
    await page.getByText(HINT).waitFor();
    for (const sel of ['[data-test=edit]', '[data-test=delete]', '[data-test=add-members]', '[data-test=start]'])
      assert.equal(await shown(sel), 0, `${sel} is not offered`);
    await screenshot(page, 'record-allow-02-campaign-read-only');
    const r = await api('POST', `/campaigns/${ids.campaign}/members`, { entity: 'accounts', q: '无锡' });
    assert.equal(r.status, 403, JSON.stringify(r.body));
  });

  it('a related list offers 新建 only to who may create the related record', async () => {
    await signInAs('wangfang');
    const own = (await api('POST', '/accounts', { name: '常州恒泰纺织有限公司' })).body.id;
    await open(`/accounts/${own}`);
    await page.getByRole('tab', { name: /联系人/ }).click();
    await page.locator('[data-related=contacts]').waitFor();
    assert.equal(await shown('[data-related=contacts] [data-test=related-new]'), 0, 'no 新建 without the create right');
    await screenshot(page, 'record-allow-04-related-no-create');
    // the server agrees
    assert.equal((await api('POST', '/contacts', { name: '赵敏', account_id: own })).status, 403);
    // a colleague who may create contacts gets 新建 on the customer she reads
    await signInAs('zhangwei');
    await open(`/accounts/${own}`);
    await page.getByRole('tab', { name: /联系人/ }).click();
    await page.locator('[data-related=contacts] [data-test=related-new]').waitFor();
  });

  it('the owner sees every change and no hint', async () => {
    await signInAs('lina');
    await open(`/campaigns/${ids.campaign}`);
    for (const sel of ['[data-test=edit]', '[data-test=delete]', '[data-test=add-members]', '[data-test=start]'])
      await page.locator(sel).waitFor();
    assert.equal(await page.getByText(HINT).count(), 0);
    await screenshot(page, 'record-allow-03-campaign-owner');
    await open(`/accounts/${ids.account}`);
    await page.locator('[data-test=edit]').waitFor();
    await page.locator('[data-test=delete]').waitFor();
    assert.equal(await page.getByText(HINT).count(), 0);
    await page.getByRole('tab', { name: /附件/ }).click();
    await page.locator('[data-test=attachment-add]').waitFor();
  });
});
