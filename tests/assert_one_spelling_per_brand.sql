-- Brands in canonical form: one spelling per brand, ignoring case and spaces
-- (fails on apple / Apple / APPLE side by side).
select lower(trim(brand)) as brand_key, count(distinct brand) as spellings
from {{ ref "silver_products" }}
group by lower(trim(brand))
having count(distinct brand) > 1
