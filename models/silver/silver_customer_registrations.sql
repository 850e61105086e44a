-- Every raw customer registration, cleaned: names trimmed, single-spaced and
-- title-cased when typed all upper or all lower case; emails lower-cased and
-- trimmed with a validity flag; phones in E.164 using the country's calling
-- code (NULL when unparseable); impossible birth dates NULL; country code
-- and region from the countries seed; age at the as-of date.
-- Duplicates are still here; silver_customer_id_map picks the survivors.
with as_of as (
    select {{ include "as_of_date" (ref "bronze_orders") }} as as_of_date
),

countries as (
    select
        country,
        country_code,
        region,
        cast(phone_prefix as string) as phone_prefix,
        coalesce(cast(trunk_prefix as string), '') as trunk_prefix,
        cast(national_min_digits as integer) as national_min_digits,
        cast(national_max_digits as integer) as national_max_digits
    from {{ ref "countries" }}
),

raw as (
    select
        c.id as customer_id,
        {{ include "normalize_spaces" "c.name" }} as spaced_name,
        c.email as raw_email,
        c.registration_date as registered_at,
        c.birth_date as raw_birth_date,
        nullif(trim(c.phone), '') as phone_trimmed,
        {{ dispatch "regexp_replace_all" "c.phone" "[^0-9]" "" }} as phone_digits,
        nullif({{ include "normalize_spaces" "c.city" }}, '') as city,
        {{ include "normalize_spaces" "c.country" }} as country,
        coalesce(c.is_active, true) as is_active
    from {{ ref "bronze_customers" }} c
),

phones as (
    select
        r.*,
        k.country_code,
        k.region,
        k.phone_prefix,
        k.national_min_digits,
        k.national_max_digits,
        -- the national number: the digits as typed when their count fits the
        -- country, else without a dialled trunk prefix (0 in much of
        -- Europe, 1 in North America) when that makes them fit
        case
            when length(r.phone_digits) between k.national_min_digits and k.national_max_digits
                then r.phone_digits
            when k.trunk_prefix <> ''
                and left(r.phone_digits, length(k.trunk_prefix)) = k.trunk_prefix
                and length(r.phone_digits) - length(k.trunk_prefix)
                    between k.national_min_digits and k.national_max_digits
                then substr(r.phone_digits, length(k.trunk_prefix) + 1)
            else r.phone_digits
        end as national_digits
    from raw r
    left join countries k on k.country = r.country
),

cleaned as (
    select
        p.customer_id,
        -- spaces trimmed and collapsed; a name typed wholly in upper or lower
        -- case is title-cased, any other keeps its capitals ("van den Berg")
        case
            when p.spaced_name = upper(p.spaced_name) or p.spaced_name = lower(p.spaced_name)
                then {{ dispatch "title_case" "p.spaced_name" }}
            else p.spaced_name
        end as name,
        lower(trim(p.raw_email)) as email,
        p.registered_at,
        cast(p.registered_at as date) as registration_date,
        -- impossible: after the as-of date or the registration (born after
        -- signing up), or before 1900
        case
            when p.raw_birth_date > a.as_of_date then null
            when p.raw_birth_date > cast(p.registered_at as date) then null
            when p.raw_birth_date < date '1900-01-01' then null
            else p.raw_birth_date
        end as birth_date,
        coalesce(
            p.raw_birth_date > a.as_of_date
                or p.raw_birth_date > cast(p.registered_at as date)
                or p.raw_birth_date < date '1900-01-01',
            false
        ) as had_impossible_birth_date,
        case
            when p.phone_digits is null or p.phone_digits = '' then null
            -- international: +CC..., 8 to 15 digits (E.164)
            when p.phone_trimmed like '+%' then
                case when length(p.phone_digits) between 8 and 15
                    then {{ dispatch "concat" "'+'" "p.phone_digits" }} end
            -- international with the 00 exit code
            when p.phone_trimmed like '00%' then
                case when length(p.phone_digits) - 2 between 8 and 15
                    then {{ dispatch "concat" "'+'" "substr(p.phone_digits, 3)" }} end
            when p.phone_prefix is null then null
            -- national number of a valid length: prepend the calling code
            when length(p.national_digits) between p.national_min_digits and p.national_max_digits
                then {{ dispatch "concat" "'+'" "p.phone_prefix" "p.national_digits" }}
            -- the calling code typed without + or 00
            when left(p.phone_digits, length(p.phone_prefix)) = p.phone_prefix
                and length(p.phone_digits) - length(p.phone_prefix)
                    between p.national_min_digits and p.national_max_digits
                then {{ dispatch "concat" "'+'" "p.phone_digits" }}
            else null
        end as phone,
        p.phone_trimmed as raw_phone,
        p.city,
        p.country,
        p.country_code,
        p.region,
        p.is_active,
        a.as_of_date
    from phones p
    cross join as_of a
)

select
    customer_id,
    name,
    email,
    {{ dispatch "regexp_like" "email" "^[a-z0-9._%+-]+@[a-z0-9-]+([.][a-z0-9-]+)*[.][a-z]{2,}$" }} as is_valid_email,
    registered_at,
    registration_date,
    birth_date,
    had_impossible_birth_date,
    case
        when birth_date is null then null
        else year(as_of_date) - year(birth_date)
            - case
                when month(as_of_date) * 100 + day(as_of_date) < month(birth_date) * 100 + day(birth_date)
                    then 1 else 0
              end
    end as age,
    phone,
    raw_phone,
    city,
    country,
    country_code,
    region,
    is_active
from cleaned
