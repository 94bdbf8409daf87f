// teaching-report.test.mjs - a lab report in the browser: the student who
// did 实验二 opens 实验报告, sees each step with the records that count,
// writes the 实验总结 and hands it in; the teacher opens it from the class
// matrix, grades it with 评分, the student sees the grade, and the class's
// grades download as an .xlsx that Excel (exceljs here) reads.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { signIn, signedIn, screenshot, apiInPage, checkedIt, openApp, closeApp, startBrowser } from './harness.mjs';

const PW = 'Laoshi#2026pass';
const STUDENT_PW = 'Xuesheng#2026';
let srv, browser, page, other, spage, klass, assignment;
const it = checkedIt(nodeIt, assert, 'teaching-report-', () => ({ page, browser }));
const sit = checkedIt(nodeIt, assert, 'teaching-report-student-', () => ({ page: spage, browser: other }));

// 实验二 done through the API, as the student's own records
async function doExperimentTwo(p) {
  const post = async (path, body) => { const r = await apiInPage(p, 'POST', path, body); assert.equal(r.status, 201, JSON.stringify(r.body)); return r.body; };
  const aopai = await post('/accounts', { name: '南京奥派机电设备有限公司', industry: 'manufacturing', city: '南京', grade: 'A' });
  const hengxin = await post('/accounts', { name: '苏州恒信精密模具有限公司', industry: 'manufacturing', city: '苏州' });
  const binhu = await post('/accounts', { name: '无锡滨湖实验中学', industry: 'education', city: '无锡' });
  await post('/contacts', { name: '王海燕', account_id: aopai.id, decision_role: 'decision_maker', mobile: '13912345678' });
  await post('/contacts', { name: '刘建国', account_id: aopai.id });
  await post('/contacts', { name: '陈志远', account_id: hengxin.id, decision_role: 'decision_maker', mobile: '13812345678' });
  await post('/contacts', { name: '赵丽', account_id: binhu.id });
  const visit = await post('/activities', { subject: '拜访奥派机电王经理', kind: 'visit', account_id: aopai.id });
  assert.equal((await apiInPage(p, 'PATCH', `/activities/${visit.id}`, { status: 'done', result: '确认下季度更换 20 台复印机' })).status, 200);
  const nextWeek = new Date(Date.now() + 7 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  await post('/activities', { subject: '电话回访王经理', kind: 'call', account_id: aopai.id, start_at: nextWeek });
}

describe('a lab report is written, handed in, graded and exported', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const u = await apiInPage(page, 'POST', '/users', { username: 'wang_t', name: '王老师', password: PW });
    assert.equal((await apiInPage(page, 'PUT', `/teachers/${u.body.id}`)).status, 204);
    await apiInPage(page, 'DELETE', '/session');
    await page.context().clearCookies();
    await signIn(page, srv.base, 'wang_t', PW);
    klass = (await apiInPage(page, 'POST', '/classes', { name: '市场营销2301班' })).body;
    const roster = await page.evaluate(async id => {
      const { csrf_token: token } = await (await fetch('/api/v1/session')).json();
      const r = await fetch(`/api/v1/classes/${id}/students/import`, { method: 'POST',
        headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': token }, body: '学号,姓名,小组\n2023010101,张晓明,第一组\n' });
      return r.json();
    }, klass.id);
    const opens = new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, 'Z');
    const closes = new Date(Date.now() + 7 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
    assignment = (await apiInPage(page, 'POST', '/assignments', { class_id: klass.id, experiment: 'allpass-02', opens_at: opens, closes_at: closes })).body;
    // the student: their own browser, their password changed, 实验二 done
    other = await startBrowser();
    spage = await other.context.newPage();
    spage.setDefaultTimeout(8000);
    await spage.goto(srv.base + '/login');
    const { username, password } = roster.students[0];
    await spage.evaluate(async ([name, pw, fresh]) => {
      const s = await (await fetch('/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: name, password: pw }) })).json();
      await fetch('/api/v1/session/password', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token },
        body: JSON.stringify({ old_password: pw, new_password: fresh }) });
    }, [username, password, STUDENT_PW]);
    await spage.goto(srv.base + '/');
    await signedIn(spage);
    await doExperimentTwo(spage);
  });
  after(async () => {
    if (other) await other.close();
    await closeApp({ srv, browser });
  });

  sit('the student writes the 实验总结 beside what they did, and hands the report in', async () => {
    await spage.locator('[data-test=my-assignment] [data-test=open-report]').click();
    const sheet = spage.locator('[data-test=my-report]');
    await sheet.locator('[data-test=report-status]', { hasText: '草稿' }).waitFor();
    await sheet.locator('[data-test=report-steps]').getByText('南京奥派机电设备有限公司、苏州恒信精密模具有限公司、无锡滨湖实验中学').waitFor();
    await sheet.locator('[data-test=report-submit]').click();
    await spage.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
    await spage.locator('.el-message', { hasText: '提交前请先写实验总结' }).waitFor();
    await sheet.locator('[data-test=report-conclusion]').fill('通过本次实验，我学会了建立客户档案、登记联系人并识别决策者，也体会到拜访之后及时安排回访的重要性。');
    await screenshot(spage, 'teaching-report-01-writing');
    await sheet.locator('[data-test=report-submit]').click();
    await spage.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
    await sheet.locator('[data-test=report-status]', { hasText: '已提交' }).waitFor();
    await sheet.locator('[data-test=report-result]', { hasText: '1. 建立三家客户的档案 —— 已完成' }).waitFor();
    assert.equal(await sheet.locator('[data-test=report-conclusion]').count(), 0, 'handed in: no longer editable');
  });

  it('the teacher opens the report from the class matrix and grades it', async () => {
    await page.goto(`${srv.base}/assignments/${assignment.id}`);
    const link = page.locator('[data-test=class-matrix] [data-test=matrix-report]', { hasText: '已提交' });
    await link.waitFor({ timeout: 15000 });
    await screenshot(page, 'teaching-report-02-matrix');
    await link.click();
    await page.getByText('通过本次实验，我学会了建立客户档案').waitFor();
    await screenshot(page, 'teaching-report-03-teacher-reads');
    await page.getByRole('button', { name: '评分', exact: true }).click();
    const dialog = page.locator('.el-dialog:visible');
    await dialog.locator('input').first().fill('92');
    await dialog.locator('textarea').first().fill('步骤完整，总结到位。');
    await dialog.getByRole('button', { name: /确定|评分/ }).last().click();
    await page.getByText('已评分', { exact: true }).waitFor();
    await screenshot(page, 'teaching-report-04-graded');
  });

  sit('the student sees the grade and the comment', async () => {
    await spage.reload();
    const grade = spage.locator('[data-test=report-grade]');
    await grade.getByText('成绩：92 分').waitFor();
    await grade.getByText('步骤完整，总结到位。').waitFor();
    await screenshot(spage, 'teaching-report-05-student-grade');
  });

  it('the class\'s grades download as Excel', async () => {
    await page.goto(`${srv.base}/classes/${klass.id}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=export-grades]').click()]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync(await download.path()));
    const rows = [];
    book.worksheets[0].eachRow(r => rows.push(r.values.slice(1)));
    assert.deepEqual(rows[0].slice(0, 6), ['学号', '学生', '实验项目', '状态', '完成步骤', '成绩']);
    assert.deepEqual(rows[1].slice(0, 6).map(String), ['2023010101', '张晓明', '实验二 客户档案：客户与联系人管理', '已评分', '7 / 7', '92']);
  });
  it('全班成绩单: the class page has a column per experiment and the averages, as Excel too', async () => {
    await page.goto(`${srv.base}/classes/${klass.id}`);
    await page.getByRole('tab', { name: '全班成绩单' }).click();
    const sheet = page.locator('[data-test=class-grades]');
    await sheet.locator('[data-test=class-grade]', { hasText: '92' }).waitFor();
    await sheet.locator('[data-test=class-grade-average]', { hasText: '92' }).waitFor();
    await sheet.getByText('实验二 客户档案：客户与联系人管理').first().waitFor();
    await sheet.getByText('全班平均').waitFor();
    await screenshot(page, 'teaching-report-06-class-grades');
    const href = await sheet.locator('[data-test=export-class-grades]').getAttribute('href');
    const bytes = await page.evaluate(async url => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), href);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(bytes));
    const rows = [];
    book.worksheets[0].eachRow(r => rows.push(r.values.slice(1)));
    assert.deepEqual(rows[0], ['学号', '姓名', '小组', '实验二 客户档案：客户与联系人管理', '平均分']);
    assert.deepEqual(rows[1].slice(0, 2).map(String), ['2023010101', '张晓明']);
    assert.deepEqual(rows[1].slice(3, 5), [92, 92]);
    assert.equal(rows.at(-1)[0], '全班平均');
  });
});
