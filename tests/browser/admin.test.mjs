// admin.test.mjs - issue 5 in the browser: an administrator sets up the
// CRMS lab's after-sales role from the UI (售后服务部, a profile with
// customers and contacts read-only and activities in full, the role
// 售后服务员, a user in it), the permission matrix survives a reload, and
// that user, signed in, meets exactly those restrictions. Also the sharing
// table, password reset, the sign-in history and the customised menu.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const visibleOption = text => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
async function choose(testId, text) {
  await page.locator(`[data-test=${testId}] .el-select__wrapper`).click();
  await visibleOption(text).click();
  await page.keyboard.press('Escape');
}
async function tab(name) {
  await page.goto(`${srv.base}/admin/access/${name}`);
  await page.locator('[data-test=access-tabs]').waitFor();
}
const api = (method, path, body) => apiInPage(page, method, path, body);
async function signOut() {
  await page.evaluate(async () => {
    const { csrf_token: token } = await (await fetch('/api/v1/session')).json();
    await fetch('/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': token } });
  });
}
const checked = async testId => (await page.locator(`[data-test="${testId}"]`).getAttribute('class')).includes('is-checked');

const it = checkedIt(nodeIt, assert, 'admin-', () => ({ page, browser }));

describe('access control administration', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
  });
  after(() => closeApp({ srv, browser }));

  it('adds the department 售后服务部 under 总公司 in the organisation tree', async () => {
    await tab('departments');
    await page.locator('[data-node="总公司"]').click();
    await page.locator('[data-test=node-add-child]').click();
    await page.locator('[data-test=node-name]').fill('售后服务部');
    await page.locator('[data-test=node-save]').click();
    await page.locator('[data-test=tree-departments] [data-node="售后服务部"]').waitFor();
    await screenshot(page, 'admin-01-departments');
  });

  it('edits a permission matrix: customers and contacts read-only, activities in full; it survives a reload', async () => {
    await tab('profiles');
    await page.locator('[data-test=profile-new]').click();
    await page.locator('[data-test=profile-name]').fill('售后服务');
    await page.locator('[data-test="cell-accounts-view"]').click();
    await page.locator('[data-test="cell-contacts-view"]').click();
    await page.locator('[data-test="row-activities"]').click();
    // ticking a right other than view ticks view too
    await page.locator('[data-test="cell-leads-export"]').click();
    assert.ok(await checked('cell-leads-view'));
    await page.locator('[data-test="cell-leads-export"]').click();
    await page.locator('[data-test="cell-leads-view"]').click();
    await screenshot(page, 'admin-02-matrix');
    await page.locator('[data-test=profile-save]').click();
    await page.locator('.el-message--success').waitFor();
    await page.reload();
    await page.locator('[data-profile="售后服务"]').click();
    for (const [cell, on] of [['cell-accounts-view', true], ['cell-accounts-edit', false], ['cell-contacts-view', true],
      ['cell-activities-create', true], ['cell-activities-delete', true], ['cell-leads-view', false], ['cell-opportunities-view', false]])
      assert.equal(await checked(cell), on, cell);
    // every module as it lands has its row (issue 15: the CRMS lab needs 服务反馈 and 产品, not five modules)
    const modules = (await api('GET', '/metadata')).body.entities
      .filter(e => !['users', 'departments', 'roles', 'profiles'].includes(e.name) && !e.personal && !e.owned_by).map(e => e.name);
    for (const name of ['tickets', 'products', 'quotes', 'sales_orders', 'campaigns', 'contracts']) assert.ok(modules.includes(name), name);
    const rows = await page.locator('[data-test=matrix] [data-test^="row-"]').evaluateAll(rs => rs.map(r => r.dataset.test.slice(4)));
    assert.deepEqual(rows.filter(r => r !== '*').sort(), [...modules].sort());
  });

  it('the field access editor: a customer\'s 资信额度 hidden, its grade read-only; it survives a reload', async () => {
    await page.locator('[data-profile="售后服务"]').click();
    await page.locator('[data-test=profiles-editor] .el-tabs__item', { hasText: '字段权限' }).click();
    await choose('fa-entity', '客户');
    await page.locator('[data-test="fa-credit_limit"] label', { hasText: '隐藏' }).click();
    await page.locator('[data-test="fa-grade"] label', { hasText: '只读' }).click();
    await screenshot(page, 'admin-02b-field-access');
    await page.locator('[data-test=profile-save]').click();
    await page.locator('.el-message--success').last().waitFor();
    const saved = (await api('GET', '/profiles?limit=100')).body.items.find(p => p.name === '售后服务');
    assert.equal(saved.field_access.accounts.credit_limit, 'hidden');
    assert.equal(saved.field_access.accounts.grade, 'read');
    await page.reload();
    await page.locator('[data-profile="售后服务"]').click();
    await page.locator('[data-test=profiles-editor] .el-tabs__item', { hasText: '字段权限' }).click();
    await choose('fa-entity', '客户');
    assert.match(await page.locator('[data-test="fa-credit_limit"] .is-active').innerText(), /隐藏/);
    assert.match(await page.locator('[data-test="fa-grade"] .is-active').innerText(), /只读/);
  });

  it('adds the role 售后服务员 under 管理员 with that profile', async () => {
    await tab('roles');
    await page.locator('[data-node="管理员"]').click();
    await page.locator('[data-test=node-add-child]').click();
    await page.locator('[data-test=node-name]').fill('售后服务员');
    await choose('node-profiles', '售后服务');
    await page.locator('[data-test=node-save]').click();
    await page.locator('[data-test=tree-roles] [data-node="售后服务员"]').waitFor();
    await screenshot(page, 'admin-03-roles');
  });

  it('adds a user in 售后服务部 as 售后服务员', async () => {
    await tab('users');
    await page.locator('[data-test=user-new]').click();
    await page.locator('[data-test=u-username]').fill('shouhou1');
    await page.locator('[data-test=u-name]').fill('售后小王');
    await choose('u-department', '售后服务部');
    await choose('u-role', '售后服务员');
    await page.locator('[data-test=u-password]').fill('Shouhou#2026');
    await page.locator('[data-test=u-password2]').fill('Shouhou#2026');
    await page.locator('[data-test=u-save]').click();
    await page.locator('[data-test=users-table] [data-user="shouhou1"]').waitFor();
    await screenshot(page, 'admin-04-users');
  });

  it('the after-sales user sees customers read-only, no leads, and may record activities', async () => {
    const acc = await api('POST', '/accounts', { name: '售后测试客户有限公司', owner_id: null });
    assert.equal(acc.status, 201);
    await signOut();
    await signIn(page, srv.base, 'shouhou1', 'Shouhou#2026');
    const menu = page.locator('[data-test=main-menu]');
    await menu.locator('[data-entity="accounts"]').waitFor();
    assert.equal(await menu.locator('[data-entity="leads"]').count(), 0);
    assert.equal(await menu.locator('[data-entity="opportunities"]').count(), 0);
    assert.equal(await menu.locator('[data-entity="users"]').count(), 0, 'no settings menu');
    await menu.locator('[data-entity="accounts"]').click();
    await page.locator('[data-test=list-table]').waitFor();
    assert.equal(await page.locator('[data-test=create]').count(), 0, 'no 新建 on customers');
    await screenshot(page, 'admin-05-aftersales-accounts');
    const refused = await api('PATCH', `/accounts/${acc.body.id}`, { description: '试图修改' });
    assert.equal(refused.status, 403);
    // the hidden credit limit is neither a column nor in the record
    const seen = await api('GET', `/accounts/${acc.body.id}`);
    assert.ok(!('credit_limit' in seen.body), JSON.stringify(seen.body));
    assert.equal(await page.locator('[data-test=list-table] th', { hasText: '资信额度' }).count(), 0);
    await menu.locator('[data-entity="activities"]').click();
    await page.locator('[data-test=list-table]').waitFor();
    await page.locator('[data-test=create]').first().waitFor();
    const made = await api('POST', '/activities', { subject: '上门维修回访', kind: 'visit', account_id: acc.body.id });
    assert.equal(made.status, 201, JSON.stringify(made.body));
  });

  it('查看全部 lets the after-sales role read every customer; a profile can inherit another (继承自)', async () => {
    await signOut();
    await signIn(page, srv.base);
    const mine = await api('POST', '/accounts', { name: '管理员自己的客户有限公司' });
    assert.equal(mine.status, 201);
    await tab('profiles');
    await page.locator('[data-profile="售后服务"]').click();
    await page.locator('[data-test="cell-accounts-view_all"]').click();
    assert.ok(await checked('cell-accounts-view'), '查看全部 ticks 查看');
    await page.locator('[data-test=profile-save]').click();
    await page.locator('.el-message--success').last().waitFor();
    await page.locator('[data-test=profile-new]').click();
    await page.locator('[data-test=profile-name]').fill('售后主管');
    await choose('profile-parent', '售后服务');
    await page.locator('[data-test="cell-contacts-modify_all"]').click();
    for (const v of ['view', 'view_all', 'edit', 'delete']) assert.ok(await checked(`cell-contacts-${v}`), `修改全部 ticks ${v}`);
    await screenshot(page, 'admin-05b-scopes');
    await page.locator('[data-test=profile-save]').click();
    await page.locator('.el-message--success').last().waitFor();
    const profiles = (await api('GET', '/profiles?limit=100')).body.items;
    const parent = profiles.find(p => p.name === '售后服务'), child = profiles.find(p => p.name === '售后主管');
    assert.equal(parent.permissions.accounts.view_all, true);
    assert.equal(child.parent_id, parent.id);
    assert.equal(child.permissions.contacts.modify_all, true);
    await signOut();
    await signIn(page, srv.base, 'shouhou1', 'Shouhou#2026');
    const seen = await api('GET', `/accounts/${mine.body.id}`);
    assert.equal(seen.status, 200, 'the administrator\'s customer is readable now');
    assert.equal((await api('PATCH', `/accounts/${mine.body.id}`, { description: '仍然只读' })).status, 403);
  });

  it('customises the main menu: hides a module and moves another up', async () => {
    await page.locator('.topbar .el-dropdown').last().click();
    await page.locator('[data-test=customise-menu]').click();
    await page.locator('[data-test=menu-dialog] [data-item="contacts"] .el-switch').click();
    await page.locator('[data-test=menu-save]').click();
    await page.locator('.el-message--success').waitFor();
    assert.equal(await page.locator('[data-test=main-menu] [data-entity="contacts"]').count(), 0);
    await screenshot(page, 'admin-06-menu');
  });

  it('sharing table, password reset and sign-in history for the administrator', async () => {
    await signOut();
    await signIn(page, srv.base);
    await tab('sharing');
    await page.locator('[data-test="sharing-accounts"] label', { hasText: '公共只读' }).click();
    await page.locator('[data-test=sharing-save]').click();
    await page.locator('.el-message--success').waitFor();
    await page.reload();
    await page.locator('[data-test=sharing-table]').waitFor();
    assert.ok((await page.locator('[data-test="sharing-accounts"] label.is-active').innerText()).includes('公共只读'));
    await screenshot(page, 'admin-07-sharing');
    await tab('users');
    const row = page.locator('[data-test=users-table] [data-user="shouhou1"]');
    await row.locator('[data-test=user-reset]').click();
    await page.locator('[data-test=u-password]').fill('Reset#2026pw');
    await page.locator('[data-test=u-password2]').fill('Reset#2026pw');
    await page.locator('[data-test=u-save]').click();
    await page.locator('.el-message--success').waitFor();
    await row.locator('[data-test=user-logins]').click();
    await page.locator('[data-test=logins] .el-table__body tr').first().waitFor();
    assert.ok(await page.locator('[data-test=logins] .el-table__body tr').count() >= 1);
    await page.waitForTimeout(500); // the drawer slides in
    await screenshot(page, 'admin-08-logins');
  });
});
