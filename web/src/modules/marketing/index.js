// marketing (市场管理): 竞争对手分析 (won and lost against each competitor,
// GET /reports/competitors) as a chart page, and 添加活动成员 on a campaign:
// the records a filter selects, in one request (POST /campaigns/{id}/members).
import { defineAsyncComponent } from 'vue';

export default function register(kehu) {
  kehu.route({ path: 'competitor-report', name: 'competitor-report', component: () => import('./CompetitorReport.vue') });
  kehu.menu({ area: 'marketing', key: 'competitor-report', path: '/competitor-report', label: 'marketing.reportMenu', icon: 'Histogram', entity: 'opportunities' });
  kehu.recordAction('campaigns', { component: defineAsyncComponent(() => import('./AddMembers.vue')) });
}
