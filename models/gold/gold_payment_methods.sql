-- One row per payment method ('unknown' where the order has none): all its
-- orders, their share of all orders, revenue of its revenue orders, and the
-- share of its orders whose payment failed.
with totals as (
    select count(*) as all_orders from {{ ref "silver_orders" }}
),

methods as (
    select
        payment_method,
        count(*) as orders,
        sum(case when is_revenue then total_amount else 0 end) as revenue,
        sum(case when payment_status = 'failed' then 1 else 0 end) as failed_orders
    from {{ ref "silver_orders" }}
    group by payment_method
)

select
    cast(m.payment_method as string) as payment_method,
    cast(m.orders as bigint) as orders,
    {{ dispatch "round_pct" (dispatch "safe_divide" "m.orders * 100" "t.all_orders") }} as share_pct,
    {{ dispatch "round_money" "m.revenue" }} as revenue,
    {{ dispatch "round_pct" (dispatch "safe_divide" "m.failed_orders * 100" "m.orders") }} as failed_pct
from methods m
cross join totals t
