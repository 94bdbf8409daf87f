// opportunities (销售机会): the 销售漏斗 board and the 阶段历程 tab of a deal.
import { defineAsyncComponent } from 'vue';

export default function register(kehu) {
  kehu.route({ path: 'pipeline', name: 'pipeline', component: () => import('../../views/PipelineView.vue') });
  kehu.menu({ area: 'sales', key: 'pipeline', path: '/pipeline', label: 'pipeline.menu', icon: 'Grid', entity: 'opportunities' });
  kehu.recordTab('opportunities', { name: 'stages', label: 'stages.tab', props: record => ({ id: record.id }),
    component: defineAsyncComponent(() => import('./StageHistory.vue')) });
}
