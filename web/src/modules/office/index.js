// office (公告栏): an announcement is read once its reader opens it (POST
// /announcements/{id}/read); 发布公告 asks the audience (everyone, roles,
// departments or people) in its own dialog; 阅读情况 lists who read it and
// who has not yet (GET /announcements/{id}/receipts).
import { defineAsyncComponent } from 'vue';
import { post } from '../../api/http.js';

async function markRead(r) {
  if (r.status !== 'published') return null;
  try { await post(`/announcements/${r.id}/read`); } catch { /* stays unread */ }
  return null; // the announcement itself does not change
}

export default function register(kehu) {
  kehu.onRecordOpen('announcements', markRead);
  kehu.recordAction('announcements', { action: 'publish', writes: true, component: defineAsyncComponent(() => import('./PublishAnnouncement.vue')) });
  kehu.recordTab('announcements', { name: 'receipts', label: 'office.receiptsTab', props: record => ({ record }),
    component: defineAsyncComponent(() => import('./ReadReceipts.vue')) });
}
