-- One row per top-level product category: orders containing it (any
-- status), cancellations, processing time of its delivered orders, ratings.
with categories as (
    select top_level_category_name as category
    from {{ ref "silver_product_categories" }}
    where category_level = 1
    union
    select category from {{ ref "silver_products" }}
),

order_categories as (
    select distinct p.category, o.order_id, o.is_cancelled, o.is_delivered, o.delivery_days
    from {{ ref "silver_order_items" }} i
    join {{ ref "silver_products" }} p on p.product_id = i.product_id
    join {{ ref "silver_orders" }} o on o.order_id = i.order_id
),

order_stats as (
    select
        category,
        count(*) as orders,
        sum(case when is_cancelled then 1 else 0 end) as cancelled_orders,
        avg(case when is_delivered then delivery_days end) as avg_processing_days
    from order_categories
    group by category
),

review_stats as (
    select p.category, avg(r.rating) as avg_rating, count(*) as review_count
    from {{ ref "silver_reviews" }} r
    join {{ ref "silver_products" }} p on p.product_id = r.product_id
    group by p.category
)

select
    cast(c.category as string) as category,
    cast(coalesce(o.orders, 0) as bigint) as orders,
    cast(coalesce(o.cancelled_orders, 0) as bigint) as cancelled_orders,
    {{ dispatch "round_pct" (dispatch "safe_divide" "o.cancelled_orders * 100" "o.orders") }} as cancellation_rate_pct,
    {{ dispatch "round_ratio" "o.avg_processing_days" }} as avg_processing_days,
    {{ dispatch "round_pct" "r.avg_rating" }} as avg_rating,
    cast(coalesce(r.review_count, 0) as bigint) as review_count
from categories c
left join order_stats o on o.category = c.category
left join review_stats r on r.category = c.category
