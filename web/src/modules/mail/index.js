// mail (通讯中心, docs/mail.md): on a 沟通模板 the tab 合并字段与预览 (the
// merge fields the server allows, to copy into the generic form's subject
// and body, and the template merged for a chosen contact, as the server
// renders it); 批量沟通 on a template and on a campaign (POST
// /communications/send, then the per-status progress of the batch and each
// recipient's row); 群发 on the lists of contacts, accounts and leads (the
// selected rows or all the list shows); all of them one SendDialog given its
// recipients; the administrator's 邮件设置 page (with the 接收邮箱, both one
// SettingsCard); and the unsubscribe
// page a bulk email links to (/u/{token}, no sign-in).
import { defineAsyncComponent } from 'vue';

export default function register(kehu) {
  const bulk = defineAsyncComponent(() => import('./BulkSend.vue'));
  kehu.recordTab('comm_templates', { name: 'compose', label: 'mail.tab', props: record => ({ record }),
    component: defineAsyncComponent(() => import('./TemplatePreview.vue')) });
  kehu.recordAction('comm_templates', { component: bulk });
  kehu.recordAction('campaigns', { component: bulk });
  const fromList = defineAsyncComponent(() => import('./ListBulkSend.vue'));
  kehu.listAction('contacts', { component: fromList });
  kehu.listAction('accounts', { component: fromList });
  kehu.listAction('leads', { component: fromList });
  kehu.route({ path: 'mail-settings', name: 'mail-settings', component: () => import('./MailSettings.vue') });
  kehu.menu({ area: 'office', key: 'mail-settings', path: '/mail-settings', label: 'mail.settingsMenu', icon: 'Setting', entity: 'comm_messages' });
  kehu.publicRoute({ path: '/u/:token', name: 'mail-unsubscribe', component: () => import('./Unsubscribe.vue') });
}
