// service (客户服务): the ticket queue (工单队列), open tickets by 解决期限 of
// one 服务队列 or all, with their 已超期 flags (GET /service/queue, which only
// reads: the server's SLA sweep job sets the flags); 服务统计, the receivables' ReportPage over GET
// /reports/service (by category, channel, priority, kind, agent or month,
// with its chart and 导出Excel). Tickets themselves, their actions (开始处理 …
// 关闭工单 asking 满意度) and the settings are the generic pages.
export default function register(kehu) {
  kehu.route({ path: 'service/queue', name: 'ticket-queue', component: () => import('./TicketQueue.vue') });
  kehu.menu({ area: 'service', key: 'ticket-queue', path: '/service/queue', label: 'service.menu', icon: 'Timer', entity: 'tickets' });
  kehu.route({ path: 'service/statistics', name: 'report-service', meta: { report: 'service' }, component: () => import('../receivables/ReportPage.vue') });
  kehu.menu({ area: 'service', key: 'report-service', path: '/service/statistics', label: 'serviceStats.title', icon: 'DataAnalysis', entity: 'tickets' });
}
