// company-view (查看实验公司): a teacher opens a student's sandbox company
// read-only from the student's record; the top bar says whose company is
// shown and leads back. The server decides who may look where and refuses
// every write (X-Kehu-Company, docs/api.md "Teaching"); here only the
// header is set (api/http.js) and the whole app reloaded in that company.
import { defineAsyncComponent } from 'vue';

export default function register(kehu) {
  kehu.recordAction('students', { component: defineAsyncComponent(() => import('./ViewSandboxButton.vue')) });
  kehu.topBar({ component: defineAsyncComponent(() => import('./ViewingBanner.vue')) });
}
