-- line_total = round(quantity x unit_price x (1 - discount_percent / 100), 2),
-- half away from zero (data.md). Written in exact DECIMAL arithmetic:
-- rounding x / 100 to cents is rounding x to a whole number, then / 100.
select order_item_id, quantity, unit_price, discount_percent, line_total
from {{ ref "silver_order_items" }}
where line_total * 100 <> round(quantity * unit_price * (100 - discount_percent), 0)
