-- Orders and reviews belong to surviving customers only: the customer of a
-- fact has no earlier registration (earliest registered_at, then lowest id)
-- with the same normalized email. Written against the registrations, an
-- ancestor of every model here, so the check cannot loop in a build.
with facts as (
    select 'order' as kind, order_id as id, customer_id from {{ ref "silver_orders" }}
    union all
    select 'review', review_id, customer_id from {{ ref "silver_reviews" }}
),

registrations as (
    select customer_id, email, registered_at
    from {{ ref "silver_customer_registrations" }}
)

select f.kind, f.id, f.customer_id, earlier.customer_id as survivor_id
from facts f
join registrations mine on mine.customer_id = f.customer_id
join registrations earlier
    on earlier.email = mine.email
    and (earlier.registered_at < mine.registered_at
        or (earlier.registered_at = mine.registered_at and earlier.customer_id < mine.customer_id))
