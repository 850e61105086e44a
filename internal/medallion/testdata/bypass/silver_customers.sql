-- Bypass: every raw registration is a customer, nothing cleaned.
select
    id as customer_id, name, email, true as is_valid_email,
    registration_date as registered_at, cast(registration_date as date) as registration_date,
    birth_date, cast(null as integer) as age, 'Unknown' as age_band,
    phone, city, country, 'XX' as country_code, cast(null as varchar) as region,
    is_active, 0 as merged_registrations
from {{ ref "bronze_customers" }}
