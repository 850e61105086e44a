-- A brand listed in the brand_aliases seed is written as the seed says.
select p.product_id, p.brand, a.brand as canonical_brand
from {{ ref "silver_products" }} p
join {{ ref "brand_aliases" }} a on a.alias = lower(trim(p.brand))
where p.brand <> a.brand
