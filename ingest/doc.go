// Package ingest creates the six raw TechStore tables (schema techstore:
// customers, product_categories, products, orders, order_items, reviews)
// on a target and fills them with realistic, deterministic synthetic data.
//
// # Loading
//
// LoadDuckDB writes a DuckDB file with the Appender inside one transaction
// (a failed or cancelled load leaves the file as it was). LoadAdapter
// writes through any adapter.Adapter in the Databricks dialect: staging
// tables filled with batched multi-row INSERTs, then swapped in. Both
// refuse to overwrite tables that hold data unless Options.Replace is set.
// DuckDBDDL and DatabricksDDL return the DDL of each target.
//
// # Volumes and determinism
//
// At scale N: 1,100×N customers, 19 categories, 220×N products, 5,200×N
// orders over the 24 months ending on the end date (default 2026-10-31),
// about 2.55 items per order, about 2,900×N reviews. Every row depends only
// on (seed, scale, end date): math/rand/v2 PCG streams per table and row, no
// map iteration, no wall clock. Ids are 1..n in generation order; orders
// are in time order.
//
// # Vocabularies (exported: Countries, PaymentMethods, OrderStatuses,
// PaymentStatuses, Categories, Brands)
//
// customers.country is always one of the full English names in Countries:
// Spain, United States, United Kingdom, Germany, France, Italy, Mexico,
// Brazil, Argentina, Canada, Portugal, Netherlands, Colombia, Chile (never
// NULL, never misspelt). products.category is a top-level category name
// and products.subcategory one of its subcategory names (Categories).
// Money is exact DECIMAL(10,2); discount_percent is one of 0, 5, 10, 15,
// 20, 25.
//
// # Planted defects
//
// Only these columns carry defects; every other value is clean. Each kind
// is counted during generation (Report.Defects, with the SQL predicate
// that finds exactly those rows in DefectCount.Check):
//
//   - customer_email_not_normalized: email <> lower(trim(email)). The
//     clean email is lower case ASCII (accents folded). A dirty one is
//     the clean one written as: all upper case; first letter upper case;
//     one leading space; one trailing space; upper-case local part
//     ("MARIA.GARCIA@gmail.com"); or two leading spaces, first letter
//     upper case and one trailing space. Fix: lower(trim(email)).
//   - customer_duplicate (about 1%): the same person registered again
//     later: same name, country, city, birth date and phone digits, an
//     email equal to the earlier one after lower(trim()), a strictly later
//     registration_date and a higher id. The raw emails differ (email is
//     UNIQUE), so duplicates also count as customer_email_not_normalized.
//     Keep the earliest registration per lower(trim(email)).
//   - customer_name_extra_spaces: a leading space, two trailing spaces,
//     three spaces between first and last name, or two leading spaces and
//     two between. Fix: trim and collapse runs of spaces.
//   - customer_name_wrong_case: the whole name in upper case or in lower
//     case (clean names are capitalised words, some with particles such as
//     "van den Berg" or "De Luca"). Fix: initcap-style capitalisation.
//   - customer_phone_format: the clean phone is "+<country code> <national
//     number in space-separated groups>", e.g. "+34 612 345 678",
//     "+1 415 555 0134", "+44 7911 123456", "+33 6 12 34 56 78"; it matches
//     ^\+[0-9]{1,3}( [0-9]+)+$. A dirty phone does not match it, has the
//     same digits, and is one of: national digits in
//     dash-separated groups of three ("612-345-678"), a parenthesised first
//     three digits ("(612) 345678"), bare national digits ("612345678"),
//     00 + country code + national digits ("0034612345678"), or + country
//     code + national digits without spaces ("+34612345678"). Fix: keep the
//     digits; a leading + keeps its code, a leading 00 is an international
//     prefix, otherwise prepend the country's calling code (Spain 34,
//     United States 1, United Kingdom 44, Germany 49, France 33, Italy 39,
//     Mexico 52, Brazil 55, Argentina 54, Canada 1, Portugal 351,
//     Netherlands 31, Colombia 57, Chile 56).
//   - customer_phone_null, customer_city_null, customer_birth_date_null:
//     NULL phone, city or birth_date (about 2% each).
//   - customer_birth_date_future: birth_date after the end date (1 to 60
//     years later); customer_birth_date_before_1900: birth_date between
//     1850 and 1899. Clean birth dates give ages 18 to 85 at the end date.
//   - product_brand_case: brand in the wrong case: all lower ("apple",
//     "lg") or all upper ("APPLE", "ONEPLUS"); the canonical spellings
//     are Brands (note "LG", "HP", "ASUS", "MSI", "JBL" are upper case and
//     "8BitDo", "OnePlus" mixed). Fix: map upper(brand) to the entry of
//     Brands with the same upper case.
//   - order_payment_method_null: NULL payment_method (about 2% of orders,
//     any status).
//   - review_rating_null: NULL rating; review_comment_empty: the comment
//     is the empty string (length 0, not NULL).
//
// # Invariants (always true, defects included)
//
// line_total = round(quantity × unit_price × (1 − discount_percent/100), 2)
// with no exact half cents; unit_price/unit_cost are the product's
// price/cost; subtotal = Σ line_total; total_amount = subtotal + tax_amount
// + shipping_cost − discount_amount. order_date >= the customer's
// registration_date. delivered orders have actual_delivery (a date at least
// one day after order_date, at most the end date); other statuses have
// none. pending orders are less than 2 days old; cancelled orders have
// payment_status refunded, failed or pending; others completed (pending:
// pending). Verified reviews (about 90%) point at a delivered order of the
// reviewer that contains the product and are dated after its delivery;
// unverified reviews have no order_id. helpful_votes <= total_votes.
// November and December are the strongest months, orders grow by about 45%
// over the window, product demand is Zipf-like, about 4.5% of products
// never sell (just launched, or discontinued and inactive), and about 8%
// have a critical stock of 0 to 5 units.
package ingest
