select * from {{ ref "g_revenue" }} where revenue < 0
