-- Order lines with their order's date, customer and revenue flag, and the
-- line-level amounts: gross = quantity x unit_price, cost = quantity x
-- unit_cost, discount = gross - line_total, margin = line_total - cost.
select
    i.id as order_item_id,
    i.order_id,
    i.product_id,
    o.customer_id,
    o.order_date,
    o.status as order_status,
    o.is_revenue,
    cast(i.quantity as integer) as quantity,
    cast(i.unit_price as decimal(10,2)) as unit_price,
    cast(i.unit_cost as decimal(10,2)) as unit_cost,
    cast(coalesce(i.discount_percent, 0) as decimal(5,2)) as discount_percent,
    cast(i.line_total as decimal(10,2)) as line_total,
    cast(i.quantity * i.unit_price as decimal(12,2)) as gross_amount,
    cast(i.quantity * i.unit_cost as decimal(12,2)) as cost_amount,
    cast(i.quantity * i.unit_price - i.line_total as decimal(12,2)) as discount_amount,
    cast(i.line_total - i.quantity * i.unit_cost as decimal(12,2)) as margin_amount
from {{ ref "bronze_order_items" }} i
left join {{ ref "silver_orders" }} o on o.order_id = i.order_id
