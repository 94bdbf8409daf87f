// reports.js - the reports of money sold and owed, as ReportPage.vue shows
// them: the API path, the groupings the server offers (by) and which
// figures the chart draws for each, and whether the report takes a period
// (from, to) or a day (as_of). The figures and their labels come from the
// server's answer (docs/commerce.md "Reports"); `plain` figures are counts,
// not money.
export const REPORTS = {
  arrears: {
    path: '/reports/arrears', title: 'receivables.arrears', tip: 'receivables.arrearsTip', icon: 'Warning', asOf: true,
    series: ['outstanding'],
    by: [
      { value: 'instalment', label: 'receivables.byInstalment', entity: 'instalments' },
      { value: 'customer', label: 'receivables.byCustomer', entity: 'accounts' },
      { value: 'owner', label: 'receivables.byOwner' },
    ],
  },
  order_accounts: {
    path: '/reports/order_accounts', title: 'receivables.orderAccounts', tip: 'receivables.orderAccountsTip', icon: 'Tickets',
    period: true, stacked: true, chartLabel: 'code', series: ['received', 'outstanding'],
    by: null, entity: 'sales_orders',
  },
  sales: {
    path: '/reports/sales', title: 'receivables.sales', tip: 'receivables.salesTip', icon: 'TrendCharts', period: true, line: true,
    series: ['total'],
    by: [
      { value: 'month', label: 'receivables.byMonth' },
      { value: 'product', label: 'receivables.byProduct', entity: 'products' },
      { value: 'customer', label: 'receivables.byCustomer', entity: 'accounts' },
      { value: 'owner', label: 'receivables.byOwner' },
    ],
  },
  // 成本分析 (src/modules/cost_report.c): approved expenses, and the gross
  // margin of orders less product cost and expenses per customer or salesperson
  cost: {
    path: '/reports/cost', title: 'receivables.cost', tip: 'receivables.costTip', icon: 'PieChart', period: true,
    series: ['expenses'],
    by: [
      { value: 'type', label: 'receivables.byType' },
      { value: 'customer', label: 'receivables.byCustomer', entity: 'accounts', series: ['revenue', 'product_cost', 'expenses', 'net'] },
      { value: 'opportunity', label: 'receivables.byOpportunity', entity: 'opportunities', series: ['won_amount', 'expenses', 'net'] },
      { value: 'campaign', label: 'receivables.byCampaign', entity: 'campaigns', series: ['won_amount', 'expenses', 'net'] },
      { value: 'owner', label: 'receivables.byOwner', series: ['revenue', 'product_cost', 'expenses', 'net'] },
    ],
  },
  ageing: {
    path: '/reports/ageing', title: 'receivables.ageing', tip: 'receivables.ageingTip', icon: 'Histogram', asOf: true, stacked: true,
    series: ['not_due', 'd0_30', 'd31_60', 'd61_90', 'd90_plus'],
    colors: ['#909399', '#67c23a', '#e6a23c', '#f56c6c', '#b42318'], // older is redder
    by: [
      { value: 'customer', label: 'receivables.byCustomer', entity: 'accounts' },
      { value: 'owner', label: 'receivables.byOwner' },
    ],
  },
  // 服务统计 (registered by the service module): tickets and their SLA met rates
  service: {
    path: '/reports/service', title: 'serviceStats.title', tip: 'serviceStats.tip', icon: 'DataAnalysis', period: true,
    series: ['tickets', 'resolved', 'response_met', 'resolution_met'], plain: true,
    by: [
      { value: 'category', label: 'serviceStats.byCategory' },
      { value: 'channel', label: 'serviceStats.byChannel' },
      { value: 'priority', label: 'serviceStats.byPriority' },
      { value: 'kind', label: 'serviceStats.byKind' },
      { value: 'owner', label: 'serviceStats.byOwner' },
      { value: 'month', label: 'serviceStats.byMonth' },
    ],
  },
};
