with o as (select * from {{ ref "s_orders_eph" }})
select c.id, sum(o.amount) as revenue, {{ dispatch "day_diff" "c.first_day" "c.last_day" }} as days
from o join {{ ref "s_customers" }} c on c.id = o.customer_id
where '{{ (target).name }}' = 'dev' and '{{ var "region" }}' = 'EU'
group by c.id
