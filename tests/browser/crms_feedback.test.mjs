// crms_feedback.test.mjs - the CRMS lab's last step in the browser: the
// 售后服务员 the administrator set up (customers read-only, 服务反馈 in full)
// signs in, has no 系统设置 and no 编辑 on a customer, and records a
// 反馈留言 on the ticket form, which the server numbers; the student's step
// 以售后服务员身份录入服务反馈 counts it.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const it = checkedIt(nodeIt, assert, 'crms-feedback-', () => ({ page, browser }));
const api = async (method, path, body, status) => {
  const r = await apiInPage(page, method, path, body);
  if (status) assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};
const visibleOption = text => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
const PW = 'Saled#2026word';

describe('CRMS 设置实验: the 售后服务员 records 服务反馈', () => {
  const ids = {};
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const hq = (await api('GET', '/departments')).items[0];
    const root = (await api('GET', '/roles')).items.find(r => r.name === '管理员');
    const dept = await api('POST', '/departments', { name: '售后服务部', parent_id: hq.id }, 201);
    const read = { view: true, view_all: true };
    const profile = await api('POST', '/profiles', { name: '售后服务', permissions: { accounts: read, contacts: read, products: read,
      activities: { view: true, create: true }, tickets: { view: true, create: true, edit: true, delete: true } } }, 201);
    const role = await api('POST', '/roles', { name: '售后服务员', parent_id: root.id, profile_ids: [profile.id] }, 201);
    await api('POST', '/users', { username: 'saled', name: '许文静', password: PW, department_id: dept.id, role_id: role.id }, 201);
    ids.account = (await api('POST', '/accounts', { name: '杭州西湖花园物业', city: '杭州' }, 201)).id;
    await api('POST', '/contacts', { name: '沈国强', account_id: ids.account, mobile: '13805710001' }, 201);
    await page.evaluate(async () => {
      const { csrf_token: token } = await (await fetch('/api/v1/session')).json();
      await fetch('/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': token } });
    });
  });
  after(() => closeApp({ srv, browser }));

  it('saled signs in: no 系统设置, customers read-only', async () => {
    await signIn(page, srv.base, 'saled', PW);
    const menu = page.locator('[data-test=main-menu]');
    await menu.locator('[data-entity="tickets"]').waitFor();
    assert.equal(await menu.getByText('系统设置').count(), 0);
    await page.goto(`${srv.base}/accounts/${ids.account}`);
    await page.locator('[data-test=record-title]', { hasText: '杭州西湖花园物业' }).waitFor();
    assert.equal(await page.locator('[data-test=edit]').count(), 0, 'no 编辑 on a customer');
    await screenshot(page, 'crms-feedback-01-read-only');
  });

  it('a 反馈留言 recorded on the form is numbered and saved as the 售后服务员\'s', async () => {
    await page.goto(`${srv.base}/tickets/new`);
    await page.locator('[data-test=entity-form]').waitFor();
    await page.locator('[data-field=subject] input').fill('空调外机噪音偏大');
    await page.locator('[data-field=kind] .el-select__wrapper').click();
    await visibleOption('反馈留言').click();
    await page.locator('[data-field=account_id] .el-select__wrapper').click();
    await page.locator('[data-field=account_id] input').fill('西湖');
    await visibleOption('杭州西湖花园物业').click();
    await page.locator('[data-field=category] .el-select__wrapper').click();
    await visibleOption('安装调试').click();
    await page.locator('[data-field=priority] .el-select__wrapper').click();
    await visibleOption('中').click();
    await page.locator('[data-field=description] textarea').fill('沈国强反馈：新装的空调外机噪音偏大，希望安排师傅上门查看。');
    await screenshot(page, 'crms-feedback-02-form');
    await page.locator('[data-test=save]').click();
    await page.waitForURL(/\/tickets\/\d+$/);
    await page.getByText(/FW-\d+/).first().waitFor();
    await screenshot(page, 'crms-feedback-03-saved');
    const id = Number(page.url().match(/\/tickets\/(\d+)$/)[1]);
    const t = await api('GET', `/tickets/${id}`, undefined, 200);
    const me = (await api('GET', '/session')).user;
    assert.deepEqual([t.kind, t.account_id, t.owner_id, t.status], ['feedback', ids.account, me.id, 'new']);
  });
});
