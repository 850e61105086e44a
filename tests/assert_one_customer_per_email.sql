-- Customers are de-duplicated: no two surviving customers share an email
-- once it is lower-cased and trimmed.
select lower(trim(email)) as normalized_email, count(*) as customers
from {{ ref "silver_customers" }}
group by lower(trim(email))
having count(*) > 1
