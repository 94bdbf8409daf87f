// receivables (应收款): the report pages of 订单财务 - 欠款查询, 订单账目,
// 销售统计 and 应收账龄 - one ReportPage each, over GET /reports/...; the
// collection plan itself (回款计划) and the receipts are metadata entities
// with the generic pages, and 催款提醒 come with the reminders.
const PAGES = [
  { key: 'arrears', icon: 'Warning', label: 'receivables.arrears' },
  { key: 'order_accounts', icon: 'Tickets', label: 'receivables.orderAccounts' },
  { key: 'sales', icon: 'TrendCharts', label: 'receivables.sales' },
  { key: 'ageing', icon: 'Histogram', label: 'receivables.ageing' },
  { key: 'cost', icon: 'PieChart', label: 'receivables.cost', entity: 'expenses' },
];

export default function register(kehu) {
  for (const p of PAGES) {
    const path = `receivables/${p.key.replace('_', '-')}`;
    kehu.route({ path, name: `report-${p.key}`, meta: { report: p.key }, component: () => import('./ReportPage.vue') });
    kehu.menu({ area: 'orders', key: `report-${p.key}`, path: `/${path}`, label: p.label, icon: p.icon, entity: p.entity || 'sales_orders' });
  }
}
