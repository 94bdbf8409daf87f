// messages (站内消息): a message is read once its recipient opens it.
import { patch } from '../../api/http.js';
import { useSessionStore } from '../../stores/session.js';

async function markRead(r) {
  if (r.is_read !== false || r.owner_id !== useSessionStore().user?.id) return null;
  try { return await patch(`/messages/${r.id}`, { is_read: true }, { headers: { 'If-Match': `"${r.version}"` } }); } catch { return null; /* stays unread */ }
}

export default function register(kehu) {
  kehu.onRecordOpen('messages', markRead);
}
