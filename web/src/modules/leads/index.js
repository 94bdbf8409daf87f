// leads (线索): the declared action 转换线索 gets its own dialog (a new or an
// existing customer, optionally an opportunity) instead of the generic one.
import { defineAsyncComponent } from 'vue';

export default function register(kehu) {
  kehu.recordAction('leads', { action: 'convert', writes: true, component: defineAsyncComponent(() => import('./LeadConvert.vue')) });
}
