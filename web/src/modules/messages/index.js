// messages (站内消息): a message is read once its recipient opens it; 新建
// writes one to colleagues, roles or departments (POST /messages/send).
import { patch } from '../../api/http.js';
import { useSessionStore } from '../../stores/session.js';

async function markRead(r) {
  if (r.is_read !== false || r.owner_id !== useSessionStore().user?.id) return null;
  try { return await patch(`/messages/${r.id}`, { is_read: true }, { headers: { 'If-Match': `"${r.version}"` } }); } catch { return null; /* stays unread */ }
}

export default function register(kehu) {
  kehu.onRecordOpen('messages', markRead);
  kehu.route({ path: 'messages/new', name: 'compose-message', component: () => import('./ComposeView.vue') });
  kehu.newRecordPage('messages', 'compose-message');
}
