{{ config "unique_key" "id" "schema" "crm" }}
select id, {{ include "clean_email" "email" }} as email
from {{ ref "b_customers" }}
{{ if is_incremental }}where id > (select max(id) from {{ this }}){{ end }}
