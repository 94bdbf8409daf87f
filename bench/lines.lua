-- lines.lua - wrk script: POST a quote with 200 lines (owned lines, see
-- docs/engine.md), each line with a product, quantity and prices. The
-- body is built once; KEHU_ACCOUNT and KEHU_PRODUCT name the records.
local body
function init(args)
  local lines = {}
  for i = 1, 200 do
    lines[i] = string.format('{"product_id":%s,"description":"压测明细%d","quantity":%d,"unit":"台","list_price":4999,"price":4899.5,"tax_rate":13}',
                             os.getenv("KEHU_PRODUCT"), i, i % 7 + 1)
  end
  body = string.format('{"subject":"压测报价","account_id":%s,"lines":[%s]}', os.getenv("KEHU_ACCOUNT"), table.concat(lines, ","))
end
function request()
  return wrk.format("POST", "/api/v1/quotes", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("KEHU_TOKEN"),
  }, body)
end
