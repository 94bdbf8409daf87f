// marketing.test.mjs - 市场管理 and 公告栏 in the browser (issue 16): the
// competitor report as a chart and table, adding campaign members from a
// search in one step, publishing an announcement to everyone and seeing
// who has read it.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);
const it = checkedIt(nodeIt, assert, 'marketing-', () => ({ page, browser }));

describe('市场管理 and 公告栏', () => {
  const ids = {};
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const customer = (await api('POST', '/accounts', { name: '徐州重工集团', city: '徐州' })).body;
    ids.customer = customer.id;
    const rival = (await api('POST', '/accounts', { name: '用友网络', type: 'competitor' })).body;
    for (const [name, amount, action] of [['徐州重工 CRM', 90000, 'win'], ['徐州重工 呼叫中心', 40000, 'lose']]) {
      const o = (await api('POST', '/opportunities', { name, account_id: customer.id, amount, competitors: [{ competitor_id: rival.id }] })).body;
      await api('POST', `/opportunities/${o.id}/actions/${action}`, action === 'lose' ? { lost_reason: 'price' } : {});
    }
  });
  after(() => closeApp({ srv, browser }));

  it('竞争对手分析 draws won and lost per competitor and lists the amounts', async () => {
    await page.locator('[data-test=main-menu] [data-entity="competitor-report"]').click();
    await page.waitForURL(/\/competitor-report/);
    const row = page.locator('[data-test=competitor-table] tbody tr', { hasText: '用友网络' });
    await row.waitFor();
    const cells = await row.locator('td').evaluateAll(tds => tds.map(td => td.innerText.trim()));
    assert.deepEqual(cells, ['用友网络', '1', '90,000.00', '1', '40,000.00', '50%']);
    await page.locator('[data-test=competitor-report] canvas').waitFor();
    await screenshot(page, 'marketing-01-competitors');
  });

  it('a campaign adds the customers a search finds as members in one step', async () => {
    const c = (await api('POST', '/campaigns', { name: '徐州客户答谢会', type: 'customer_event' })).body;
    await page.goto(`${srv.base}/campaigns/${c.id}`);
    await page.locator('[data-test=add-members]').click();
    const dialog = page.locator('[data-test=add-members-dialog]');
    await dialog.getByText('客户', { exact: true }).click();
    await dialog.locator('input[placeholder="名称、电话或拼音首字母"]').fill('徐州');
    await dialog.locator('input[placeholder="名称、电话或拼音首字母"]').press('Enter');
    await dialog.locator('[data-test=members-count]', { hasText: '符合条件 1 条' }).waitFor();
    await dialog.locator('[data-test=add-members-confirm]').click();
    await page.locator('.el-message--success', { hasText: '已添加 1 名成员' }).waitFor();
    assert.equal((await api('GET', `/campaigns/${c.id}`)).body.member_count, 1);
    await screenshot(page, 'marketing-02-members');
  });

  it('an announcement is published to everyone and its receipts show who has not read it', async () => {
    await api('POST', '/users', { username: 'lina', name: '李娜', password: 'Pass#2026word' });
    const a = (await api('POST', '/announcements', { title: '年会通知', body: '12 月 28 日晚 6 点，金陵饭店。' })).body;
    await page.goto(`${srv.base}/announcements/${a.id}`);
    await page.locator('[data-test=publish]').click();
    await page.locator('[data-test=publish-confirm]').click();
    await page.locator('.el-message--success', { hasText: '已发布给 1 位同事' }).waitFor();
    await page.goto(`${srv.base}/announcements/${a.id}?tab=receipts`);
    await page.locator('[data-test=unread]', { hasText: '李娜' }).waitFor();
    await screenshot(page, 'marketing-03-receipts');
  });
});
