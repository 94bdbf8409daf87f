// service.test.mjs - 工单队列 in the browser: open tickets by 解决期限, the
// breached one first and flagged 已超期, filtered by 服务队列; a ticket is
// then resolved and closed on its page, 关闭工单 asking 满意度 first, and a
// hostile description shows as text.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const it = checkedIt(nodeIt, assert, 'service-', () => ({ page, browser }));
const api = async (method, path, body, status = 201) => {
  const r = await apiInPage(page, method, path, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};
const visibleOption = text => page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text });
const row = subject => page.locator('[data-test=ticket-queue] .el-table__row', { hasText: subject });
const ids = {};
const EVIL = '<img src=x onerror="window.__pwned=1">打印机<script>window.__pwned=1</script>';

describe('ticket queue (工单队列)', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const account = await api('POST', '/accounts', { name: '南京华信电子有限公司' });
    await api('POST', '/sla_rules', { name: '高优先级', priority: 'high', first_response_hours: 2, resolution_hours: 8 });
    const me = (await api('GET', '/session', undefined, 200)).user;
    ids.repair = (await api('POST', '/service_queues', { name: '维修组', category: 'repair', members: [{ user_id: me.id }] })).id;
    ids.hotline = (await api('POST', '/service_queues', { name: '客服热线', members: [{ user_id: me.id }] })).id;
    const base = { account_id: account.id, priority: 'high', channel: 'phone' };
    ids.late = (await api('POST', '/tickets', { ...base, subject: '网络打印机脱机', category: 'repair',
      description: '财务部打印机更换路由器后无法联网。', received_at: '2026-03-06T09:00:00Z' })).id;
    ids.fresh = (await api('POST', '/tickets', { ...base, subject: '新电脑安装调试', category: 'installation', description: EVIL })).id;
  });
  after(async () => { await closeApp({ srv, browser }); });

  it('lists the open tickets by deadline from the menu, the breached one first and flagged', async () => {
    await page.locator('[data-test=main-menu]').getByText('工单队列').click();
    await page.waitForURL(/\/service\/queue$/);
    await row('网络打印机脱机').waitFor();
    await row('新电脑安装调试').waitFor();
    const subjects = await page.locator('[data-test=ticket-queue] .el-table__body-wrapper .el-table__row').allInnerTexts();
    assert.ok(subjects[0].includes('网络打印机脱机'), subjects[0]);
    assert.equal(await row('网络打印机脱机').locator('[data-test=breach-flag]').innerText(), '已超期');
    assert.equal(await row('新电脑安装调试').locator('[data-test=breach-flag]').count(), 0);
    await page.getByText('未结工单 2 张，其中超期 1 张').waitFor();
    await screenshot(page, 'service-01-queue');
  });

  it('filters by 服务队列', async () => {
    await page.locator('[data-test=queue-filter] .el-select__wrapper').click();
    await visibleOption('维修组').click();
    await row('新电脑安装调试').waitFor({ state: 'detached' });
    await row('网络打印机脱机').waitFor();
    await screenshot(page, 'service-02-queue-filtered');
  });

  it('a ticket page shows the description as text and closes only with 满意度', async () => {
    await page.goto(`${srv.base}/tickets/${ids.fresh}`);
    await page.getByText('<script>window.__pwned=1</script>', { exact: false }).waitFor();
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    await page.locator('[data-test=start]').click();
    await page.locator('.el-message--success').first().waitFor();
    await page.locator('[data-test=resolve]').click();
    const dialog = page.locator('[data-test=action-dialog]');
    await dialog.locator('[data-test=ask-resolution] textarea').fill('上门安装系统和办公软件，客户验收通过。');
    await dialog.locator('[data-test=action-submit]').click();
    await page.locator('[data-test=close]').waitFor();
    await page.locator('[data-test=close]').click();
    await dialog.locator('[data-test=ask-satisfaction] .el-select__wrapper').waitFor();
    assert.ok(await dialog.locator('[data-test=action-submit]').isDisabled(), '满意度 first');
    await dialog.locator('[data-test=ask-satisfaction] .el-select__wrapper').click();
    await visibleOption('非常满意').click();
    await page.waitForTimeout(300);
    await screenshot(page, 'service-03-close-asks-satisfaction');
    await dialog.locator('[data-test=action-submit]').click();
    await page.locator('.el-message--success', { hasText: '已关闭' }).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('[data-test=close]').waitFor({ state: 'detached' });
    await page.locator('[data-test=reopen]').waitFor();
    await screenshot(page, 'service-04-closed');
    const saved = await api('GET', `/tickets/${ids.fresh}`, undefined, 200);
    assert.deepEqual([saved.status, saved.satisfaction], ['closed', '5']);
  });

  it('a closed ticket leaves the queue', async () => {
    await page.goto(`${srv.base}/service/queue`);
    await row('网络打印机脱机').waitFor();
    assert.equal(await row('新电脑安装调试').count(), 0);
  });
});
