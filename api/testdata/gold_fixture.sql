-- Hand-made gold rows for the API tests. Expected answers in the tests are
-- worked out by hand from these rows.
INSERT INTO gold.gold_customer_analytics (customer_id, name, email, country, city, registration_date, first_order_date, last_order_date, total_orders, total_revenue, avg_order_value, recency_days, tenure_days, purchase_frequency_per_year, clv, r_score, f_score, m_score, rfm_score, segment) VALUES
 (1, 'Ana Ruiz',  'ana@example.com', 'Spain',   'Madrid', DATE '2024-01-10', DATE '2024-02-01', DATE '2026-10-20', 5, 600.00, 120.00, 11, 1003, 1.82, 900.50, 5, 4, 4, '544', 'VIP'),
 (2, 'Ben Ode',   'ben@example.com', 'Spain',   'Sevilla', DATE '2024-03-05', DATE '2024-04-01', DATE '2026-06-01', 3, 250.00, 83.33, 152, 943, 1.16, 300.00, 3, 3, 3, '333', 'Loyal'),
 (3, 'Cai Lin',   'cai@example.com', 'France',  'Paris', DATE '2023-11-20', DATE '2023-12-01', DATE '2026-10-30', 6, 700.00, 116.67, 1, 1065, 2.06, 1200.25, 5, 5, 5, '555', 'VIP'),
 (4, 'Dee Park',  'dee@example.com', NULL,      NULL, DATE '2025-05-05', NULL, NULL, 0, 0.00, NULL, NULL, NULL, 0.0, -25.00, NULL, NULL, NULL, NULL, 'No Purchases'),
 (5, 'Eve Stone', 'eve@example.com', 'Germany', 'Berlin', DATE '2024-06-15', DATE '2024-07-01', DATE '2025-08-01', 2, 150.00, 75.00, 456, 852, 0.86, 120.00, 1, 2, 2, '122', 'At Risk');

INSERT INTO gold.gold_product_performance (product_id, product_name, category, subcategory, brand, price, cost, stock, margin_pct, units_sold, revenue, net_revenue, cogs, profit, units_sold_last_12m, inventory_turnover, months_of_inventory, stock_status, sales_category, avg_rating, review_count, last_sale_date, days_since_last_sale, revenue_rank) VALUES
 (10, 'Phone X',  'Phones',  'Smartphones', 'Acme', 100.00, 60.00, 5,   40.00, 10, 1000.00, 950.00, 600.00, 400.00, 8, 1.6, 7.5, 'Critical', 'Average', 4.50, 2, DATE '2026-10-20', 11, 2),
 (11, 'Laptop Y', 'Laptops', 'Ultrabooks',  'Zeta', 500.00, 375.00, 30, 25.00, 4, 2000.00, 1900.00, 1500.00, 500.00, 3, 0.1, 120.0, 'Low', 'Slow', 3.00, 1, DATE '2026-09-15', 46, 1),
 (12, 'Buds Z',   'Audio',   'Earbuds',     'Acme', 10.00, 5.00, 8,     50.00, 30, 300.00, 290.00, 150.00, 150.00, 30, 3.75, 3.2, 'Critical', 'Average', NULL, 0, DATE '2026-10-30', 1, 3),
 (13, 'Cable',    'Audio',   'Accessories', 'Acme', 5.00, 1.00, 500,    80.00, 0, 0.00, 0.00, 0.00, 0.00, 0, 0.0, NULL, 'High', 'No Sales', NULL, 0, NULL, NULL, 4);

INSERT INTO gold.gold_sales_metrics (period_type, period_start, revenue, orders, unique_customers, units_sold, avg_order_value, orders_per_customer, revenue_prev_year, yoy_growth_pct, seasonality_index) VALUES
 ('month',   DATE '2025-09-01', 200.00, 4, 3, 10, 50.00, 1.33, NULL, NULL, 1.0),
 ('month',   DATE '2025-10-01', 300.00, 5, 4, 12, 60.00, 1.25, NULL, NULL, 1.5),
 ('month',   DATE '2025-11-01', 0.00,   0, 0, 0,  NULL,  NULL, NULL, NULL, 0.0),
 ('month',   DATE '2026-09-01', 250.00, 5, 5, 11, 50.00, 1.00, 200.00, 25.00, 0.71),
 ('month',   DATE '2026-10-01', 450.00, 6, 5, 15, 75.00, 1.20, 300.00, 50.00, 1.29),
 ('year',    DATE '2025-01-01', 500.00, 9, 6, 22, 55.56, 1.50, NULL, NULL, NULL),
 ('year',    DATE '2026-01-01', 700.00, 11, 7, 26, 63.64, 1.57, 500.00, 40.00, NULL),
 ('day',     DATE '2026-10-30', 20.00,  1, 1, 1,  20.00, 1.00, NULL, NULL, NULL),
 ('day',     DATE '2026-10-31', 30.00,  1, 1, 2,  30.00, 1.00, NULL, NULL, NULL),
 ('week',    DATE '2026-10-26', 50.00,  2, 2, 3,  25.00, 1.00, NULL, NULL, NULL),
 ('quarter', DATE '2026-10-01', 450.00, 6, 5, 15, 75.00, 1.20, 300.00, 50.00, 1.10);

INSERT INTO gold.gold_cohort_retention (cohort_month, months_since_registration, cohort_size, active_customers, retention_pct, cohort_revenue, cumulative_revenue_per_customer) VALUES
 (DATE '2024-01-01', 0, 1, 0, 0.00, 0.00, 0.00),
 (DATE '2024-01-01', 1, 1, 1, 100.00, 120.00, 120.00),
 (DATE '2024-03-01', 0, 1, 0, 0.00, 0.00, 0.00);

INSERT INTO gold.gold_operational_metrics (critical_stock_products, inventory_value_cost, inventory_value_retail, products_without_movement_90d, avg_processing_days, cancellation_rate_pct, low_rated_products, as_of_date) VALUES
 (2, 12548.00, 19080.00, 1, 3.5, 4.76, 0, DATE '2026-10-31');

INSERT INTO gold.gold_category_operations (category, orders, cancelled_orders, cancellation_rate_pct, avg_processing_days, avg_rating, review_count) VALUES
 ('Audio', 9, 1, 11.11, 2.5, NULL, 0),
 ('Laptops', 4, 0, 0.00, 4.0, 3.00, 1),
 ('Phones', 8, 1, 12.50, 3.25, 4.50, 2);

INSERT INTO gold.gold_payment_methods (payment_method, orders, share_pct, revenue, failed_pct) VALUES
 ('credit_card', 12, 57.14, 800.00, 0.00),
 ('paypal', 8, 38.10, 400.00, 12.50),
 ('unknown', 1, 4.76, 0.00, 100.00);

INSERT INTO gold.gold_rating_trends (review_month, category, avg_rating, review_count) VALUES
 (DATE '2026-09-01', 'Phones', 4.00, 1),
 (DATE '2026-10-01', 'Phones', 5.00, 1),
 (DATE '2026-10-01', 'Laptops', 3.00, 1);
