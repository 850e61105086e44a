-- One row: the current operational snapshot as of the as-of date.
with params as (
    select {{ include "as_of_date" (ref "silver_orders") }} as as_of_date
),

inventory as (
    select
        sum(case when stock < 10 then 1 else 0 end) as critical_stock_products,
        sum(stock * cost) as inventory_value_cost,
        sum(stock * price) as inventory_value_retail,
        sum(case when review_count >= 3 and avg_rating < 3.0 then 1 else 0 end) as low_rated_products
    from {{ ref "gold_product_performance" }}
),

recent_sales as (
    select distinct i.product_id
    from {{ ref "silver_order_items" }} i
    cross join params p
    where i.is_revenue
        and {{ dispatch "datediff" "i.order_date" "p.as_of_date" }} between 0 and 89
),

movement as (
    select count(*) as products_without_movement_90d
    from {{ ref "silver_products" }} p
    left join recent_sales r on r.product_id = p.product_id
    where p.is_active and r.product_id is null
),

orders as (
    select
        avg(case when is_delivered then delivery_days end) as avg_processing_days,
        {{ dispatch "safe_divide" "sum(case when is_cancelled then 1 else 0 end) * 100" "count(*)" }} as cancellation_rate
    from {{ ref "silver_orders" }}
)

select
    cast(i.critical_stock_products as bigint) as critical_stock_products,
    {{ dispatch "round_money" "i.inventory_value_cost" }} as inventory_value_cost,
    {{ dispatch "round_money" "i.inventory_value_retail" }} as inventory_value_retail,
    cast(m.products_without_movement_90d as bigint) as products_without_movement_90d,
    {{ dispatch "round_ratio" "o.avg_processing_days" }} as avg_processing_days,
    {{ dispatch "round_pct" "o.cancellation_rate" }} as cancellation_rate_pct,
    cast(i.low_rated_products as bigint) as low_rated_products,
    cast(p.as_of_date as date) as as_of_date
from inventory i
cross join movement m
cross join orders o
cross join params p
