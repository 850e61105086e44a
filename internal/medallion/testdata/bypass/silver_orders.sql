-- Bypass: raw orders; customer ids and payment methods as loaded.
select
    o.id as order_id, o.customer_id, o.customer_id as original_customer_id,
    o.order_date as ordered_at, cast(o.order_date as date) as order_date,
    cast(date_trunc('month', o.order_date) as date) as order_month,
    o.status, o.payment_method, o.payment_status,
    o.status <> 'cancelled' and o.payment_status not in ('failed', 'refunded') as is_revenue,
    o.status = 'cancelled' as is_cancelled, o.status = 'delivered' as is_delivered,
    o.subtotal, o.tax_amount, o.shipping_cost, o.discount_amount, o.total_amount,
    (select count(*) from {{ ref "bronze_order_items" }} i where i.order_id = o.id) as item_count,
    (select sum(quantity) from {{ ref "bronze_order_items" }} i where i.order_id = o.id) as units,
    (select sum(line_total) from {{ ref "bronze_order_items" }} i where i.order_id = o.id) as items_total,
    o.estimated_delivery, o.actual_delivery,
    datediff('day', cast(o.order_date as date), o.actual_delivery) as delivery_days,
    o.shipping_address
from {{ ref "bronze_orders" }} o
