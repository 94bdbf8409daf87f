// decisions.js - approving and rejecting, shared by the inbox and the
// record page. Which action of an entity approves or rejects is what its
// metadata says (the action naming the server's handler approval_approve
// or approval_reject), so no entity or action name is written here; the
// server decides who may.
import { ElMessage, ElMessageBox } from 'element-plus';
import { post } from '../../api/http.js';
import { loc } from '../../i18n/index.js';
import { runAction } from '../../utils/states.js';

export const actionWith = (entity, handler) => (entity?.actions || []).find(a => a.handler === handler) || null;

// Asks the comment (required to reject), then runs the action on
// entity/id: the answer's {record, result}, or null when cancelled.
export async function decide(t, entityName, id, action, reject) {
  let comment = '';
  try {
    ({ value: comment } = await ElMessageBox.prompt(t(reject ? 'approvals.rejectPrompt' : 'approvals.approvePrompt'),
      t(reject ? 'approvals.reject' : 'approvals.approve'), {
        inputType: 'textarea', inputPlaceholder: t('approvals.comment'),
        inputValidator: v => !reject || !!(v || '').trim() || t('approvals.commentRequired'),
        confirmButtonText: t(reject ? 'approvals.reject' : 'approvals.approve'),
      }));
  } catch { return null; }
  return post(`/${entityName}/${id}/actions/${action.name}`, comment?.trim() ? { comment: comment.trim() } : {});
}

// Tells the badge in the top bar to count again.
export const approvalsChanged = () => window.dispatchEvent(new Event('kehu:approvals'));

// A record page's approval button (提交审批, 撤回): runs the action on the
// record at its version, says which state the record moved to, and tells
// the badge; true when it ran (the error is shown otherwise).
export async function runOnRecord(t, entity, record, action, body = {}) {
  try {
    const { record: after } = await runAction(entity.name, record, action.name, body);
    const field = entity.fields.find(f => f.name === action.field);
    const state = field?.options?.find(o => o.value === after[action.field]);
    const label = loc({ label_zh: action.label?.zh, label_en: action.label?.en });
    ElMessage.success(state ? t('actions.movedTo', { field: loc(field), state: loc(state) }) : t('actions.ran', { action: label }));
    approvalsChanged();
    return true;
  } catch (e) {
    ElMessage.error(e.message);
    return false;
  }
}
