// pricing (折扣规则): a quote or order line takes the price the discount
// rules give its product, for the document's customer and the quantity,
// as soon as the product is picked or the quantity changes. The rules are
// applied by the server alone (GET /prices, the function that prices a
// line when it is saved: docs/commerce.md "Discounts"); a price typed by
// hand afterwards stays, and the server flags it beyond the 职位折扣.
import { get } from '../../api/http.js';

async function rulePrice({ line, header }) {
  if (!line.product_id) return;
  const asked = { product_id: line.product_id, quantity: line.quantity ?? '' };
  const query = { product_id: asked.product_id };
  if (asked.quantity !== '' && Number(asked.quantity) > 0) query.quantity = asked.quantity;
  if (header?.account_id) query.account_id = header.account_id;
  let p;
  try { p = await get('/prices', query); } catch { return; /* the line keeps what it has; saving says what is wrong */ }
  if (line.product_id !== asked.product_id || (line.quantity ?? '') !== asked.quantity) return; // changed meanwhile
  Object.assign(line, { list_price: p.list_price, discount: p.discount, price: p.price });
}

export default function register(kehu) {
  for (const lines of ['quote_lines', 'sales_order_lines']) kehu.lineChanged(lines, ['product_id', 'quantity'], rulePrice);
}
