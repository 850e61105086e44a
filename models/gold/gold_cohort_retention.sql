-- One row per (registration cohort month, months since registration) from
-- offset 0 to the month of the as-of date: cohort size, customers active
-- (with a revenue order) that month, retention, revenue and the cumulative
-- revenue per cohort customer.
with params as (
    select {{ include "as_of_date" (ref "silver_orders") }} as as_of_date
),

customers as (
    select
        customer_id,
        {{ dispatch "date_trunc" "month" "registration_date" }} as cohort_month
    from {{ ref "silver_customers" }}
),

cohorts as (
    select
        c.cohort_month,
        {{ dispatch "date_trunc" "month" "p.as_of_date" }} as as_of_month,
        count(*) as cohort_size
    from customers c
    cross join params p
    -- a cohort after the as-of month has no offsets (and Spark's sequence
    -- refuses a start after its end)
    where c.cohort_month <= {{ dispatch "date_trunc" "month" "p.as_of_date" }}
    group by c.cohort_month, p.as_of_date
),

spine as (
    select
        cohort_month,
        cohort_size,
        cast((year(period_start) - year(cohort_month)) * 12 + month(period_start) - month(cohort_month) as integer)
            as months_since_registration
    from ({{ dispatch "date_series" "cohorts" "cohort_month" "as_of_month" "1 month" "cohort_month, cohort_size" }}) s
),

activity as (
    select
        c.cohort_month,
        cast((year(o.order_month) - year(c.cohort_month)) * 12 + month(o.order_month) - month(c.cohort_month) as integer)
            as months_since_registration,
        count(distinct o.customer_id) as active_customers,
        sum(o.total_amount) as cohort_revenue
    from {{ ref "silver_orders" }} o
    join customers c on c.customer_id = o.customer_id
    where o.is_revenue
    group by c.cohort_month,
        cast((year(o.order_month) - year(c.cohort_month)) * 12 + month(o.order_month) - month(c.cohort_month) as integer)
),

filled as (
    select
        s.cohort_month,
        s.months_since_registration,
        s.cohort_size,
        coalesce(a.active_customers, 0) as active_customers,
        coalesce(a.cohort_revenue, 0) as cohort_revenue
    from spine s
    left join activity a
        on a.cohort_month = s.cohort_month
        and a.months_since_registration = s.months_since_registration
)

select
    cast(cohort_month as date) as cohort_month,
    cast(months_since_registration as integer) as months_since_registration,
    cast(cohort_size as bigint) as cohort_size,
    cast(active_customers as bigint) as active_customers,
    {{ dispatch "round_pct" (dispatch "safe_divide" "active_customers * 100" "cohort_size") }} as retention_pct,
    {{ dispatch "round_money" "cohort_revenue" }} as cohort_revenue,
    {{ dispatch "round_money" (dispatch "safe_divide" "sum(cohort_revenue) over (partition by cohort_month order by months_since_registration rows between unbounded preceding and current row)" "cohort_size") }}
        as cumulative_revenue_per_customer
from filled
