// expr.test.mjs - the web app's evaluator of computed fields
// (web/src/utils/expr.js) on the cases the C evaluator passes too
// (tests/expr-cases.json, run by tests/unit/test_expr.c), so the values a
// form shows while typing are the values the server stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse, evaluate, evaluateScaled, format, ExprError } from '../../web/src/utils/expr.js';

const cases = JSON.parse(readFileSync(new URL('../expr-cases.json', import.meta.url))).cases;

for (const [i, c] of cases.entries()) {
  test(`case ${i}: ${c.expr}`, () => {
    const run = () => {
      const tree = parse(c.expr);
      if (c.scale !== undefined) return evaluateScaled(tree, c.inputs || {}, c.scale) ?? 'null';
      return format(evaluate(tree, c.inputs || {}));
    };
    if (c.error) {
      assert.throws(run, e => e instanceof ExprError && e.code === c.error && !!e.zh && !!e.en,
        `${c.expr} should fail with ${c.error}`);
    } else {
      assert.equal(run(), c.expected);
    }
  });
}

test('form values arrive as JSON numbers and are still exact', () => {
  assert.equal(evaluateScaled('round(quantity * price, 2)', { quantity: 3, price: 19.99 }, 2), '59.97');
  assert.equal(evaluateScaled('amount * probability / 100', { amount: 1234.57, probability: 33.33 }, 2), '411.48');
  assert.equal(evaluateScaled('quantity * price', { quantity: '', price: 1 }, 2), null);
});

test('a form knows which relations an expression reads (it works out those over its own lines)', async () => {
  const { relationsRead } = await import('../../web/src/utils/expr.js');
  assert.deepEqual(relationsRead('round(amount * probability / 100, 2)'), []);
  assert.deepEqual(relationsRead("count(activities where status = 'done')"), ['activities']);
  assert.deepEqual(relationsRead('if(x > 0, sum(lines.amount), 0) + count(lines)'), ['lines']);
  assert.deepEqual(relationsRead("sum(lines.tax) + count(activities where sum_flag = 1)").sort(), ['activities', 'lines']);
});
