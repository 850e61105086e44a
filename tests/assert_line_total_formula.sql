-- line_total = round(quantity x unit_price x (1 - discount_percent / 100), 2),
-- half away from zero (data.md).
select order_item_id, quantity, unit_price, discount_percent, line_total
from {{ ref "silver_order_items" }}
where line_total <> {{ dispatch "round_money" "quantity * unit_price * (100 - discount_percent) / 100" }}
