-- One row per product: sales of revenue orders, margin, last-12-month
-- velocity, inventory turnover and cover, ratings, and a revenue rank.
with params as (
    select {{ include "as_of_date" (ref "silver_orders") }} as as_of_date
),

sales as (
    select
        i.product_id,
        sum(i.quantity) as units_sold,
        sum(i.gross_amount) as revenue,
        sum(i.line_total) as net_revenue,
        sum(i.cost_amount) as cogs,
        sum(case
            when {{ dispatch "datediff" "i.order_date" "p.as_of_date" }} between 0 and 364 then i.quantity
            else 0
        end) as units_sold_last_12m,
        max(i.order_date) as last_sale_date
    from {{ ref "silver_order_items" }} i
    cross join params p
    where i.is_revenue
    group by i.product_id
),

ratings as (
    select
        product_id,
        avg(rating) as avg_rating,
        count(*) as review_count
    from {{ ref "silver_reviews" }}
    group by product_id
),

joined as (
    select
        p.product_id,
        p.product_name,
        p.category,
        p.subcategory,
        p.brand,
        p.price,
        p.cost,
        p.stock,
        p.margin_pct,
        p.stock_status,
        coalesce(s.units_sold, 0) as units_sold,
        coalesce(s.revenue, 0) as revenue,
        coalesce(s.net_revenue, 0) as net_revenue,
        coalesce(s.cogs, 0) as cogs,
        coalesce(s.units_sold_last_12m, 0) as units_sold_last_12m,
        s.last_sale_date,
        r.avg_rating,
        coalesce(r.review_count, 0) as review_count,
        {{ dispatch "datediff" "s.last_sale_date" "q.as_of_date" }} as days_since_last_sale
    from {{ ref "silver_products" }} p
    cross join params q
    left join sales s on s.product_id = p.product_id
    left join ratings r on r.product_id = p.product_id
)

select
    cast(product_id as bigint) as product_id,
    cast(product_name as string) as product_name,
    cast(category as string) as category,
    cast(subcategory as string) as subcategory,
    cast(brand as string) as brand,
    {{ dispatch "to_money" "price" }} as price,
    {{ dispatch "to_money" "cost" }} as cost,
    cast(stock as integer) as stock,
    {{ dispatch "round_money" "margin_pct" }} as margin_pct,
    cast(units_sold as bigint) as units_sold,
    {{ dispatch "round_money" "revenue" }} as revenue,
    {{ dispatch "round_money" "net_revenue" }} as net_revenue,
    {{ dispatch "round_money" "cogs" }} as cogs,
    {{ dispatch "round_money" "revenue - cogs" }} as profit,
    cast(units_sold_last_12m as bigint) as units_sold_last_12m,
    {{ dispatch "round_ratio" (dispatch "safe_divide" "units_sold_last_12m" "stock") }} as inventory_turnover,
    {{ dispatch "round_ratio" (dispatch "safe_divide" "stock" (dispatch "safe_divide" "units_sold_last_12m" "12")) }} as months_of_inventory,
    cast(stock_status as string) as stock_status,
    case
        when units_sold >= 100 then 'Best Seller'
        when units_sold >= 50 then 'Good'
        when units_sold >= 10 then 'Average'
        when units_sold > 0 then 'Slow'
        else 'No Sales'
    end as sales_category,
    {{ dispatch "round_pct" "avg_rating" }} as avg_rating,
    cast(review_count as bigint) as review_count,
    cast(last_sale_date as date) as last_sale_date,
    cast(days_since_last_sale as integer) as days_since_last_sale,
    cast(rank() over (order by revenue desc) as integer) as revenue_rank
from joined
