// states.test.mjs - states and actions from metadata in the browser: the
// pipeline board offers only the moves the stage machine allows and asks
// the fields the target state requires (丢单: 丢单原因, from required_when);
// a record page shows the actions allowed now as buttons and runs one,
// asking its fields; the form hides what visible_when hides and offers
// only allowed states.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

let srv, browser, page;
const api = (method, path, body) => apiInPage(page, method, path, body);
const it = checkedIt(nodeIt, assert, 'states-', () => ({ page, browser }));
const visibleOption = text => page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text });

describe('states and actions', () => {
  const ids = {};
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    ids.account = (await api('POST', '/accounts', { name: '常州状态机科技有限公司' })).body.id;
    for (const [name, stage] of [['已赢的单子', 'won'], ['谈判中的单子', 'negotiation'], ['要输的单子', 'proposal']])
      ids[name] = (await api('POST', '/opportunities', { name, stage, amount: 30000, account_id: ids.account })).body.id;
  });
  after(() => closeApp({ srv, browser }));

  it('the board greys the stages a dragged card may not move to and refuses the drop', async () => {
    await page.setViewportSize({ width: 2000, height: 900 });
    try {
      await page.goto(`${srv.base}/pipeline`);
      const won = page.locator('[data-card="已赢的单子"]');
      await won.waitFor();
      // a won deal is terminal: while it is dragged every other column is blocked
      await won.hover();
      await page.mouse.down();
      await page.locator('[data-test=kanban] [data-stage="proposal"]').hover();
      await page.locator('[data-stage="proposal"][data-blocked]').waitFor();
      await page.locator('[data-stage="lost"][data-blocked]').waitFor();
      await screenshot(page, 'states-01-board-blocked');
      await page.mouse.up();
      await page.waitForTimeout(300);
      assert.equal((await api('GET', `/opportunities/${ids['已赢的单子']}`)).body.stage, 'won', 'the drop was refused');
      await page.locator('[data-stage="won"] [data-card="已赢的单子"]').waitFor();
      assert.equal(await page.locator('[data-blocked]').count(), 0, 'nothing greyed once the drag ends');
      // an open deal may go anywhere
      await page.locator('[data-card="谈判中的单子"]').dragTo(page.locator('[data-test=kanban] [data-stage="commit"]'));
      await page.locator('[data-stage="commit"] [data-card="谈判中的单子"]').waitFor();
      // 丢单 asks what metadata says a lost deal requires
      await page.locator('[data-card="要输的单子"]').dragTo(page.locator('[data-test=kanban] [data-stage="lost"]'));
      const dialog = page.locator('[data-test=lost-dialog]');
      await dialog.locator('.el-form-item__label', { hasText: '丢单原因' }).waitFor();
      assert.ok(await dialog.locator('[data-test=lost-submit]').isDisabled());
      await dialog.locator('[data-test=lost-reason] .el-select__wrapper').click();
      await visibleOption('无预算').click();
      await page.waitForTimeout(300);
      await screenshot(page, 'states-02-board-asks');
      await dialog.locator('[data-test=lost-submit]').click();
      await page.locator('[data-stage="lost"] [data-card="要输的单子"]').waitFor();
      const saved = (await api('GET', `/opportunities/${ids['要输的单子']}`)).body;
      assert.deepEqual([saved.stage, saved.lost_reason], ['lost', 'no_budget']);
    } finally {
      await page.setViewportSize({ width: 1366, height: 768 });
    }
  });

  it('a record page shows the allowed actions as buttons and runs one, asking its fields', async () => {
    const id = (await api('POST', '/opportunities', { name: '按钮丢单', stage: 'qualification', account_id: ids.account })).body.id;
    await page.goto(`${srv.base}/opportunities/${id}`);
    await page.locator('[data-test=lose]').waitFor();
    await page.locator('[data-test=win]').waitFor();
    await screenshot(page, 'states-03-record-actions');
    await page.locator('[data-test=lose]').click();
    const dialog = page.locator('[data-test=action-dialog]');
    await dialog.locator('[data-test=ask-lost_reason] .el-select__wrapper').waitFor();
    assert.ok(await dialog.locator('[data-test=action-submit]').isDisabled(), 'the required reason first');
    await dialog.locator('[data-test=ask-lost_reason] .el-select__wrapper').click();
    await visibleOption('价格').click();
    await page.waitForTimeout(300);
    await screenshot(page, 'states-04-action-dialog');
    await dialog.locator('[data-test=action-submit]').click();
    await page.locator('.el-message--success', { hasText: '丢单' }).waitFor();
    await page.locator('[data-test=lose]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-test=win]').count(), 0, 'no 赢单 from 丢单');
    const saved = (await api('GET', `/opportunities/${id}`)).body;
    assert.deepEqual([saved.stage, saved.lost_reason], ['lost', 'price']);
  });

  it('an action with a confirmation: 赢单 confirms first, and the won record offers no more actions', async () => {
    const id = (await api('POST', '/opportunities', { name: '按钮赢单', stage: 'commit', account_id: ids.account })).body.id;
    await page.goto(`${srv.base}/opportunities/${id}`);
    await page.locator('[data-test=win]').click();
    const box = page.locator('.el-message-box');
    await box.getByText('不能再修改', { exact: false }).waitFor();
    await screenshot(page, 'states-05-confirm');
    await box.locator('.el-button--primary').click();
    await page.locator('[data-test=win]').waitFor({ state: 'detached' });
    assert.equal((await api('GET', `/opportunities/${id}`)).body.stage, 'won');
  });

  it('a new deal shows its 成交可能性 at once and follows the chosen stage before saving (set_from)', async () => {
    await page.goto(`${srv.base}/opportunities/new`);
    const prob = page.locator('[data-field=probability] input');
    await prob.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-field=probability] input')?.value === '10.00');
    assert.equal(await page.locator('[data-field=lost_reason]').count(), 0, 'no 丢单原因 at 初步接洽');
    await page.locator('[data-field=stage] .el-select__wrapper').click();
    await visibleOption('方案报价').click();
    await page.waitForFunction(() => document.querySelector('[data-field=probability] input')?.value === '50.00');
    // the user may still say otherwise
    await prob.fill('45');
    assert.equal(await prob.inputValue(), '45');
  });

  it('the form hides a field until its visible_when holds and offers only allowed states', async () => {
    await page.goto(`${srv.base}/opportunities/${ids['谈判中的单子']}/edit`);
    await page.locator('[data-field=stage]').waitFor();
    assert.equal(await page.locator('[data-field=lost_reason]').count(), 0, '丢单原因 hidden while the deal is open');
    await page.locator('[data-field=stage] .el-select__wrapper').click();
    await visibleOption('丢单').click();
    await page.locator('[data-field=lost_reason]').waitFor();
    assert.ok(await page.locator('[data-field=lost_reason].is-required').count(), 'and required once shown');
    await screenshot(page, 'states-06-form-rules');
    await page.goto(`${srv.base}/opportunities/${ids['已赢的单子']}/edit`);
    await page.locator('[data-field=stage]').waitFor();
    await page.locator('[data-field=stage] .el-select__wrapper').click();
    await page.waitForTimeout(300);
    assert.deepEqual(await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').allInnerTexts(), ['赢单'], 'won goes nowhere');
    await page.keyboard.press('Escape');
    assert.ok(await page.locator('[data-field=amount] input').isDisabled(), 'a locked record: amount cannot change');
    assert.ok(!(await page.locator('[data-field=description] textarea').isDisabled()), 'the named field can');
  });
});
