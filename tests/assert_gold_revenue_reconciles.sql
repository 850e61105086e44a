-- Gold agrees with silver: total revenue per customer adds up to the year
-- rows of the sales metrics and to the revenue of the payment methods.
with c as (select sum(total_revenue) as r from {{ ref "gold_customer_analytics" }}),
     y as (select sum(revenue) as r from {{ ref "gold_sales_metrics" }} where period_type = 'year'),
     p as (select sum(revenue) as r from {{ ref "gold_payment_methods" }})
select c.r as customers_revenue, y.r as sales_revenue, p.r as payment_revenue
from c cross join y cross join p
where c.r <> y.r or c.r <> p.r
