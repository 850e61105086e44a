-- One row per (period_type, period_start) for day, week (ISO, Monday),
-- month, quarter and year, every period from the first to the last order
-- date, zeros where nothing sold; revenue-order figures, the same period a
-- year earlier, growth and seasonality.
with bounds as (
    select
        min(order_date) as first_day,
        max(order_date) as last_day
    from {{ ref "silver_orders" }}
),

period_bounds as (
    select
        first_day,
        last_day,
        {{ dispatch "week_start" "first_day" }} as first_week,
        {{ dispatch "week_start" "last_day" }} as last_week,
        {{ dispatch "date_trunc" "month" "first_day" }} as first_month,
        {{ dispatch "date_trunc" "month" "last_day" }} as last_month,
        {{ dispatch "date_trunc" "quarter" "first_day" }} as first_quarter,
        {{ dispatch "date_trunc" "quarter" "last_day" }} as last_quarter,
        {{ dispatch "date_trunc" "year" "first_day" }} as first_year,
        {{ dispatch "date_trunc" "year" "last_day" }} as last_year
    from bounds
    where first_day is not null
),

spine as (
    select 'day' as period_type, period_start from ({{ dispatch "date_series" "period_bounds" "first_day" "last_day" "1 day" "" }}) s_day
    union all
    select 'week' as period_type, period_start from ({{ dispatch "date_series" "period_bounds" "first_week" "last_week" "7 day" "" }}) s_week
    union all
    select 'month' as period_type, period_start from ({{ dispatch "date_series" "period_bounds" "first_month" "last_month" "1 month" "" }}) s_month
    union all
    select 'quarter' as period_type, period_start from ({{ dispatch "date_series" "period_bounds" "first_quarter" "last_quarter" "3 month" "" }}) s_quarter
    union all
    select 'year' as period_type, period_start from ({{ dispatch "date_series" "period_bounds" "first_year" "last_year" "1 year" "" }}) s_year
),

-- the key of a period and of the same period one year earlier: ISO year and
-- week number for weeks (the Thursday of an ISO week decides its year),
-- the date twelve months earlier for the other types
keyed as (
    select
        period_type,
        period_start,
        case
            when period_type = 'week' then
                {{ dispatch "concat" "cast(year(thursday) as string)" "'-W'" "cast(iso_week as string)" }}
            else cast(period_start as string)
        end as period_key,
        case
            when period_type = 'week' then
                {{ dispatch "concat" "cast(year(thursday) - 1 as string)" "'-W'" "cast(iso_week as string)" }}
            else cast({{ dispatch "add_months" "period_start" "-12" }} as string)
        end as prev_year_key
    from (
        select
            period_type,
            period_start,
            thursday,
            cast(floor((dayofyear(thursday) - 1) / 7) + 1 as integer) as iso_week
        from (
            select period_type, period_start, {{ dispatch "dateadd_days" "period_start" "3" }} as thursday
            from spine
        ) t
    ) w
),

revenue_orders as (
    select order_id, customer_id, order_date, total_amount, units
    from {{ ref "silver_orders" }}
    where is_revenue
),

order_periods as (
    select 'day' as period_type, order_date as period_start, o.* from revenue_orders o
    union all
    select 'week', {{ dispatch "week_start" "order_date" }}, o.* from revenue_orders o
    union all
    select 'month', {{ dispatch "date_trunc" "month" "order_date" }}, o.* from revenue_orders o
    union all
    select 'quarter', {{ dispatch "date_trunc" "quarter" "order_date" }}, o.* from revenue_orders o
    union all
    select 'year', {{ dispatch "date_trunc" "year" "order_date" }}, o.* from revenue_orders o
),

sales as (
    select
        period_type,
        period_start,
        sum(total_amount) as revenue,
        count(*) as orders,
        count(distinct customer_id) as unique_customers,
        sum(units) as units_sold
    from order_periods
    group by period_type, period_start
),

filled as (
    select
        k.period_type,
        k.period_start,
        k.period_key,
        k.prev_year_key,
        coalesce(s.revenue, 0) as revenue,
        coalesce(s.orders, 0) as orders,
        coalesce(s.unique_customers, 0) as unique_customers,
        coalesce(s.units_sold, 0) as units_sold
    from keyed k
    left join sales s on s.period_type = k.period_type and s.period_start = k.period_start
),

compared as (
    select
        f.*,
        p.revenue as revenue_prev_year,
        case
            when f.period_type in ('month', 'quarter') then
                {{ dispatch "safe_divide" "f.revenue" "avg(f.revenue) over (partition by f.period_type, year(f.period_start))" }}
        end as seasonality_raw
    from filled f
    left join filled p on p.period_type = f.period_type and p.period_key = f.prev_year_key
)

select
    cast(period_type as string) as period_type,
    cast(period_start as date) as period_start,
    {{ dispatch "round_money" "revenue" }} as revenue,
    cast(orders as bigint) as orders,
    cast(unique_customers as bigint) as unique_customers,
    cast(units_sold as bigint) as units_sold,
    {{ dispatch "round_money" (dispatch "safe_divide" "revenue" "orders") }} as avg_order_value,
    {{ dispatch "round_ratio" (dispatch "safe_divide" "orders" "unique_customers") }} as orders_per_customer,
    {{ dispatch "round_money" "revenue_prev_year" }} as revenue_prev_year,
    {{ dispatch "round_money" (dispatch "safe_divide" "(revenue - revenue_prev_year) * 100" "revenue_prev_year") }} as yoy_growth_pct,
    {{ dispatch "round_ratio" "seasonality_raw" }} as seasonality_index
from compared
