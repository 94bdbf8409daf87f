// accounts (客户): a customer's page opens on its 客户全景 tab; 客户统计 is
// a page of the customers' menu area.
import { defineAsyncComponent } from 'vue';

export default function register(kehu) {
  kehu.recordTab('accounts', { name: '360', label: 'a360.tab', first: true, open: true,
    component: defineAsyncComponent(() => import('./Account360.vue')) });
  kehu.route({ path: 'account-stats', name: 'account-stats', component: () => import('../../views/AccountStatsView.vue') });
  kehu.menu({ area: 'customers', key: 'account-stats', path: '/account-stats', label: 'stats.menu', icon: 'PieChart', entity: 'accounts' });
}
