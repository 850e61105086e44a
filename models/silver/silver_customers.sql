-- One row per surviving customer (duplicates merged into the earliest
-- registration), cleaned and enriched with age band.
with dup_counts as (
    select survivor_customer_id, count(*) - 1 as merged_registrations
    from {{ ref "silver_customer_id_map" }}
    group by survivor_customer_id
)

select
    r.customer_id,
    r.name,
    r.email,
    r.is_valid_email,
    r.registered_at,
    r.registration_date,
    r.birth_date,
    r.age,
    case
        when r.age is null then 'Unknown'
        when r.age < 18 then 'Under 18'
        when r.age < 25 then '18-24'
        when r.age < 35 then '25-34'
        when r.age < 45 then '35-44'
        when r.age < 55 then '45-54'
        when r.age < 65 then '55-64'
        else '65+'
    end as age_band,
    r.phone,
    r.city,
    r.country,
    r.country_code,
    r.region,
    r.is_active,
    cast(d.merged_registrations as integer) as merged_registrations
from {{ ref "silver_customer_registrations" }} r
join dup_counts d on d.survivor_customer_id = r.customer_id
