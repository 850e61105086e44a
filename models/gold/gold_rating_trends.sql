-- One row per (review month, top-level category) with at least one review:
-- mean of the non-NULL ratings and the number of reviews.
select
    cast(r.review_month as date) as review_month,
    cast(p.category as string) as category,
    {{ dispatch "round_pct" "avg(r.rating)" }} as avg_rating,
    cast(count(*) as bigint) as review_count
from {{ ref "silver_reviews" }} r
join {{ ref "silver_products" }} p on p.product_id = r.product_id
group by r.review_month, p.category
