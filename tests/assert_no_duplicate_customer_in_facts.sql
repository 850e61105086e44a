-- Orders and reviews belong to surviving customers only: none points at a
-- registration that was merged into another one.
select 'order' as kind, o.order_id as id, o.customer_id
from {{ ref "silver_orders" }} o
join {{ ref "silver_customer_id_map" }} m on m.customer_id = o.customer_id
where m.is_duplicate
union all
select 'review', r.review_id, r.customer_id
from {{ ref "silver_reviews" }} r
join {{ ref "silver_customer_id_map" }} m on m.customer_id = r.customer_id
where m.is_duplicate
