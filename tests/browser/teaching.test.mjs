// teaching.test.mjs - a student's first sign-in in the browser: the 学号
// and the password the teacher handed out lead to a second step that asks
// for a password of their own; saving it opens the student's own company,
// and the next sign-in goes straight in.
import { describe, it as nodeIt, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, signedIn, screenshot, apiInPage, checkedIt, openApp, closeApp } from './harness.mjs';

const NEW_PASSWORD = 'Xuesheng#2026';
let srv, browser, page, student;
const it = checkedIt(nodeIt, assert, 'teaching-', () => ({ page, browser }));

describe('a student\'s first sign-in', () => {
  before(async () => {
    ({ srv, browser, page } = await openApp());
    await signIn(page, srv.base);
    const klass = await apiInPage(page, 'POST', '/classes', { name: '市场营销2301班' });
    assert.equal(klass.status, 201);
    // the roster as the teacher uploads it: CSV from the 教务系统
    const roster = await page.evaluate(async id => {
      const { csrf_token: token } = await (await fetch('/api/v1/session')).json();
      const r = await fetch(`/api/v1/classes/${id}/students/import`, {
        method: 'POST', headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': token },
        body: '学号,姓名,小组\n2023010101,张晓明,第一组\n' });
      return { status: r.status, body: await r.json() };
    }, klass.body.id);
    assert.equal(roster.status, 201);
    student = roster.body.students[0];
    await apiInPage(page, 'DELETE', '/session');
    await page.context().clearCookies();
  });
  after(async () => { await closeApp({ srv, browser }); });

  it('asks for a password of the student\'s own before anything else', async () => {
    await page.goto(srv.base + '/login');
    await page.getByLabel(/用户名|Username/).fill(student.username);
    await page.getByLabel(/^密码$|^Password$/).fill(student.password);
    await page.locator('[data-test=login-submit]').click();
    const form = page.locator('[data-test=first-password]');
    await form.waitFor();
    await screenshot(page, 'teaching-01-first-password');
    // any other page leads back here
    await page.goto(srv.base + '/');
    await form.waitFor();
    // after the reload the old password is asked again
    await form.getByLabel('原密码').fill(student.password);
    await form.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD);
    await form.getByLabel('确认新密码').fill('Different#2026');
    await page.locator('[data-test=first-password-submit]').click();
    await form.getByText('两次输入的新密码不一致').waitFor();
    await form.getByLabel('确认新密码').fill(NEW_PASSWORD);
    await page.locator('[data-test=first-password-submit]').click();
    await signedIn(page);
    await screenshot(page, 'teaching-02-own-company');
    const me = await apiInPage(page, 'GET', '/session');
    assert.equal(me.body.user.must_change_password, false);
    assert.equal(me.body.user.company_id, student.company_id);
  });

  it('signs in with the new password straight into the student\'s company', async () => {
    await apiInPage(page, 'DELETE', '/session');
    await page.context().clearCookies();
    await signIn(page, srv.base, student.username, NEW_PASSWORD);
    assert.equal((await apiInPage(page, 'GET', '/accounts')).status, 200);
  });
});
