// teaching-editor.test.mjs - a teacher writes an experiment of their own in
// the browser: 新建 on 自编实验 opens the step editor; a shipped experiment
// is copied; a step's check is built with the list's own 高级查询 (客户等级
// = A, at least 2); 试做检查 against a student of the class says why it is
// not done, then ticks once the student has the records; 保存并布置
// publishes it to the class like a shipped one. On the assignment's 成绩单
// the teacher sets a rubric of their own, grades the handed-in report by
// it, and the sheet downloads as an .xlsx that Excel (exceljs) reads.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

const PW = 'Laoshi#2026pass';
const STUDENT_PW = 'Xuesheng#2026';
let srv, browser, page, klass, studentApi;
const it = checkedIt(nodeIt, assert, 'teaching-editor-', () => ({ page, browser }));

// The student, signed in from node: the first password changed, then a
// client for their own records.
async function studentClient(base, username, password) {
  const session = async (u, p) => {
    const r = await fetch(base + '/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: u, password: p }) });
    const j = await r.json();
    return { Cookie: r.headers.get('set-cookie').split(';')[0], 'X-CSRF-Token': j.csrf_token, 'Content-Type': 'application/json' };
  };
  const first = await session(username, password);
  await fetch(base + '/api/v1/session/password', { method: 'POST', headers: first, body: JSON.stringify({ old_password: password, new_password: STUDENT_PW }) });
  const h = await session(username, STUDENT_PW);
  const send = async (method, path, body) => (await fetch(base + '/api/v1' + path, { method, headers: h, body: JSON.stringify(body) })).status;
  return { post: (path, body) => send('POST', path, body), put: (path, body) => send('PUT', path, body) };
}

describe('a teacher writes, tries and publishes an experiment of their own', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const u = await apiInPage(page, 'POST', '/users', { username: 'li_t', name: '李老师', password: PW });
    assert.equal((await apiInPage(page, 'PUT', `/teachers/${u.body.id}`)).status, 204);
    await apiInPage(page, 'DELETE', '/session');
    await page.context().clearCookies();
    await signIn(page, srv.base, 'li_t', PW);
    klass = (await apiInPage(page, 'POST', '/classes', { name: '工商管理2401班' })).body;
    const roster = await page.evaluate(async id => {
      const { csrf_token: token } = await (await fetch('/api/v1/session')).json();
      const r = await fetch(`/api/v1/classes/${id}/students/import`, { method: 'POST',
        headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': token }, body: '学号,姓名\n2024020101,赵一鸣\n' });
      return r.json();
    }, klass.id);
    studentApi = await studentClient(srv.base, roster.students[0].username, roster.students[0].password);
  });
  after(async () => { await closeApp({ srv, browser }); });

  it('新建 opens the editor; a shipped experiment is copied with its steps', async () => {
    await page.goto(`${srv.base}/custom_experiments`);
    await page.locator('[data-test=create]').click();
    const editor = page.locator('[data-test=experiment-editor]');
    await editor.waitFor();
    await editor.locator('[data-test=copy-from]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '实验二' }).first().click();
    await page.waitForFunction(() => document.querySelector('[data-test=x-title]')?.value.includes('（副本）'));
    const shipped = await apiInPage(page, 'GET', '/experiments/allpass-02');
    assert.equal(await editor.locator('.step').count(), shipped.body.steps.length);
    await screenshot(page, 'teaching-editor-01-copied');
  });

  it('a step is built with the 高级查询 form and tried against a student before publishing', async () => {
    await page.goto(`${srv.base}/custom_experiments/new`);
    const editor = page.locator('[data-test=experiment-editor]');
    await editor.locator('[data-test=x-title]').fill('重点客户开发');
    const step = editor.locator('.step').first();
    await step.locator('[data-test=step-title]').fill('建立两家 A 类客户');
    await step.locator('[data-test=add-condition]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '客户等级' }).click();
    await step.locator('[data-filter=grade] .el-select').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'A 类' }).click();
    await page.keyboard.press('Escape');
    await step.locator('[data-test=step-min]').locator('xpath=descendant-or-self::input').fill('2');
    await step.locator('[data-test=step-what]').fill('A 类客户');

    const trial = page.locator('[data-test=try-panel]');
    await trial.locator('[data-test=try-student]', { hasText: '赵一鸣' }).waitFor();
    await trial.locator('[data-test=try-run]').click();
    await trial.locator('[data-test=try-result] [data-test=step-why]', { hasText: '还没有A 类客户：需要 2 个' }).waitFor();
    await screenshot(page, 'teaching-editor-02-tried');

    for (const name of ['苏州恒达包装材料有限公司', '无锡新锐机械制造有限公司'])
      assert.equal(await studentApi.post('/accounts', { name, grade: 'A' }), 201);
    await trial.locator('[data-test=try-run]').click();
    await trial.locator('[data-test=try-result] [data-state=done]').waitFor();
  });

  it('保存并布置 saves it and publishes it to the class like a shipped one', async () => {
    await page.locator('[data-test=save-assign]').click();
    const assign = page.locator('[data-test=assign-page]');
    await assign.locator('[data-test=assign-preview]', { hasText: '重点客户开发' }).waitFor();
    await assign.locator('[data-test=assign-publish]').click();
    await page.waitForURL(/\/assignments\/\d+$/);
    const matrix = page.locator('[data-test=class-matrix]');
    await matrix.getByText('赵一鸣').waitFor();
    await screenshot(page, 'teaching-editor-03-published');
    const own = (await apiInPage(page, 'GET', '/custom_experiments')).body.items;
    assert.equal(own.length, 1);
    assert.deepEqual(own[0].steps[0].check.filter, { and: [{ field: 'grade', op: 'in', value: ['A'] }] });
    assert.equal(own[0].steps[0].check.min, 2);
  });

  it('成绩单: a rubric of the teacher\'s own, a report graded by it, the sheet in Excel', async () => {
    const assignmentId = Number(page.url().match(/assignments\/(\d+)/)[1]);
    assert.equal(await studentApi.put(`/assignments/${assignmentId}/my-report`, { conclusion: '学会了按客户等级建立档案。', submit: true }), 200);
    await page.getByRole('tab', { name: '成绩单' }).click();
    const sheet = page.locator('[data-test=grade-sheet]');
    await sheet.locator('[data-test=rubric-summary]', { hasText: '建立两家 A 类客户 100' }).waitFor();
    await sheet.locator('[data-test=edit-rubric]').click();
    const editor = page.locator('[data-test=rubric-editor]');
    await editor.locator('[data-test=criterion-name]').first().fill('客户档案完整');
    await editor.locator('[data-test=criterion-max]').first().locator('input').fill('60');
    await editor.locator('[data-test=add-criterion]').click();
    await editor.locator('[data-test=criterion-name]').nth(1).fill('实验总结质量');
    await editor.locator('[data-test=criterion-max]').nth(1).locator('input').fill('40');
    await editor.locator('[data-test=rubric-sum]').click(); // leaves the number input, which commits it
    await editor.locator('[data-test=rubric-sum]', { hasText: '合计 100 分' }).waitFor();
    await editor.locator('[data-test=rubric-save-criteria]').click();
    await sheet.locator('[data-test=rubric-summary]', { hasText: '客户档案完整 60 · 实验总结质量 40' }).waitFor();
    await sheet.locator('[data-state=handed_in]').waitFor();
    await sheet.locator('[data-test=sheet-grade]').click();
    const dialog = page.locator('[data-test=rubric-grade-dialog]');
    await dialog.locator('.el-input-number input').nth(0).fill('55');
    await dialog.locator('.el-input-number input').nth(1).fill('36');
    await dialog.locator('textarea').fill('档案完整，总结可以更具体。');
    await dialog.locator('[data-test=rubric-total]', { hasText: '91' }).waitFor();
    await screenshot(page, 'teaching-editor-04-grading');
    await dialog.locator('[data-test=rubric-save]').click();
    await sheet.locator('[data-state=accepted]').waitFor();
    await sheet.locator('[data-test=sheet-score]', { hasText: '91' }).waitFor();
    await screenshot(page, 'teaching-editor-05-sheet');
    const href = await sheet.locator('[data-test=export-sheet]').getAttribute('href');
    const bytes = await page.evaluate(async url => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), href);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(bytes));
    const rows = [];
    book.worksheets[0].eachRow(r => rows.push(r.values.slice(1)));
    assert.deepEqual(rows[0].slice(5, 8), ['客户档案完整（60 分）', '实验总结质量（40 分）', '成绩']);
    assert.deepEqual(rows[1].slice(0, 2), ['2024020101', '赵一鸣']);
    assert.deepEqual(rows[1].slice(3, 9), ['已评分', '1 / 1', 55, 36, 91, '档案完整，总结可以更具体。']);
  });
  it('the steps, the rubric and the points read as tables on the record pages, not as JSON', async () => {
    const assignmentId = Number(page.url().match(/assignments\/(\d+)/)[1]);
    const own = (await apiInPage(page, 'GET', '/custom_experiments')).body.items[0];
    await page.goto(`${srv.base}/custom_experiments/${own.id}`);
    const steps = page.locator('[data-field=steps] [data-test=json-table]');
    await steps.waitFor();
    const heads = await steps.locator('thead th').allInnerTexts();
    assert.deepEqual(heads.slice(0, 5), ['#', '步骤', '模块', '检查的记录', '至少']);
    const first = await steps.locator('tbody tr').first().locator('td').allInnerTexts();
    assert.deepEqual(first.slice(0, 5), ['1', '建立两家 A 类客户', '客户', 'A 类客户', '2'], 'the module by its name');
    assert.equal(await page.locator('[data-field=steps]').getByText('"check"').count(), 0, 'no raw JSON');
    await screenshot(page, 'teaching-editor-06-steps-readable');

    await page.goto(`${srv.base}/assignments/${assignmentId}`);
    await page.getByRole('tab', { name: '详细资料' }).click();
    const rubric = page.locator('[data-field=rubric] [data-test=json-table]');
    await rubric.waitFor();
    assert.deepEqual(await rubric.locator('thead th').allInnerTexts(), ['评分项', '满分']);
    assert.deepEqual(await rubric.locator('tbody tr').first().locator('td').allInnerTexts(), ['客户档案完整', '60']);
    await screenshot(page, 'teaching-editor-07-rubric-readable');

    const report = (await apiInPage(page, 'GET', '/lab_reports')).body.items[0];
    await page.goto(`${srv.base}/lab_reports/${report.id}`);
    const points = page.locator('[data-field=points] [data-test=json-pairs]');
    await points.waitFor();
    assert.deepEqual(await points.locator('thead th').allInnerTexts(), ['评分项', '得分']);
    assert.deepEqual((await points.locator('tbody td').allInnerTexts()).sort(), ['36', '55']);
    // the criteria by the names the assignment's rubric gives them
    await points.locator('th.key', { hasText: '客户档案完整' }).waitFor();
    assert.deepEqual((await points.locator('th.key').allInnerTexts()).sort(), ['实验总结质量', '客户档案完整'].sort());
    await points.scrollIntoViewIfNeeded();
    await screenshot(page, 'teaching-editor-08-points-readable');
  });
});
