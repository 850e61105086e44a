{{ config "materialized" "incremental" "unique_key" "id" "incremental_strategy" "merge" }}
-- Raw order lines, untransformed, with ingestion metadata. Incremental on id
-- like bronze_orders.
select
    id, order_id, product_id, quantity, unit_price, unit_cost, line_total,
    discount_percent, created_at,
    {{ include "bronze_metadata" "techstore.order_items" }}
from {{ source "techstore" "order_items" }}
{{- if is_incremental }}
where id > (select coalesce(max(id), 0) from {{ this }})
{{- end }}
