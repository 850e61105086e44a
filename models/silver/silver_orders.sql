-- Orders re-pointed to the surviving customer, with the revenue flag of
-- metrics.md, a payment method of 'unknown' where the raw one is NULL, item
-- counts from the lines, and delivery days of delivered orders.
with items as (
    select
        order_id,
        count(*) as item_count,
        sum(quantity) as units,
        sum(line_total) as items_total
    from {{ ref "bronze_order_items" }}
    group by order_id
)

select
    o.id as order_id,
    m.survivor_customer_id as customer_id,
    o.customer_id as original_customer_id,
    o.order_date as ordered_at,
    cast(o.order_date as date) as order_date,
    {{ dispatch "date_trunc" "month" "o.order_date" }} as order_month,
    lower(trim(o.status)) as status,
    coalesce(nullif(lower(trim(o.payment_method)), ''), 'unknown') as payment_method,
    lower(trim(o.payment_status)) as payment_status,
    {{ include "is_revenue" }} as is_revenue,
    o.status = 'cancelled' as is_cancelled,
    o.status = 'delivered' as is_delivered,
    cast(o.subtotal as decimal(10,2)) as subtotal,
    cast(coalesce(o.tax_amount, 0) as decimal(10,2)) as tax_amount,
    cast(coalesce(o.shipping_cost, 0) as decimal(10,2)) as shipping_cost,
    cast(coalesce(o.discount_amount, 0) as decimal(10,2)) as discount_amount,
    cast(o.total_amount as decimal(10,2)) as total_amount,
    cast(coalesce(i.item_count, 0) as integer) as item_count,
    cast(coalesce(i.units, 0) as integer) as units,
    cast(coalesce(i.items_total, 0) as decimal(12,2)) as items_total,
    o.estimated_delivery,
    o.actual_delivery,
    case
        when o.status = 'delivered' and o.actual_delivery is not null
            then {{ dispatch "datediff" "cast(o.order_date as date)" "o.actual_delivery" }}
    end as delivery_days,
    o.shipping_address
from {{ ref "bronze_orders" }} o
left join {{ ref "silver_customer_id_map" }} m on m.customer_id = o.customer_id
left join items i on i.order_id = o.id
