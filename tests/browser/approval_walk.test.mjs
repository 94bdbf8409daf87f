// approval_walk.test.mjs - 博星 实验五 业务审批 as a class does it, every
// step by clicking: the administrator sets up 大额订单审批 in 系统设置 →
// 审批流程 (审批对象 业务订单, 触发条件 价税合计 大于 10000 built from the
// order's fields, one step: 提交人的上级角色); the salesperson 李娜 makes an
// order in the order form with a product picked on its line and 提交审批
// with a note to the approver: it is 待审批 and its fields are locked; she
// 撤回 it and submits again with another note; her
// superior 张伟 finds it in 待我审批 and approves it with a comment; 李娜 sees
// it 已审批 with the whole history. Screenshots: approval-walk-*.png.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp, startBrowser } from './harness.mjs';

const PW = 'Pass#2026word';
const SUBJECT = '机房服务器采购订单';
let srv, browser, page, repBrowser, rep;
const ids = {};
const it = checkedIt(nodeIt, assert, 'approval-walk-', () => ({ page, browser }));
const api = async (p, method, path, body, status = 201) => {
  const r = await apiInPage(p, method, path, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
};
const visibleOption = (p, text) => p.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
const statusIs = (p, text) => p.locator('[data-field=status]', { hasText: text }).first().waitFor();
// 提交审批 asks for an optional note to the approver
async function submitWith(p, note, shot) {
  await p.locator('[data-test=submit]').click();
  const box = p.locator('.el-message-box', { hasText: '提交说明' });
  await box.waitFor();
  await box.locator('textarea').fill(note);
  if (shot) {
    await p.waitForFunction(() => document.getAnimations().every(x => x.playState !== 'running')); // the box has faded in
    await screenshot(p, shot);
  }
  await box.locator('.el-button--primary').click();
}

describe('博星 实验五 业务审批: a flow set up, an order made and submitted, approved by the superior', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const ALL = { view: true, create: true, edit: true, delete: true };
    const profile = await api(page, 'POST', '/profiles', { name: '销售业务', permissions: { accounts: ALL, sales_orders: ALL, products: { view: true } } });
    const mgr = await api(page, 'POST', '/roles', { name: '销售经理', profile_ids: [profile.id] });
    const repRole = await api(page, 'POST', '/roles', { name: '销售代表', parent_id: mgr.id, profile_ids: [profile.id] });
    await api(page, 'POST', '/users', { username: 'zhangwei', name: '张伟', password: PW, role_id: mgr.id });
    await api(page, 'POST', '/users', { username: 'lina', name: '李娜', password: PW, role_id: repRole.id });
    await api(page, 'PUT', '/sharing', { accounts: 'public_read' }, 200);
    await api(page, 'POST', '/accounts', { name: '南京云图数据有限公司' });
    await api(page, 'POST', '/products', { name: '机架式服务器R740', unit: '台', price: 12000, tax_rate: 13 });
    repBrowser = await startBrowser();
    rep = await repBrowser.context.newPage();
    rep.setDefaultTimeout(15000);
  });
  after(async () => {
    if (repBrowser) await repBrowser.close();
    await closeApp({ srv, browser });
  });

  it('系统设置 → 审批流程: the condition is picked from the order\'s fields, the step is the superior', async () => {
    await page.goto(`${srv.base}/approval_flows/new`);
    await page.locator('[data-test=entity-form]').waitFor();
    await page.locator('[data-field=condition] [data-test=condition-pick-first]', { hasText: '请先选择审批对象' }).waitFor();
    await page.locator('[data-field=name] input').first().fill('大额订单审批');
    await page.locator('[data-field=entity] .el-select__wrapper').click();
    await visibleOption(page, '业务订单').click();
    const cond = page.locator('[data-field=condition] [data-test=condition-input]');
    await cond.locator('[data-test=condition-add]').click();
    await cond.locator('[data-test=condition-field]').click();
    await page.keyboard.type('价税');
    await visibleOption(page, '价税合计').click();
    await cond.locator('[data-test=condition-op]', { hasText: '大于' }).waitFor();
    await cond.locator('[data-test=condition-value] input').fill('10000');
    await cond.locator('[data-test=condition-value] input').press('Tab');
    await page.locator('[data-relation=steps] [data-test=line-add]').click();
    await page.locator('[data-relation=steps] tr[data-line="0"] td[data-field=kind]', { hasText: '提交人的上级角色' }).waitFor();
    await screenshot(page, 'approval-walk-01-flow-form');
    await page.locator('[data-test=save]').click();
    await page.locator('[data-test=record-title]', { hasText: '大额订单审批' }).waitFor();
    await page.locator('[data-field=condition] [data-test=condition-text]', { hasText: '价税合计 大于 ¥10,000.00' }).waitFor();
    await screenshot(page, 'approval-walk-02-flow');
    const flow = await api(page, 'GET', `/approval_flows/${page.url().split('/').pop()}`, undefined, 200);
    assert.deepEqual(flow.condition, { field: 'total', op: 'gt', value: 10000 });
    assert.deepEqual(flow.steps.map(s => s.kind), ['superior']);
  });

  it('李娜 makes the order in the form and 提交审批: 待审批, its fields locked; 撤回 and submit again', async () => {
    await signIn(rep, srv.base, 'lina', PW);
    await rep.goto(`${srv.base}/sales_orders/new`);
    await rep.locator('[data-test=entity-form]').waitFor();
    await rep.locator('[data-field=subject] input').first().fill(SUBJECT);
    await rep.locator('[data-field=account_id] .el-select__wrapper').click();
    await rep.locator('[data-field=account_id] input').fill('云图');
    await visibleOption(rep, '南京云图数据有限公司').click();
    await rep.locator('[data-relation=lines] [data-test=line-add]').click();
    await rep.keyboard.type('服务器');
    await visibleOption(rep, '机架式服务器R740').waitFor();
    await rep.keyboard.press('ArrowDown');
    await rep.keyboard.press('Enter');
    const cell = f => rep.locator(`[data-test=line-items] tr[data-line="0"] td[data-field="${f}"] input`).first();
    for (let i = 0; i < 40 && (await cell('price').inputValue()) !== '12000.00'; i++) await rep.waitForTimeout(100);
    await rep.locator('[data-field=total] [data-test=computed-value]', { hasText: '13,560.00' }).waitFor();
    await screenshot(rep, 'approval-walk-03-order-form');
    await rep.locator('[data-test=save]').click();
    await rep.locator('[data-test=record-title]', { hasText: SUBJECT }).waitFor();
    ids.order = Number(rep.url().split('/').pop());
    await submitWith(rep, '客户月底前要货，请尽快审批', 'approval-walk-03b-submit-note');
    await statusIs(rep, '待审批');
    // pending: the order's fields are locked (only 备注 stays open)
    await rep.locator('[data-test=edit]').click();
    await rep.locator('[data-test=entity-form]').waitFor();
    assert.equal(await rep.locator('[data-field=subject] input').first().isDisabled(), true);
    assert.equal(await rep.locator('[data-field=description] textarea').first().isDisabled(), false);
    // its lines too: no adding or removing, every cell read-only
    assert.equal(await rep.locator('[data-relation=lines] [data-test=line-add]').count(), 0);
    assert.equal(await rep.locator('[data-relation=lines] [data-test=line-remove]').count(), 0);
    assert.equal(await rep.locator('[data-relation=lines] tr[data-line="0"] td[data-field=quantity] input').isDisabled(), true);
    await screenshot(rep, 'approval-walk-04-locked');
    await rep.goto(`${srv.base}/sales_orders/${ids.order}`);
    await rep.locator('[data-test=withdraw]').click();
    await statusIs(rep, '草稿');
    await submitWith(rep, '数量已与客户核对');
    await statusIs(rep, '待审批');
    await rep.locator('[data-test=withdraw]').waitFor();
    assert.equal(await rep.locator('[data-test=record-approve], [data-test=record-reject]').count(), 0, 'no 审批通过 or 驳回 for the submitter');
    await screenshot(rep, 'approval-walk-05-pending');
  });

  it('张伟 approves it from 待我审批 with a comment', async () => {
    await page.context().clearCookies();
    await signIn(page, srv.base, 'zhangwei', PW);
    await page.locator('[data-test=approvals-badge]').locator('xpath=..').locator('.el-badge__content', { hasText: '1' }).waitFor();
    // on the order itself too: he is the one it waits for
    await page.goto(`${srv.base}/sales_orders/${ids.order}`);
    await page.locator('[data-test=record-approve]').waitFor();
    await page.locator('[data-test=record-reject]').waitFor();
    await page.waitForLoadState('networkidle'); // the request's submitter has been asked
    assert.equal(await page.locator('[data-test=withdraw]').count(), 0, 'only the submitter withdraws');
    await page.locator('[data-test=approvals-badge]').click();
    const row = page.locator('[data-test=approval-inbox] .el-table__row', { hasText: SUBJECT });
    await row.waitFor();
    assert.match(await row.innerText(), /李娜[\s\S]*第 1 步 \/ 共 1 步/);
    assert.match(await row.innerText(), /数量已与客户核对/, 'the note of the submission waiting');
    await screenshot(page, 'approval-walk-06-inbox');
    await row.locator('[data-test=approval-approve]').click();
    const box = page.locator('.el-message-box');
    await box.locator('textarea').fill('同意，按合同价执行');
    await box.locator('.el-button--primary').click();
    await page.locator('.el-message--success', { hasText: '已审批通过' }).waitFor();
    await page.locator('[data-test=approval-inbox] .el-table__empty-text', { hasText: '没有等待您审批的事项' }).waitFor();
  });

  it('李娜 sees the order 已审批, with the whole history on it', async () => {
    await rep.goto(`${srv.base}/sales_orders/${ids.order}`);
    await statusIs(rep, '已审批');
    await rep.locator('.el-tabs__item', { hasText: '修改记录' }).click();
    const history = rep.locator('[data-test=history]');
    await history.filter({ hasText: '审批通过（第 1 步，共 1 步）：同意，按合同价执行' }).waitFor();
    assert.match(await history.innerText(), /撤回审批申请/);
    assert.match(await history.innerText(), /提交审批（流程「大额订单审批」，共 1 步）：客户月底前要货，请尽快审批/);
    await screenshot(rep, 'approval-walk-07-history');
    const order = await api(rep, 'GET', `/sales_orders/${ids.order}`, undefined, 200);
    assert.deepEqual([order.status, order.total], ['approved', 13560]);
  });
});
