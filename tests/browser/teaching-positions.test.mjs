// teaching-positions.test.mjs - a class run as one shared company in the
// browser: the teacher opens the class's 岗位树, makes the default tree in
// one click, places one student by choosing a position in the table and
// another by dragging them onto a position; the tree shows who is where.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

const PW = 'Laoshi#2026pass';
let srv, browser, page, klass;
const it = checkedIt(nodeIt, assert, 'teaching-positions-', () => ({ page, browser }));

describe('a teacher builds the position tree of a shared class', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const u = await apiInPage(page, 'POST', '/users', { username: 'zhao_t', name: '赵老师', password: PW });
    assert.equal(u.status, 201);
    assert.equal((await apiInPage(page, 'PUT', `/teachers/${u.body.id}`)).status, 204);
    await apiInPage(page, 'DELETE', '/session');
    await page.context().clearCookies();
    await signIn(page, srv.base, 'zhao_t', PW);
    klass = (await apiInPage(page, 'POST', '/classes', { name: '市场营销2303班', mode: 'shared_company' })).body;
    const imported = await page.evaluate(async id => {
      const { csrf_token: token } = await (await fetch('/api/v1/session')).json();
      const r = await fetch(`/api/v1/classes/${id}/students/import`, { method: 'POST', body: '学号,姓名\nzx11,赵一鸣\nzx12,钱晓红\nzx13,孙志强\n',
        headers: { 'Content-Type': 'text/csv; charset=utf-8', 'X-CSRF-Token': token } });
      return r.status;
    }, klass.id);
    assert.equal(imported, 201);
  });
  after(async () => closeApp({ srv, browser }));

  it('the 岗位树 tab offers the default tree and makes it in one click', async () => {
    await page.goto(`${srv.base}/classes/${klass.id}`);
    await page.locator('.el-tabs__item', { hasText: '岗位树' }).click();
    const tab = page.locator('[data-test=position-tree]');
    await tab.getByText('还没有岗位树').waitFor();
    await tab.locator('[data-test=default-tree]').click();
    for (const name of ['教师', '市场营销2303班', '销售一部经理', '销售一部业务员', '销售二部经理', '销售二部业务员'])
      await tab.locator(`[data-test="position-${name}"]`).waitFor();
    assert.equal(await tab.locator('[data-test=unplaced] .el-tag').count(), 3);
  });

  it('places a student by choosing the position, another by dragging', async () => {
    const tab = page.locator('[data-test=position-tree]');
    await tab.locator('[data-test=place-zx11]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '销售一部经理' }).click();
    await tab.locator('[data-test="position-销售一部经理"] [data-test=placed-zx11]').waitFor();

    await tab.locator('[data-test=unplaced] .el-tag', { hasText: '钱晓红' })
      .dragTo(tab.locator('[data-test="position-销售一部业务员"]'));
    await tab.locator('[data-test="position-销售一部业务员"] [data-test=placed-zx12]').waitFor();
    assert.equal(await tab.locator('[data-test=unplaced] .el-tag').count(), 1);
    await screenshot(page, 'teaching-positions-01-tree');

    const tree = (await apiInPage(page, 'GET', `/classes/${klass.id}/positions`)).body;
    const roleOf = no => tree.positions.find(p => p.id === tree.students.find(s => s.student_no === no).role_id)?.name;
    assert.equal(roleOf('zx11'), '销售一部经理');
    assert.equal(roleOf('zx12'), '销售一部业务员');
    assert.equal(roleOf('zx13'), undefined);
  });

  it('the reset dialog offers the industry data sets; 化妆品 loads into the shared company', async () => {
    const student = (await apiInPage(page, 'GET', '/students?sort=student_no')).body.items[1];
    await page.goto(`${srv.base}/students/${student.id}`);
    await page.locator('[data-test=reset_company]').click();
    const dialog = page.locator('[data-test=action-dialog]');
    await dialog.getByText('全班共用一个公司时只删除该学生自己的记录').waitFor();
    await dialog.locator('[data-test=ask-dataset] .el-select').click();
    for (const name of ['化妆品', '快速消费品', '汽车'])
      await page.locator('.el-select-dropdown__item:visible', { hasText: name }).first().waitFor();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '化妆品' }).click();
    await screenshot(page, 'teaching-positions-02-reset-dataset');
    await dialog.locator('[data-test=action-submit]').click();
    await page.locator('.el-descriptions', { hasText: '化妆品' }).first().waitFor();
    const look = await page.evaluate(async company => (await (await fetch('/api/v1/accounts?limit=1',
      { headers: { 'X-Kehu-Company': String(company) } })).json()).total, student.sandbox_company_id);
    assert.equal(look, 26);
  });

  it('a class that gives each student a company says it has no tree', async () => {
    const other = (await apiInPage(page, 'POST', '/classes', { name: '电子商务2304班' })).body;
    await page.goto(`${srv.base}/classes/${other.id}?tab=positions`);
    await page.locator('[data-test=position-tree]').getByText('每位学生一个公司').waitFor();
  });
});
