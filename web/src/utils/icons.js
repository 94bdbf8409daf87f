// icons.js - metadata names icons by their Element Plus name
// ("OfficeBuilding"); menu areas get a fixed icon by key.
import * as Icons from '@element-plus/icons-vue';

const AREA_ICONS = {
  workbench: 'HomeFilled', customers: 'User', sales: 'TrendCharts', products: 'Goods', orders: 'Tickets',
  finance: 'Money', purchasing: 'ShoppingCart', marketing: 'Promotion', service: 'Service',
  approvals: 'Stamp', reports: 'DataAnalysis', teaching: 'Reading', settings: 'Setting',
};

export function icon(name) {
  return (name && Icons[name]) || Icons.Document;
}
export function areaIcon(key) {
  return Icons[AREA_ICONS[key]] || Icons.Menu;
}
export { Icons };
