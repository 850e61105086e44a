-- A phone written in national format got its own country's calling code:
-- every E.164 phone starts with + and the country's prefix, or was typed
-- in international form.
select c.customer_id, c.phone, c.raw_phone, k.phone_prefix
from {{ ref "silver_customer_registrations" }} c
join {{ ref "countries" }} k on k.country = c.country
where c.phone is not null
  and c.raw_phone not like '+%'
  and c.raw_phone not like '00%'
  and c.phone not like {{ dispatch "concat" "'+'" "cast(k.phone_prefix as string)" "'%'" }}
