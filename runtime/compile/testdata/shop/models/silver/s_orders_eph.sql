{{ config "materialized" "ephemeral" }}
select * from {{ ref "b_orders" }} where amount >= {{ var "min_amount" }}
