// teaching-class.test.mjs - a class in the browser: the teacher imports the
// roster from .xlsx and sees the first passwords to print, assigns ALLPASS
// 实验二 to the class, and watches the class matrix; a student (another
// browser) signs in, starts the experiment on 我的实验, and the panel
// beside the CRM ticks as their customers are saved, while the teacher's
// matrix fills in without a reload.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { signIn, signedIn, screenshot, apiInPage, checkedIt, openApp, closeApp, startBrowser } from './harness.mjs';

const PW = 'Laoshi#2026pass';
const STUDENT_PW = 'Xuesheng#2026';
const LIVE = { timeout: 15000 }; // a poll or two
let srv, browser, page, other, spage, roster;
const it = checkedIt(nodeIt, assert, 'teaching-class-', () => ({ page, browser }));
const sit = checkedIt(nodeIt, assert, 'teaching-class-student-', () => ({ page: spage, browser: other }));

async function rosterXlsx() {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('学生名单');
  sheet.addRow(['市场营销2301班 客户关系管理 学生名单']);
  sheet.addRow(['序号', '学号', '姓名', '性别', '行政班', '小组', '联系电话']);
  sheet.addRow([1, 2023010101, '张晓明', '男', '市场营销2301', '第一组', '13800000001']);
  sheet.addRow([2, 2023010102, '李婷', '女', '市场营销2301', '第一组', '13800000002']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('a teacher runs a class; a student\'s steps tick in both browsers', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const u = await apiInPage(page, 'POST', '/users', { username: 'wang_t', name: '王老师', password: PW });
    assert.equal(u.status, 201);
    assert.equal((await apiInPage(page, 'PUT', `/teachers/${u.body.id}`)).status, 204);
    await apiInPage(page, 'DELETE', '/session');
    await page.context().clearCookies();
    other = await startBrowser(); // the student's own browser
    spage = await other.context.newPage();
    spage.setDefaultTimeout(8000);
  });
  after(async () => {
    if (other) await other.close();
    await closeApp({ srv, browser });
  });

  it('the teacher lands on their classes, not on a sales dashboard', async () => {
    await signIn(page, srv.base, 'wang_t', PW);
    await page.locator('[data-test=teacher-home]').waitFor();
    await page.locator('[data-test=main-menu] [data-entity=classes]').waitFor();
    assert.equal(await page.locator('[data-test=main-menu] [data-entity=my-experiments]').count(), 0);
    const klass = await apiInPage(page, 'POST', '/classes', { name: '市场营销2301班', course: '客户关系管理', term: '2025-2026-1' });
    assert.equal(klass.status, 201);
    await page.reload();
    await page.locator('[data-test=home-class]', { hasText: '市场营销2301班' }).waitFor();
    await screenshot(page, 'teaching-class-01-teacher-home');
  });

  it('imports the roster from .xlsx and shows the first passwords to print', async () => {
    await page.locator('[data-test=home-class] a', { hasText: '市场营销2301班' }).click();
    await page.locator('[data-test=import-roster]').click();
    const dialog = page.locator('[data-test=import-roster-dialog]');
    await dialog.locator('input[type=file]').setInputFiles({ name: '学生名单.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await rosterXlsx() });
    const table = dialog.locator('[data-test=roster-passwords]');
    await table.getByText('李婷').waitFor();
    await dialog.locator('[data-test=print-passwords]').waitFor();
    await screenshot(page, 'teaching-class-02-passwords');
    roster = await table.locator('tbody tr').evaluateAll(rows => rows.map(r => [...r.querySelectorAll('td')].map(td => td.innerText.trim())));
    assert.deepEqual(roster.map(r => r.slice(0, 3)), [['2023010101', '张晓明', '第一组'], ['2023010102', '李婷', '第一组']]);
    assert.ok(roster.every(r => /^[A-Za-z2-9]{10}$/.test(r[3])), JSON.stringify(roster));
    await page.keyboard.press('Escape');
  });

  it('assigns ALLPASS 实验二 to the class; the matrix opens with every step still open', async () => {
    await page.locator('[data-test=assign-class]').click();
    await page.locator('[data-test=assign-page]').waitFor();
    await page.locator('[data-test=assign-experiment]').click();
    await page.locator('.el-select-dropdown__item', { hasText: '实验二' }).first().click();
    await page.locator('[data-test=assign-preview]', { hasText: '南京奥派机电' }).waitFor();
    await screenshot(page, 'teaching-class-03-assign');
    await page.locator('[data-test=assign-publish]').click();
    const matrix = page.locator('[data-test=class-matrix]');
    await matrix.locator('[data-test=matrix-summary]', { hasText: '0 / 2' }).waitFor();
    assert.equal(await matrix.locator('.cell[data-state=done]').count(), 0);
    await screenshot(page, 'teaching-class-04-matrix-empty');
  });

  sit('the student signs in, starts 实验二 on 我的实验, and the panel ticks as customers are saved', async () => {
    const [no, , , first] = roster[0];
    await spage.goto(srv.base + '/login');
    await spage.getByLabel(/用户名|Username/).fill(no);
    await spage.getByLabel(/^密码$|^Password$/).fill(first);
    await spage.locator('[data-test=login-submit]').click();
    const form = spage.locator('[data-test=first-password]');
    await form.waitFor({ timeout: 30000 });
    await form.getByLabel('新密码', { exact: true }).fill(STUDENT_PW);
    await form.getByLabel('确认新密码').fill(STUDENT_PW);
    await spage.locator('[data-test=first-password-submit]').click();
    await signedIn(spage);
    // a student's home is their experiments; the menu has 我的实验 and none of the teaching records
    const card = spage.locator('[data-test=my-assignment]', { hasText: '实验二' });
    await card.waitFor(LIVE);
    await spage.locator('[data-test=main-menu] [data-entity=my-experiments]').waitFor();
    assert.equal(await spage.locator('[data-test=main-menu] [data-entity=classes]').count(), 0);
    await screenshot(spage, 'teaching-class-05-student-home');
    await card.locator('[data-test=start-experiment]').click();
    const panel = spage.locator('[data-test=experiment-panel]');
    // 开始实验 notes the first look (POST .../open): the student's time starts there
    const assignmentId = await card.getAttribute('data-assignment');
    const deadline = Date.now() + 10000;
    let opened = null;
    while (!opened && Date.now() < deadline)
      opened = (await apiInPage(spage, 'GET', `/assignments/${assignmentId}/my-progress`)).body?.opened_at;
    assert.ok(opened, 'the panel opened the assignment');
    const accounts = panel.locator('[data-step=accounts]');
    await accounts.locator('[data-test=step-why]', { hasText: '还没有填写了所属行业和城市的客户：需要 3 个' }).waitFor(LIVE);
    // the student works in the CRM: the panel stays beside the customer list
    await spage.locator('[data-test=main-menu] [data-entity=accounts]').click();
    const made = [];
    for (const [name, industry, city] of [['南京奥派机电设备有限公司', 'manufacturing', '南京'], ['苏州恒信精密模具有限公司', 'manufacturing', '苏州']]) {
      const r = await apiInPage(spage, 'POST', '/accounts', { name, industry, city });
      assert.equal(r.status, 201);
      made.push(r.body.id);
    }
    await accounts.locator('[data-test=step-why]', { hasText: '还差 1 个填写了所属行业和城市的客户：目前有 2 个，需要 3 个' }).waitFor(LIVE);
    assert.equal(await accounts.getAttribute('data-state'), 'in_progress');
    assert.equal((await apiInPage(spage, 'POST', '/accounts', { name: '无锡滨湖实验中学', industry: 'education', city: '无锡' })).status, 201);
    await panel.locator('[data-step=accounts][data-state=done]').waitFor(LIVE);
    await screenshot(spage, 'teaching-class-06-student-panel');
    // on a customer's page the panel says which steps it counts for, and why not yet
    await spage.goto(`${srv.base}/accounts/${made[0]}`);
    const mine = panel.locator('[data-test=record-steps]');
    await mine.getByText('本条记录「南京奥派机电设备有限公司」').waitFor(LIVE);
    await mine.locator('li[data-step=accounts][data-counts=true]').waitFor(LIVE);
    await mine.locator('li[data-step=grade][data-counts=false] [data-test=record-why]', { hasText: '这条记录还不是客户等级为 A 的重点客户' }).waitFor(LIVE);
    await mine.locator('li[data-step=key_contacts] [data-test=record-why]', { hasText: '这条记录不是A 级客户' }).waitFor(LIVE);
    await screenshot(spage, 'teaching-class-06b-record-steps');
    // another page: the record's part goes
    await spage.locator('[data-test=main-menu] [data-entity=accounts]').click();
    await mine.waitFor({ state: 'detached', timeout: 10000 });
  });

  it('the teacher\'s matrix ticks without a reload, says why on hover, and opens the student\'s steps', async () => {
    const matrix = page.locator('[data-test=class-matrix]');
    const row = matrix.locator('tr', { hasText: '张晓明' });
    await row.locator('.cell[data-step=accounts][data-state=done]').waitFor(LIVE);
    await row.locator('.cell[data-step=contacts]').hover();
    await page.locator('.el-popper', { hasText: '还没有关联到客户的联系人：需要 4 个' }).waitFor();
    await screenshot(page, 'teaching-class-07-matrix-live');
    await row.locator('[data-test=matrix-student]').click();
    const drawer = page.locator('[data-test=student-progress]');
    await drawer.getByText('张晓明（2023010101）的实验进度').waitFor();
    await drawer.locator('[data-step=accounts][data-state=done]').waitFor();
    await page.waitForTimeout(400); // the drawer slides in
    await screenshot(page, 'teaching-class-08-student-steps');
  });

  it('the matrix shows the time per step, who has been on a step longest and the class average as a chart', async () => {
    await page.keyboard.press('Escape');
    const matrix = page.locator('[data-test=class-matrix]');
    const row = matrix.locator('tr', { hasText: '张晓明' });
    // the done step shows what it took; the step the student is on, the time so far
    await row.locator('.cell[data-step=accounts] [data-test=cell-time]').waitFor(LIVE);
    await row.locator('.cell[data-step=grade] [data-test=cell-time]').waitFor(LIVE);
    await matrix.locator('[data-test=stuck-row]', { hasText: '张晓明' }).waitFor(LIVE);
    assert.match(await matrix.locator('[data-test=stuck-row]').first().innerText(), /标记重点客户/);
    const chart = matrix.locator('[data-test=step-time-chart]');
    await chart.locator('canvas').waitFor(LIVE);
    const values = (await chart.getAttribute('data-values')).split('|');
    assert.equal(values.length, 7, 'a bar per step');
    assert.match(values[0], /^\d+$/, 'the first step has an average');
    assert.equal(values[1], '', 'nobody has done the second yet');
    await chart.scrollIntoViewIfNeeded();
    await page.waitForTimeout(600); // the bars grow in
    await screenshot(page, 'teaching-class-09-times');
  });
});
