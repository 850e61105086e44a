-- Bypass: every registration is its own survivor.
select id as customer_id, id as survivor_customer_id, false as is_duplicate, email
from {{ ref "bronze_customers" }}
