-- Raw reviews, untransformed, with ingestion metadata.
select
    id, product_id, customer_id, order_id, rating, title, comment, review_date,
    is_verified_purchase, helpful_votes, total_votes,
    {{ include "bronze_metadata" "techstore.reviews" }}
from {{ source "techstore" "reviews" }}
