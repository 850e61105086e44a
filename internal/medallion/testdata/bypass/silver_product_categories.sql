-- Bypass: raw categories.
select
    c.id as category_id, c.name as category_name, c.parent_category_id,
    p.name as parent_category_name,
    case when c.parent_category_id is null then 1 else 2 end as category_level,
    coalesce(p.name, c.name) as top_level_category_name, c.description, c.is_active
from {{ ref "bronze_product_categories" }} c
left join {{ ref "bronze_product_categories" }} p on p.id = c.parent_category_id
