-- Every registration id and the surviving customer it belongs to. Customers
-- are the same person when their normalized emails (lower(trim(email))) are
-- equal; the survivor is the earliest registration, then the lowest id.
-- Survivors map to themselves. Orders and reviews are re-pointed through it.
select
    customer_id,
    survivor_customer_id,
    customer_id <> survivor_customer_id as is_duplicate,
    email
from (
    select
        customer_id,
        email,
        first_value(customer_id) over (
            partition by coalesce(nullif(email, ''), {{ dispatch "concat" "'#'" "cast(customer_id as string)" }})
            order by registered_at, customer_id
        ) as survivor_customer_id
    from {{ ref "silver_customer_registrations" }}
) ranked
