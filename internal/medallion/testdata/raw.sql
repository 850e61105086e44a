-- The golden data set: a tiny hand-made TechStore, loaded into the raw
-- schema techstore of a fresh DuckDB file by medallion_test.go. Every gold
-- value the test expects is worked out by hand from these rows (see the
-- comments in golden_test.go). Defects planted on purpose:
--   customers 1 and 4 are one person (emails differ only in case/spaces;
--   4 registered later, so 1 survives and 4's order and review move to 1);
--   names with extra spaces / wrong case; phones in four formats and one
--   unparseable ('12'); a birth date in the future (3) and one before 1900
--   (5); brands 'samsung', 'BOSE', 'google', ' apple' (beside 'Apple');
--   a product name with two spaces (7); NULL payment_method (orders 4
--   and 8); a NULL rating (review 3) and an empty comment (review 2).
create schema techstore;

create table techstore.customers (
    id bigint primary key, name varchar not null, email varchar not null,
    registration_date timestamp, birth_date date, phone varchar, city varchar,
    country varchar, is_active boolean default true
);
create table techstore.product_categories (
    id bigint primary key, name varchar not null, parent_category_id bigint,
    description varchar, is_active boolean default true
);
create table techstore.products (
    id bigint primary key, name varchar not null, description varchar,
    category varchar not null, subcategory varchar, brand varchar not null,
    model varchar, price decimal(10,2) not null, cost decimal(10,2) not null,
    stock integer default 0, weight_kg decimal(5,2), dimensions varchar,
    launch_date date, is_active boolean default true, created_at timestamp
);
create table techstore.orders (
    id bigint primary key, customer_id bigint not null, order_date timestamp,
    status varchar not null, payment_method varchar, payment_status varchar,
    subtotal decimal(10,2), tax_amount decimal(10,2), shipping_cost decimal(10,2),
    discount_amount decimal(10,2) default 0, total_amount decimal(10,2) not null,
    shipping_address varchar, estimated_delivery date, actual_delivery date,
    notes varchar
);
create table techstore.order_items (
    id bigint primary key, order_id bigint not null, product_id bigint not null,
    quantity integer not null, unit_price decimal(10,2) not null,
    unit_cost decimal(10,2) not null, line_total decimal(10,2) not null,
    discount_percent decimal(5,2) default 0, created_at timestamp
);
create table techstore.reviews (
    id bigint primary key, product_id bigint not null, customer_id bigint not null,
    order_id bigint, rating integer, title varchar, comment varchar,
    review_date timestamp, is_verified_purchase boolean default false,
    helpful_votes integer default 0, total_votes integer default 0
);

insert into techstore.customers values
    (1, '  ana   garcía ', ' Ana.Garcia@Example.com ', '2024-12-01 10:00:00', '1990-05-20', '+34 612 345 678', 'Madrid', 'Spain', true),
    (2, 'JOHN SMITH', 'john@example.com', '2024-12-15 09:30:00', '1985-02-01', '(555) 123-4567', 'Boston', 'United States', true),
    (3, 'marie curie', 'marie@example.fr', '2025-01-05 12:00:00', '2030-01-01', '06 12 34 56 78', null, 'France', true),
    (4, 'Ana Garcia', 'ana.garcia@example.com', '2025-02-01 08:00:00', '1990-05-20', '612-345-678', 'Madrid', 'Spain', true),
    (5, 'Peter Müller', 'peter@example.de', '2025-06-10 18:45:00', '1870-01-01', null, 'Berlin', 'Germany', true),
    (6, 'Lucia  Rossi', 'lucia@example.it', '2025-12-20 20:00:00', '2000-07-07', '12', 'Rome', 'Italy', true);

insert into techstore.product_categories values
    (1, 'Phones', null, 'Mobile phones', true),
    (2, 'Laptops', null, 'Portable computers', true),
    (3, 'Audio', null, 'Sound', true),
    (4, 'Smartphones', 1, 'Touch-screen phones', true),
    (5, 'Ultrabooks', 2, 'Thin laptops', true),
    (6, 'Headphones', 3, 'Over-ear and in-ear', true);

insert into techstore.products values
    (1, 'iPhone 15', 'Phone', 'Phones', 'Smartphones', 'Apple', 'A3090', 1000.00, 700.00, 5, 0.17, '147x71x8 mm', '2023-09-22', true, '2024-01-01 00:00:00'),
    (2, 'Galaxy S24', 'Phone', 'Phones', 'Smartphones', 'samsung', 'SM-S921', 800.00, 500.00, 40, 0.17, '147x71x8 mm', '2024-01-31', true, '2024-02-01 00:00:00'),
    (3, 'XPS 13', 'Laptop', 'Laptops', 'Ultrabooks', 'Dell', '9340', 1200.00, 900.00, 100, 1.19, '295x199x15 mm', '2024-03-01', true, '2024-03-01 00:00:00'),
    (4, 'QuietComfort Ultra', 'Headphones', 'Audio', 'Headphones', 'BOSE', 'QC-U', 300.00, 150.00, 60, 0.25, '195x155x50 mm', '2023-10-01', true, '2024-01-01 00:00:00'),
    (5, 'WH-1000XM5', 'Headphones', 'Audio', 'Headphones', 'Sony', 'WH1000XM5', 350.00, 200.00, 0, 0.25, '200x160x50 mm', '2022-05-20', true, '2024-01-01 00:00:00'),
    (6, 'Pixel 6', 'Phone', 'Phones', 'Smartphones', 'google', 'GB7N6', 500.00, 300.00, 150, 0.21, '158x74x9 mm', '2021-10-28', false, '2024-01-01 00:00:00'),
    (7, 'AirPods  Pro', 'Earbuds', 'Audio', 'Headphones', ' apple', 'A2698', 250.00, 100.00, 20, 0.05, '45x60x21 mm', '2022-09-23', false, '2024-01-01 00:00:00');

insert into techstore.orders values
    (1, 1, '2025-01-15 10:00:00', 'delivered', 'credit_card', 'completed', 1540.00, 0.00, 10.00, 0.00, 1550.00, 'Calle Mayor 1, Madrid', '2025-01-20', '2025-01-18', null),
    (2, 2, '2025-03-10 14:00:00', 'delivered', 'paypal', 'completed', 800.00, 0.00, 0.00, 0.00, 800.00, '1 Main St, Boston', '2025-03-16', '2025-03-15', null),
    (3, 3, '2025-06-20 09:00:00', 'cancelled', 'credit_card', 'refunded', 1200.00, 0.00, 0.00, 0.00, 1200.00, '1 Rue de Rivoli, Paris', '2025-06-27', null, null),
    (4, 4, '2025-11-05 16:30:00', 'delivered', null, 'completed', 1140.00, 0.00, 0.00, 40.00, 1100.00, 'Calle Mayor 1, Madrid', '2025-11-10', '2025-11-09', null),
    (5, 2, '2025-12-01 11:00:00', 'delivered', 'paypal', 'refunded', 1600.00, 0.00, 0.00, 0.00, 1600.00, '1 Main St, Boston', '2025-12-05', '2025-12-03', 'returned'),
    (6, 1, '2026-01-15 12:00:00', 'confirmed', 'credit_card', 'completed', 1600.00, 0.00, 0.00, 0.00, 1600.00, 'Calle Mayor 1, Madrid', '2026-01-22', null, null),
    (7, 6, '2026-01-20 23:59:59', 'pending', 'apple_pay', 'pending', 300.00, 0.00, 5.00, 0.00, 305.00, 'Via Roma 1, Roma', '2026-01-27', null, null),
    (8, 3, '2026-01-18 08:00:00', 'cancelled', null, 'failed', 1000.00, 0.00, 0.00, 0.00, 1000.00, '1 Rue de Rivoli, Paris', '2026-01-25', null, null);

insert into techstore.order_items values
    (1, 1, 1, 1, 1000.00, 700.00, 1000.00, 0.00, '2025-01-15 10:00:00'),
    (2, 1, 4, 2, 300.00, 150.00, 540.00, 10.00, '2025-01-15 10:00:00'),
    (3, 2, 2, 1, 800.00, 500.00, 800.00, 0.00, '2025-03-10 14:00:00'),
    (4, 3, 3, 1, 1200.00, 900.00, 1200.00, 0.00, '2025-06-20 09:00:00'),
    (5, 4, 3, 1, 1200.00, 900.00, 1140.00, 5.00, '2025-11-05 16:30:00'),
    (6, 5, 2, 2, 800.00, 500.00, 1600.00, 0.00, '2025-12-01 11:00:00'),
    (7, 6, 1, 1, 1000.00, 700.00, 1000.00, 0.00, '2026-01-15 12:00:00'),
    (8, 6, 2, 1, 800.00, 500.00, 600.00, 25.00, '2026-01-15 12:00:00'),
    (9, 7, 4, 1, 300.00, 150.00, 300.00, 0.00, '2026-01-20 23:59:59'),
    (10, 8, 1, 1, 1000.00, 700.00, 1000.00, 0.00, '2026-01-18 08:00:00');

insert into techstore.reviews values
    (1, 1, 1, 1, 5, 'Superb', 'Great phone', '2025-01-20 10:00:00', true, 3, 4),
    (2, 4, 4, 1, 4, 'Good', '', '2025-01-25 10:00:00', false, 0, 0),
    (3, 2, 2, 2, null, 'Hmm', 'ok', '2025-03-20 10:00:00', true, 1, 2),
    (4, 2, 2, 5, 2, 'Returned it', 'Battery drains', '2025-12-05 10:00:00', true, 2, 2),
    (5, 3, 3, 3, 1, 'Never came', 'Cancelled', '2025-06-25 10:00:00', false, 0, 1),
    (6, 3, 1, 4, 2, 'Hot', 'Runs hot', '2025-11-15 10:00:00', true, 1, 1),
    (7, 3, 2, null, 2, 'Meh', 'Keyboard', '2025-11-20 10:00:00', false, 0, 0),
    (8, 1, 6, null, 4, 'Nice', 'Nice camera', '2026-01-22 10:00:00', false, 0, 0);
