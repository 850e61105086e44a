-- Bypass: raw order lines with the line amounts.
select
    i.id as order_item_id, i.order_id, i.product_id, o.customer_id,
    cast(o.order_date as date) as order_date, o.status as order_status,
    o.status <> 'cancelled' and o.payment_status not in ('failed', 'refunded') as is_revenue,
    i.quantity, i.unit_price, i.unit_cost, i.discount_percent, i.line_total,
    i.quantity * i.unit_price as gross_amount, i.quantity * i.unit_cost as cost_amount,
    i.quantity * i.unit_price - i.line_total as discount_amount,
    i.line_total - i.quantity * i.unit_cost as margin_amount
from {{ ref "bronze_order_items" }} i
left join {{ ref "bronze_orders" }} o on o.id = i.order_id
