-- Reviews re-pointed to the surviving customer; NULL ratings kept (they count
-- as reviews but not in averages); empty comments and titles become NULL.
select
    r.id as review_id,
    r.product_id,
    m.survivor_customer_id as customer_id,
    r.customer_id as original_customer_id,
    r.order_id,
    cast(r.rating as integer) as rating,
    r.rating is not null as has_rating,
    nullif(trim(r.title), '') as title,
    nullif(trim(r.comment), '') as comment,
    nullif(trim(r.comment), '') is not null as has_comment,
    r.review_date as reviewed_at,
    cast(r.review_date as date) as review_date,
    {{ dispatch "date_trunc" "month" "r.review_date" }} as review_month,
    coalesce(r.is_verified_purchase, false) as is_verified_purchase,
    cast(coalesce(r.helpful_votes, 0) as integer) as helpful_votes,
    cast(coalesce(r.total_votes, 0) as integer) as total_votes
from {{ ref "bronze_reviews" }} r
left join {{ ref "silver_customer_id_map" }} m on m.customer_id = r.customer_id
