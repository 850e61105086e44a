package table

import "testing"

// BenchmarkExpand measures putting a gold-like row (24 values) back
// together, as a list page does for each row.
func BenchmarkExpand(b *testing.B) {
	type prod struct {
		ProductID   int64    `json:"product_id"`
		ProductName string   `json:"product_name"`
		Category    string   `json:"category"`
		Subcategory string   `json:"subcategory"`
		Brand       string   `json:"brand"`
		Price       Dec2     `json:"price"`
		Cost        Dec2     `json:"cost"`
		Stock       int32    `json:"stock"`
		Margin      Dec2     `json:"margin_pct"`
		Units       int64    `json:"units_sold"`
		Revenue     Dec2     `json:"revenue"`
		Net         Dec2     `json:"net_revenue"`
		Cogs        Dec2     `json:"cogs"`
		Profit      Dec2     `json:"profit"`
		Units12     int64    `json:"units_sold_last_12m"`
		Turnover    float64  `json:"inventory_turnover"`
		Months      *float64 `json:"months_of_inventory"`
		StockStatus string   `json:"stock_status"`
		SalesCat    string   `json:"sales_category"`
		Rating      *Dec2    `json:"avg_rating"`
		Reviews     int64    `json:"review_count"`
		LastSale    *string  `json:"last_sale_date"`
		DaysSince   *int32   `json:"days_since_last_sale"`
		Rank        int32    `json:"revenue_rank"`
	}
	d := "2026-10-01"
	rows := []prod{{ProductID: 12345, ProductName: "Laptop Pro 15 Model 2024", Category: "Electronics", Subcategory: "Laptops", Brand: "Acme",
		Price: 1299.99, Cost: 800, Stock: 12, Margin: 38.46, Units: 1234, Revenue: 123456.78, Net: 120000.5, Cogs: 80000, Profit: 40000.5,
		Units12: 321, Turnover: 3.1234, StockStatus: "Normal", SalesCat: "Top", Reviews: 42, LastSale: &d, Rank: 7}}
	arena, starts, ends, sh, err := encodeRows(rows)
	if err != nil || sh == nil {
		b.Fatal(err)
	}
	v := arena[starts[0]:ends[0]]
	buf := make([]byte, 0, 4096)
	b.SetBytes(int64(len(v) + sh.extra))
	for b.Loop() {
		buf = sh.expand(buf[:0], v)
	}
}
