-- Bypass: raw reviews; customer ids, titles and comments as loaded.
select
    id as review_id, product_id, customer_id, customer_id as original_customer_id,
    order_id, rating, rating is not null as has_rating, title, comment,
    comment is not null as has_comment, review_date as reviewed_at,
    cast(review_date as date) as review_date,
    cast(date_trunc('month', review_date) as date) as review_month,
    is_verified_purchase, helpful_votes, total_votes
from {{ ref "bronze_reviews" }}
