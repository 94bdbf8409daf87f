// approvals (业务审批): the 待我审批 inbox page and its count in the top bar;
// on a record waiting for approval, 审批通过 and 驳回 ask for a comment and
// show to its approver, 撤回 to its submitter; 提交审批 asks for an optional
// note to the approver (orders).
// Flows themselves are records (审批流程, in 系统设置) edited by the generic
// pages; the server decides everything (docs/engine.md "Approvals").
import { defineAsyncComponent, h } from 'vue';

const DecisionButtons = defineAsyncComponent(() => import('./DecisionButtons.vue'));
const WithdrawButton = defineAsyncComponent(() => import('./WithdrawButton.vue'));
const SubmitButton = defineAsyncComponent(() => import('./SubmitButton.vue'));
const decision = reject => ({
  props: { entity: Object, record: Object, action: Object },
  emits: ['changed'],
  setup(props, { emit }) { return () => h(DecisionButtons, { ...props, reject, onChanged: () => emit('changed') }); },
});

// the entities whose actions name the approval handlers, with those actions
const APPROVABLE = [{ entity: 'sales_orders', submit: 'submit', approve: 'approve', reject: 'send_back', withdraw: 'withdraw' },
  { entity: 'documents', approve: 'approve', reject: 'send_back', withdraw: 'withdraw' }];

export default function register(kehu) {
  kehu.route({ path: 'approvals', name: 'approvals', component: () => import('./ApprovalInbox.vue') });
  kehu.menu({ area: 'orders', key: 'approvals', path: '/approvals', label: 'approvals.menu', icon: 'Stamp', entity: 'approval_requests' });
  kehu.topBar({ component: defineAsyncComponent(() => import('./ApprovalBadge.vue')) });
  for (const a of APPROVABLE) {
    kehu.recordAction(a.entity, { action: a.approve, component: decision(false) });
    kehu.recordAction(a.entity, { action: a.reject, component: decision(true) });
    kehu.recordAction(a.entity, { action: a.withdraw, component: WithdrawButton }); // for its submitter only
    if (a.submit) kehu.recordAction(a.entity, { action: a.submit, component: SubmitButton });
  }
}
