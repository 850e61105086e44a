-- Raw product categories, untransformed, with ingestion metadata.
select
    id, name, parent_category_id, description, is_active,
    {{ include "bronze_metadata" "techstore.product_categories" }}
from {{ source "techstore" "product_categories" }}
