-- order20.lua - wrk script: POST a sales order of 20 lines (业务订单 with
-- owned lines), each naming a product. The body is built once;
-- KEHU_ACCOUNT and KEHU_PRODUCT name the records.
local body
function init(args)
  local lines = {}
  for i = 1, 20 do
    lines[i] = string.format('{"product_id":%s,"quantity":%d,"unit":"台","price":2999,"tax_rate":13}',
                             os.getenv("KEHU_PRODUCT"), i % 5 + 1)
  end
  body = string.format('{"subject":"压测订单","account_id":%s,"lines":[%s]}', os.getenv("KEHU_ACCOUNT"), table.concat(lines, ","))
end
function request()
  return wrk.format("POST", "/api/v1/sales_orders", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("KEHU_TOKEN"),
  }, body)
end
