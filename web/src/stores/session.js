// session.js - who is signed in, and the CSRF token of the session. The
// cookie itself is HttpOnly: the app never sees it, it only asks the server.
import { defineStore } from 'pinia';
import { get, post, del, setCsrfToken, setViewCompany, viewedCompany } from '../api/http.js';

export const useSessionStore = defineStore('session', {
  state: () => ({ user: null, company: null, checked: false, expired: false }),
  getters: {
    signedIn: s => !!s.user,
    isAdmin: s => !!(s.user && s.user.is_admin),
    // Creates, renames and suspends companies (公司管理).
    isPlatformAdmin: s => !!(s.user && s.user.platform_admin),
    // Signed in with a generated first password: only changing it is possible.
    mustChangePassword: s => !!(s.user && s.user.must_change_password),
  },
  actions: {
    accept(body) {
      this.user = body.user;
      setCsrfToken(body.csrf_token);
      this.expired = false;
    },
    // On reload: the cookie may still hold a session.
    async check() {
      try {
        this.accept(await get('/session', undefined, { quiet401: true }));
      } catch (e) {
        this.user = null;
        // a company no longer to be looked at (the student left the class):
        // back to one's own
        if (e.status === 403 && viewedCompany()) {
          setViewCompany(null);
          return this.check();
        }
      }
      this.checked = true;
    },
    async signIn(username, password) {
      setViewCompany(null); // a new sign-in starts in one's own company
      this.accept(await post('/session', { username, password }, { quiet401: true }));
      this.checked = true;
    },
    async changeFirstPassword(oldPassword, newPassword) {
      await post('/session/password', { old_password: oldPassword, new_password: newPassword });
      this.user = { ...this.user, must_change_password: false };
    },
    async signOut() {
      try { await del('/session', { quiet401: true }); } catch { /* already gone */ }
      this.clear();
    },
    // The user's company (its name in the user menu); a rename elsewhere
    // calls this again.
    async loadCompany() {
      const id = this.user?.company_id;
      if (!id) { this.company = null; return; }
      try { this.company = await get(`/companies/${id}`); } catch { this.company = null; }
    },
    clear() {
      setViewCompany(null);
      this.user = null;
      this.company = null;
      setCsrfToken('');
    },
  },
});
