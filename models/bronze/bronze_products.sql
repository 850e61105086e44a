-- Raw products, untransformed, with ingestion metadata.
select
    id, name, description, category, subcategory, brand, model, price, cost, stock,
    weight_kg, dimensions, launch_date, is_active, created_at,
    {{ include "bronze_metadata" "techstore.products" }}
from {{ source "techstore" "products" }}
