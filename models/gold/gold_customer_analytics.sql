-- One row per surviving customer: revenue-order totals, recency, tenure,
-- purchase frequency, CLV, RFM scores and segment (metrics.md).
with params as (
    select {{ include "as_of_date" (ref "silver_orders") }} as as_of_date
),

revenue_orders as (
    select
        customer_id,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        count(*) as total_orders,
        sum(total_amount) as total_revenue
    from {{ ref "silver_orders" }}
    where is_revenue
    group by customer_id
),

base as (
    select
        c.customer_id,
        c.name,
        c.email,
        c.country,
        c.city,
        c.registration_date,
        o.first_order_date,
        o.last_order_date,
        coalesce(o.total_orders, 0) as total_orders,
        coalesce(o.total_revenue, 0) as total_revenue,
        {{ dispatch "datediff" "o.last_order_date" "p.as_of_date" }} as recency_days,
        {{ dispatch "datediff" "o.first_order_date" "p.as_of_date" }} as tenure_days
    from {{ ref "silver_customers" }} c
    cross join params p
    left join revenue_orders o on o.customer_id = c.customer_id
),

measured as (
    select
        b.*,
        {{ dispatch "safe_divide" "b.total_revenue" "b.total_orders" }} as aov_raw,
        -- tenure is floored at 30 days so a first-month buyer is not
        -- extrapolated to hundreds of orders a year; 0 orders -> 0 per year
        cast(b.total_orders as double)
            / (cast(greatest(coalesce(b.tenure_days, 0), 30) as double) / 365.25) as frequency_raw
    from base b
),

scored as (
    select
        customer_id,
        ntile(5) over (order by recency_days desc, customer_id) as r_score,
        ntile(5) over (order by total_orders, customer_id) as f_score,
        ntile(5) over (order by total_revenue, customer_id) as m_score
    from measured
    where total_orders > 0
),

final as (
    select
        m.*,
        s.r_score,
        s.f_score,
        s.m_score,
        case
            when m.total_orders = 0 then -{{ var "customer_acquisition_cost" }}
            else m.aov_raw * m.frequency_raw * {{ var "clv_lifespan_years" }} - {{ var "customer_acquisition_cost" }}
        end as clv_raw
    from measured m
    left join scored s on s.customer_id = m.customer_id
)

select
    cast(customer_id as bigint) as customer_id,
    cast(name as string) as name,
    cast(email as string) as email,
    cast(country as string) as country,
    cast(city as string) as city,
    cast(registration_date as date) as registration_date,
    cast(first_order_date as date) as first_order_date,
    cast(last_order_date as date) as last_order_date,
    cast(total_orders as bigint) as total_orders,
    {{ dispatch "round_money" "total_revenue" }} as total_revenue,
    {{ dispatch "round_money" "aov_raw" }} as avg_order_value,
    cast(recency_days as integer) as recency_days,
    cast(tenure_days as integer) as tenure_days,
    {{ dispatch "round_ratio" "frequency_raw" }} as purchase_frequency_per_year,
    {{ dispatch "round_money" "clv_raw" }} as clv,
    cast(r_score as integer) as r_score,
    cast(f_score as integer) as f_score,
    cast(m_score as integer) as m_score,
    case when r_score is not null then
        {{ dispatch "concat" "cast(r_score as string)" "cast(f_score as string)" "cast(m_score as string)" }}
    end as rfm_score,
    case
        when total_orders = 0 then 'No Purchases'
        when r_score >= 4 and f_score >= 4 and m_score >= 4 then 'VIP'
        when r_score >= 3 and f_score >= 3 and m_score >= 3 then 'Loyal'
        when r_score >= 4 and f_score = 1 then 'New'
        when r_score <= 2 and f_score >= 2 then 'At Risk'
        when r_score <= 2 and f_score <= 2 then 'Lost'
        else 'Regular'
    end as segment
from final
