// stock (库存管理, 采购管理): the pages beyond the generic views - 库存台账
// (GET /reports/stock_ledger: opening, in, out, closing per month of a
// product, as a chart and a table, exported to Excel) and 采购建议 (GET
// /purchasing/suggestions: goods below their 最低库存). Warehouses, stock
// moves, transfers, shipments, returns and the purchasing documents are
// metadata entities in their menu areas (docs/stock.md).
export default function register(kehu) {
  kehu.route({ path: 'stock-ledger', name: 'stock-ledger', component: () => import('./StockLedger.vue') });
  kehu.menu({ area: 'inventory', key: 'stock-ledger', path: '/stock-ledger', label: 'stock.ledgerMenu', icon: 'DataLine', entity: 'stock_moves' });
  kehu.route({ path: 'purchase-suggestions', name: 'purchase-suggestions', component: () => import('./PurchaseSuggestions.vue') });
  kehu.menu({ area: 'purchasing', key: 'purchase-suggestions', path: '/purchase-suggestions', label: 'stock.suggestMenu', icon: 'ShoppingBag', entity: 'purchase_orders' });
}
