-- Raw customers, untransformed, with ingestion metadata.
select
    id, name, email, registration_date, birth_date, phone, city, country, is_active,
    {{ include "bronze_metadata" "techstore.customers" }}
from {{ source "techstore" "customers" }}
