{{ config "materialized" "incremental" "unique_key" "id" "incremental_strategy" "merge" }}
-- Raw orders, untransformed, with ingestion metadata. Incremental: a run
-- over a grown raw table reads only the orders with a new id, and merges
-- them on id.
select
    id, customer_id, order_date, status, payment_method, payment_status, subtotal,
    tax_amount, shipping_cost, discount_amount, total_amount, shipping_address,
    estimated_delivery, actual_delivery, notes,
    {{ include "bronze_metadata" "techstore.orders" }}
from {{ source "techstore" "orders" }}
{{- if is_incremental }}
where id > (select coalesce(max(id), 0) from {{ this }})
{{- end }}
