// router.js - the pages. Entity pages are generic (/accounts, /accounts/12,
// /accounts/12/edit, /accounts/new): the metadata says what each one shows;
// a module's own pages (the pipeline board) are registered by the module.
// The guard restores the session on reload, sends anonymous users to the
// sign-in page, and loads the metadata once signed in.
import { createRouter, createWebHistory } from 'vue-router';
import { ElMessage } from 'element-plus';
import { useSessionStore } from './stores/session.js';
import { useMetaStore } from './stores/meta.js';
import { setUnauthorizedHandler } from './api/http.js';
import { i18n } from './i18n/index.js';
import AppLayout from './components/layout/AppLayout.vue';
import LoginView from './views/LoginView.vue';
import { moduleRoutes, modulePublicRoutes, newRecordRoute } from './modules/index.js';

const routes = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true } },
  ...modulePublicRoutes(), // pages reached without signing in (a survey link)
  {
    path: '/',
    component: AppLayout,
    children: [
      { path: '', name: 'home', component: () => import('./views/StartView.vue') },
      { path: 'search', name: 'search', component: () => import('./views/SearchView.vue') },
      ...moduleRoutes(), // the modules' own pages (web/src/modules), before the entity patterns
      { path: 'recycle-bin', name: 'recycle-bin', component: () => import('./views/RecycleBinView.vue') },
      { path: 'admin/access/:tab?', name: 'admin-access', component: () => import('./views/admin/AccessView.vue'), meta: { admin: true } },
      { path: 'admin/companies', name: 'admin-companies', component: () => import('./views/admin/CompaniesView.vue'), meta: { platformAdmin: true } },
      { path: 'admin/fields/:entity?', name: 'admin-fields', component: () => import('./views/admin/FieldsView.vue'), meta: { admin: true } },
      { path: ':entity', name: 'list', component: () => import('./views/EntityListView.vue'), meta: { entity: true } },
      { path: ':entity/new', name: 'create', component: () => import('./views/EntityFormView.vue'), meta: { entity: true },
        beforeEnter: to => { const page = newRecordRoute(to.params.entity); return page ? { name: page, query: to.query } : true; } },
      { path: ':entity/:id(\\d+)', name: 'detail', component: () => import('./views/EntityDetailView.vue'), meta: { entity: true } },
      { path: ':entity/:id(\\d+)/edit', name: 'edit', component: () => import('./views/EntityFormView.vue'), meta: { entity: true } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
    ],
  },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach(async to => {
  const session = useSessionStore();
  const meta = useMetaStore();
  if (!session.checked) await session.check();
  if (to.meta.public) return session.signedIn && !session.mustChangePassword && to.name === 'login' ? { name: 'home' } : true;
  if (!session.signedIn) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  // a generated first password (a student's): the server answers nothing else until it is changed
  if (session.mustChangePassword) return { name: 'login' };
  if (!meta.loaded) {
    try { await meta.load(); } catch { /* a 401 is handled below; others show an empty menu */ }
  }
  if (to.meta.admin && !session.isAdmin) return { name: 'home' };
  if (to.meta.platformAdmin && !session.isPlatformAdmin) return { name: 'home' };
  if (to.meta.entity && !meta.entity(to.params.entity)) {
    return { name: 'not-found', params: { pathMatch: to.path.slice(1).split('/') } };
  }
  return true;
});

// Any 401 outside the sign-in page means the session ended (expired,
// revoked, password changed elsewhere): back to the sign-in page, once.
setUnauthorizedHandler(() => {
  const session = useSessionStore();
  const meta = useMetaStore();
  const current = router.currentRoute.value;
  if (current.name === 'login' || session.expired) return;
  session.clear();
  session.expired = true;
  ElMessage.warning({ message: i18n.global.t('login.expired'), grouping: true });
  // The metadata goes only once the page that uses it is gone.
  router.replace({ name: 'login', query: { expired: '1', redirect: current.fullPath } }).then(() => meta.reset());
});
