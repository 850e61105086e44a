-- Bypass: raw products; the brand as typed.
select
    id as product_id, name as product_name, description, category, subcategory,
    brand, brand as raw_brand, model, price, cost, stock, weight_kg, launch_date,
    is_active, cast(null as bigint) as category_id, cast(null as bigint) as subcategory_id,
    price - cost as margin_amount, cast(null as decimal(18,2)) as margin_pct,
    case when stock < 10 then 'Critical' when stock < 50 then 'Low'
         when stock < 100 then 'Medium' else 'High' end as stock_status
from {{ ref "bronze_products" }}
