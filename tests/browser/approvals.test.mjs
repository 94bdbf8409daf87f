// approvals.test.mjs - 待我审批 in the browser: a 销售代表's orders over the
// threshold wait for 张伟, the superior; the count shows in his top bar,
// the inbox lists them; he rejects one (the comment is required) and
// approves the other, and the order's history tells both.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp, startBrowser } from './harness.mjs';

const PW = 'Pass#2026word';
let srv, browser, page, repBrowser, repPage;
const orders = {};
const it = checkedIt(nodeIt, assert, 'approvals-', () => ({ page, browser }));
const api = async (p, method, path, body, status = 201) => {
  const r = await apiInPage(p, method, path, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};
const row = subject => page.locator('[data-test=approval-inbox] .el-table__row', { hasText: subject });
const badge = () => page.locator('[data-test=approvals-badge]').locator('xpath=..').locator('.el-badge__content');

describe('approval inbox (待我审批)', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const ALL = { view: true, create: true, edit: true, delete: true };
    const profile = await api(page, 'POST', '/profiles', { name: '销售业务', permissions: { accounts: ALL, sales_orders: ALL } });
    const mgrRole = await api(page, 'POST', '/roles', { name: '销售经理', profile_ids: [profile.id] });
    const repRole = await api(page, 'POST', '/roles', { name: '销售代表', parent_id: mgrRole.id, profile_ids: [profile.id] });
    await api(page, 'POST', '/users', { username: 'zhangwei', name: '张伟', password: PW, role_id: mgrRole.id });
    await api(page, 'POST', '/users', { username: 'lina', name: '李娜', password: PW, role_id: repRole.id });
    await api(page, 'PUT', '/sharing', { accounts: 'public_read' }, 200);
    const account = await api(page, 'POST', '/accounts', { name: '南京审批客户有限公司' });
    await api(page, 'POST', '/approval_flows', { name: '大额订单审批', entity: 'sales_orders',
      condition: { field: 'total', op: 'gt', value: 10000 }, steps: [{ kind: 'superior' }] });
    // 李娜 submits two large orders in her own browser
    repBrowser = await startBrowser();
    repPage = await repBrowser.context.newPage();
    repPage.setDefaultTimeout(8000);
    await signIn(repPage, srv.base, 'lina', PW);
    for (const [key, subject, price] of [['big', '服务器采购订单', 50000], ['huge', '机房改造订单', 80000]]) {
      orders[key] = await api(repPage, 'POST', '/sales_orders', { subject, account_id: account.id,
        lines: [{ description: subject, quantity: 1, price, tax_rate: 0 }] });
      const r = await api(repPage, 'POST', `/sales_orders/${orders[key].id}/actions/submit`, { comment: '客户催单' }, 200);
      assert.equal(r.record.status, 'pending');
    }
    // 张伟 takes over the main page
    await page.context().clearCookies();
    await signIn(page, srv.base, 'zhangwei', PW);
  });
  after(async () => {
    if (repBrowser) await repBrowser.close();
    await closeApp({ srv, browser });
  });

  it('counts the requests waiting for 张伟 in the top bar and lists them in the inbox', async () => {
    await badge().filter({ hasText: '2' }).waitFor();
    await page.locator('[data-test=approvals-badge]').click();
    await page.waitForURL(/\/approvals$/);
    await row('服务器采购订单').waitFor();
    await row('机房改造订单').waitFor();
    assert.match(await row('服务器采购订单').innerText(), /李娜[\s\S]*第 1 步 \/ 共 1 步[\s\S]*客户催单/);
    await screenshot(page, 'approvals-01-inbox');
  });

  it('rejects with a comment, which is required', async () => {
    await row('服务器采购订单').locator('[data-test=approval-reject]').click();
    const box = page.locator('.el-message-box');
    await box.waitFor();
    await box.locator('.el-button--primary').click();
    await box.locator('.el-message-box__errormsg', { hasText: '驳回时必须填写审批意见' }).waitFor();
    await box.locator('textarea').fill('单价低于公司底价');
    await screenshot(page, 'approvals-02-reject');
    await box.locator('.el-button--primary').click();
    await page.locator('.el-message--success', { hasText: '已驳回' }).waitFor();
    await row('服务器采购订单').waitFor({ state: 'detached' });
    await badge().filter({ hasText: '1' }).waitFor();
  });

  it('approves the other; the inbox is empty and the order is 已审批 with its history', async () => {
    await row('机房改造订单').locator('[data-test=approval-approve]').click();
    const box = page.locator('.el-message-box');
    await box.locator('textarea').fill('同意');
    await box.locator('.el-button--primary').click();
    await page.locator('.el-message--success', { hasText: '已审批通过' }).waitFor();
    await page.locator('[data-test=approval-inbox] .el-table__empty-text', { hasText: '没有等待您审批的事项' }).waitFor();
    await badge().waitFor({ state: 'hidden' });
    const done = await api(page, 'GET', `/sales_orders/${orders.huge.id}`, undefined, 200);
    assert.equal(done.status, 'approved');
    const back = await api(page, 'GET', `/sales_orders/${orders.big.id}`, undefined, 200);
    assert.equal(back.status, 'draft');
    await page.goto(`${srv.base}/sales_orders/${orders.huge.id}`);
    await page.locator('.el-tabs__item', { hasText: '修改记录' }).click();
    await page.locator('[data-test=history]', { hasText: '审批：审批通过（第 1 步，共 1 步）：同意' }).waitFor();
    await screenshot(page, 'approvals-03-history');
  });
});
