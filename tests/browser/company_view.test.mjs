// company_view.test.mjs - the teacher opens a student's sandbox company
// from the student's record: the app shows the student's customers under
// a banner that says it is read-only, a save is refused with the server's
// message, and 返回我的公司 leads back to the teacher's own records.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

const PW = 'Xuesheng#2026';
const CUSTOMER = '嘉兴南湖丝绸有限公司';
let srv, browser, page, student;
// the refused save logs a 403 on purpose: the console check stays off
const it = checkedIt(nodeIt, assert, 'company-view-', () => ({ page, browser }), { checkConsole: false });

// The student's own work, done through the API as the student.
async function studentWork(base, username, password) {
  const call = async (method, path, body, h = {}) => {
    const r = await fetch(base + '/api/v1' + path, { method, headers: { 'Content-Type': 'application/json', ...h }, body: body && JSON.stringify(body) });
    return { status: r.status, headers: r.headers, body: await r.json().catch(() => null) };
  };
  let login = await call('POST', '/session', { username, password });
  const auth = l => ({ Cookie: l.headers.get('set-cookie').split(';')[0], 'X-CSRF-Token': l.body.csrf_token });
  assert.equal((await call('POST', '/session/password', { old_password: password, new_password: PW }, auth(login))).status, 204);
  login = await call('POST', '/session', { username, password: PW });
  const made = await call('POST', '/accounts', { name: CUSTOMER, phone: '0573-82051234' }, auth(login));
  assert.equal(made.status, 201);
}

describe('looking into a student\'s company', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const klass = await apiInPage(page, 'POST', '/classes', { name: '国际贸易2402班' });
    assert.equal(klass.status, 201);
    const roster = await page.evaluate(async id => {
      const { csrf_token: token } = await (await fetch('/api/v1/session')).json();
      const r = await fetch(`/api/v1/classes/${id}/students/import`, {
        method: 'POST', headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': token },
        body: '学号,姓名\n2024030101,陈思远\n' });
      return { status: r.status, body: await r.json() };
    }, klass.body.id);
    assert.equal(roster.status, 201);
    student = roster.body.students[0];
    await studentWork(srv.base, student.username, student.password);
  });
  after(async () => { await closeApp({ srv, browser }); });

  it('opens the sandbox from the student\'s record', async () => {
    await page.goto(`${srv.base}/students/${student.id}`);
    await page.locator('[data-test=view-sandbox]').click();
    await page.locator('[data-test=viewing-banner]', { hasText: '陈思远' }).waitFor();
    await page.goto(srv.base + '/accounts');
    await page.locator('[data-test=list-table]').getByText(CUSTOMER).waitFor();
    await page.locator('[data-test=viewing-banner]', { hasText: '只读' }).waitFor();
    await page.waitForTimeout(400); // the banner fades in
    await screenshot(page, 'company-view-01-sandbox');
  });

  it('offers no change, not even through the edit page\'s address', async () => {
    const r = await apiInPage(page, 'POST', '/accounts', { name: '老师代建客户' });
    assert.equal(r.status, 201, 'apiInPage sends no header: the teacher\'s own company');
    await page.locator('[data-test=list-table]').getByText(CUSTOMER).click();
    await page.waitForURL(/\/accounts\/\d+$/);
    await page.locator('[data-test=record-title]', { hasText: CUSTOMER }).waitFor();
    // read only: the page offers no change (the metadata says so) ...
    assert.equal(await page.locator('[data-test=edit]').count(), 0);
    assert.equal(await page.locator('[data-test=delete]').count(), 0);
    // ... not even through the edit page's address: the server's
    // X-Kehu-Allow has no edit there, so it leads back, saying why (the
    // server's own refusal, read_only_view, is api/company_view's)
    const record = page.url();
    await page.goto(record + '/edit');
    await page.waitForURL(record);
    await page.locator('.el-message--warning', { hasText: '只读' }).waitFor();
    assert.equal(await page.locator('[data-test=save]').count(), 0, 'no form to save');
    await screenshot(page, 'company-view-02-refused');
  });

  it('leads back to the teacher\'s own company', async () => {
    await page.locator('[data-test=viewing-back]').click();
    await page.waitForURL(/\/students$/);
    await page.locator('[data-test=list-table]').getByText('陈思远').waitFor();
    assert.equal(await page.locator('[data-test=viewing-banner]').count(), 0);
    await page.goto(srv.base + '/accounts');
    await page.locator('[data-test=list-table]').getByText('老师代建客户').waitFor();
    assert.equal(await page.locator('[data-test=list-table]').getByText(CUSTOMER).count(), 0);
  });
});
