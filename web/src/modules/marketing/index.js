// marketing (市场管理): 竞争对手分析 (won and lost against each competitor,
// GET /reports/competitors) as a chart page, 市场活动效果 (each campaign's
// cost, won amount and ROI from its computed fields) as another, and 添加活动成员 on a campaign:
// the records a filter selects, in one request (POST /campaigns/{id}/members).
import { defineAsyncComponent } from 'vue';

export default function register(kehu) {
  kehu.route({ path: 'competitor-report', name: 'competitor-report', component: () => import('./CompetitorReport.vue') });
  kehu.menu({ area: 'marketing', key: 'competitor-report', path: '/competitor-report', label: 'marketing.reportMenu', icon: 'Histogram', entity: 'opportunities' });
  kehu.route({ path: 'campaign-roi', name: 'campaign-roi', component: () => import('./CampaignRoi.vue') });
  kehu.menu({ area: 'marketing', key: 'campaign-roi', path: '/campaign-roi', label: 'marketing.roiMenu', icon: 'TrendCharts', entity: 'campaigns' });
  kehu.recordAction('campaigns', { writes: true, component: defineAsyncComponent(() => import('./AddMembers.vue')) });
}
