-- Product categories with their parent's name and level (1 = top level).
select
    c.id as category_id,
    {{ include "normalize_spaces" "c.name" }} as category_name,
    c.parent_category_id,
    {{ include "normalize_spaces" "p.name" }} as parent_category_name,
    case when c.parent_category_id is null then 1 else 2 end as category_level,
    coalesce({{ include "normalize_spaces" "p.name" }}, {{ include "normalize_spaces" "c.name" }}) as top_level_category_name,
    c.description,
    coalesce(c.is_active, true) as is_active
from {{ ref "bronze_product_categories" }} c
left join {{ ref "bronze_product_categories" }} p on p.id = c.parent_category_id
