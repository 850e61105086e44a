{{ config "tags" "pii" }}select id, email from {{ source "raw" "customers" }}
