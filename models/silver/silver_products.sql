-- Products with canonical brands (the brand_aliases seed, else the brand's
-- most common spelling in the catalogue), trimmed names, margin and stock
-- status (Critical < 10, Low < 50, Medium < 100, High >= 100 units).
with spellings as (
    select
        lower(trim(brand)) as brand_key,
        trim(brand) as spelling,
        count(*) as products
    from {{ ref "bronze_products" }}
    group by lower(trim(brand)), trim(brand)
),

most_common as (
    select brand_key, spelling
    from (
        select
            brand_key,
            spelling,
            row_number() over (
                partition by brand_key
                -- mixed case (Apple) before all-lower or all-upper (apple, APPLE)
                order by products desc,
                    case when spelling = lower(spelling) or spelling = upper(spelling) then 1 else 0 end,
                    spelling
            ) as rn
        from spellings
    ) ranked
    where rn = 1
),

products as (
    select
        p.id as product_id,
        {{ include "normalize_spaces" "p.name" }} as product_name,
        p.description,
        {{ include "normalize_spaces" "p.category" }} as category,
        nullif({{ include "normalize_spaces" "p.subcategory" }}, '') as subcategory,
        coalesce(a.brand, m.spelling) as brand,
        trim(p.brand) as raw_brand,
        p.model,
        cast(p.price as decimal(10,2)) as price,
        cast(p.cost as decimal(10,2)) as cost,
        cast(coalesce(p.stock, 0) as integer) as stock,
        p.weight_kg,
        p.launch_date,
        coalesce(p.is_active, true) as is_active
    from {{ ref "bronze_products" }} p
    left join {{ ref "brand_aliases" }} a on a.alias = lower(trim(p.brand))
    left join most_common m on m.brand_key = lower(trim(p.brand))
)

select
    p.*,
    c.category_id,
    s.category_id as subcategory_id,
    cast(p.price - p.cost as decimal(10,2)) as margin_amount,
    {{ dispatch "round_money" (dispatch "safe_divide" "(p.price - p.cost) * 100" "p.price") }} as margin_pct,
    case
        when p.stock < 10 then 'Critical'
        when p.stock < 50 then 'Low'
        when p.stock < 100 then 'Medium'
        else 'High'
    end as stock_status
from products p
left join {{ ref "silver_product_categories" }} c
    on c.category_name = p.category and c.category_level = 1
left join {{ ref "silver_product_categories" }} s
    on s.category_name = p.subcategory and s.category_level = 2
