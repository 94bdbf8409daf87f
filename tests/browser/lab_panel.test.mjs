// lab_panel.test.mjs - a commerce lab in a student's browser: 博星 实验四
// (bx-04) assigned to a class; the student starts it on 我的实验, the
// panel beside the CRM says why each step is open and ticks when a
// 销量折扣 is saved, and a step checked on quote lines (报价明细, which
// have no page of their own) leads to the 报价单 list. The class is made
// with the API tests' classroom set-up against this server.
// Screenshots: lab-panel-*.png.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';
import { Server } from '../api/harness.mjs';
import { classroom, STUDENT_PASSWORD } from '../api/classroom.mjs';

const LIVE = { timeout: 15000 }; // a poll or two of the panel
let srv, browser, page;
const it = checkedIt(nodeIt, assert, 'lab-panel-', () => ({ page, browser }));

describe('博星 实验四 in a student\'s panel', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    const api = Object.assign(new Server(), { base: srv.base }); // the API harness's requests, on this server
    const room = await classroom(api, { roster: [['2024060101', '周子涵', '一组']] });
    await room.assign('bx-04');
  });
  after(async () => closeApp({ srv, browser }));

  it('the student starts the lab on 我的实验; the panel says why each step is open', async () => {
    await signIn(page, srv.base, '2024060101', STUDENT_PASSWORD);
    const card = page.locator('[data-test=my-assignment]', { hasText: '产品管理' });
    await card.waitFor(LIVE);
    await card.locator('[data-test=start-experiment]').click();
    const panel = page.locator('[data-test=experiment-panel]');
    await panel.locator('[data-step=volume] [data-test=step-why]', { hasText: '还没有启用的销量折扣' }).waitFor(LIVE);
    await panel.locator('[data-step=combined] [data-test=step-why]', { hasText: '还没有同时适用客户折扣和销量折扣的报价明细' }).waitFor();
    await screenshot(page, 'lab-panel-01-started');
  });

  it('a 销量折扣 saved ticks its step; the step on quote lines leads to the 报价单 list', async () => {
    const panel = page.locator('[data-test=experiment-panel]');
    const category = await apiInPage(page, 'POST', '/product_categories', { name: '笔记本', code: 'BJB' });
    assert.equal(category.status, 201);
    const rule = await apiInPage(page, 'POST', '/price_rules',
      { name: '笔记本满10台', kind: 'volume', category_id: category.body.id, min_quantity: 10, discount: 3 });
    assert.equal(rule.status, 201);
    await panel.locator('[data-step=volume][data-state=done]').waitFor(LIVE);
    await panel.locator('[data-step=combined] a.go').click();
    await page.waitForURL(/\/quotes$/);
    await page.locator('[data-test=list-total]').waitFor();
    await panel.locator('[data-step=volume][data-state=done]').waitFor();
    await screenshot(page, 'lab-panel-02-quotes');
  });
});
