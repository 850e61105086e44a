package api

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/techstore-analytics/techstore/api/table"
)

// trendPeriods are the period types of /api/sales/trends.
func trendPeriods() []string { return []string{"day", "week", "month", "quarter", "year"} }

// trendMetrics are the metrics of /api/sales/trends.
func trendMetrics() []string {
	return []string{"revenue", "orders", "avg_order_value", "unique_customers"}
}

// MovingAverageWindow is the number of periods (the current one and the ones
// before it) averaged by the trends' moving_average.
const MovingAverageWindow = 3

// derived holds the answers pre-computed at snapshot load.
type derived struct {
	asOf     string
	summary  []byte
	trends   map[string][]byte // period + "/" + metric -> encoded SalesTrend
	lowStock [2][]int32        // product rows by stock ascending: [0] Critical, [1] Critical and Low
}

// SalesSummary is the executive summary of /api/sales/summary.
type SalesSummary struct {
	AsOfDate            string            `json:"as_of_date,omitempty" format:"date" doc:"The gold layer's as-of date (absent when the gold layer is empty)."`
	TotalRevenue        table.Dec2        `json:"total_revenue" doc:"Revenue of all revenue orders (sum of the year rows of gold_sales_metrics)."`
	TotalOrders         int64             `json:"total_orders" doc:"Revenue orders."`
	UnitsSold           int64             `json:"units_sold" doc:"Units in revenue orders."`
	AvgOrderValue       *table.Dec2       `json:"avg_order_value" nullable:"true" doc:"total_revenue / total_orders."`
	Customers           int               `json:"customers" doc:"Surviving customers."`
	ActiveCustomers     int               `json:"active_customers" doc:"Customers with at least one revenue order."`
	LatestMonth         *PeriodComparison `json:"latest_month,omitempty" doc:"The latest month against the month before and the same month a year earlier."`
	BestCategory        *CategoryRevenue  `json:"best_category,omitempty" doc:"The category with the most product revenue."`
	BestProduct         *ProductRevenue   `json:"best_product,omitempty" doc:"The product with the most revenue (lowest product_id on ties)."`
	CustomersPerSegment []SegmentCount    `json:"customers_per_segment" doc:"Customers per RFM segment, in the segments' contract order."`
}

// PeriodComparison compares one period with the previous one and the one a year earlier.
type PeriodComparison struct {
	PeriodStart             string      `json:"period_start" format:"date"`
	Revenue                 table.Dec2  `json:"revenue"`
	Orders                  int64       `json:"orders"`
	PreviousPeriodStart     *string     `json:"previous_period_start" format:"date" nullable:"true"`
	PreviousRevenue         *table.Dec2 `json:"previous_revenue" nullable:"true"`
	GrowthPct               *table.Dec2 `json:"growth_pct" nullable:"true" doc:"(revenue - previous_revenue) / previous_revenue x 100; null when there is no previous revenue."`
	PreviousYearPeriodStart *string     `json:"previous_year_period_start" format:"date" nullable:"true"`
	PreviousYearRevenue     *table.Dec2 `json:"previous_year_revenue" nullable:"true"`
	YoyGrowthPct            *table.Dec2 `json:"yoy_growth_pct" nullable:"true" doc:"Growth against the same period a year earlier, in percent."`
}

// CategoryRevenue is a category with its revenue.
type CategoryRevenue struct {
	Category string     `json:"category"`
	Revenue  table.Dec2 `json:"revenue"`
}

// ProductRevenue is a product with its revenue.
type ProductRevenue struct {
	ProductID   int64      `json:"product_id"`
	ProductName string     `json:"product_name"`
	Revenue     table.Dec2 `json:"revenue"`
}

// SegmentCount is the number of customers of a segment.
type SegmentCount struct {
	Segment   string `json:"segment"`
	Customers int    `json:"customers"`
}

// SalesTrend is the series of /api/sales/trends.
type SalesTrend struct {
	Period              string       `json:"period" enum:"day,week,month,quarter,year"`
	Metric              string       `json:"metric" enum:"revenue,orders,avg_order_value,unique_customers"`
	MovingAverageWindow int          `json:"moving_average_window" doc:"Periods averaged by moving_average (this one and the ones before it)."`
	Items               []TrendPoint `json:"items"`
	Total               int          `json:"total" doc:"Points in the series."`
}

// TrendPoint is one period of a trend. Values are numbers with 2 decimals.
type TrendPoint struct {
	PeriodStart   string      `json:"period_start" format:"date"`
	Value         *table.Dec2 `json:"value" nullable:"true" doc:"The metric in this period (null for avg_order_value without orders)."`
	PreviousValue *table.Dec2 `json:"previous_value" nullable:"true" doc:"The metric in the previous period."`
	ChangePct     *table.Dec2 `json:"change_pct" nullable:"true" doc:"Period-over-period change in percent; null when the previous value is null or 0."`
	YearAgoValue  *table.Dec2 `json:"year_ago_value" nullable:"true" doc:"The metric in the same period a year earlier (the ISO week with the same number for weeks)."`
	YoyChangePct  *table.Dec2 `json:"yoy_change_pct" nullable:"true" doc:"Year-over-year change in percent; null when the year-ago value is null or 0."`
	MovingAverage *table.Dec2 `json:"moving_average" nullable:"true" doc:"Mean of this and the 2 previous periods' values; null until 3 periods have values."`
}

func dec(f float64) *table.Dec2 {
	d, _ := table.Dec(f)
	return &d
}

func pctChange(cur, prev *table.Dec2) *table.Dec2 {
	if cur == nil || prev == nil || *prev == 0 {
		return nil
	}
	return dec((float64(*cur) - float64(*prev)) / float64(*prev) * 100)
}

// yearAgo returns the period start a year before start for the period type.
func yearAgo(period, start string) (string, bool) {
	t, err := time.Parse(time.DateOnly, start)
	if err != nil {
		return "", false
	}
	if period == "week" {
		y, w := t.ISOWeek()
		// Monday of ISO week w of year y-1: the week holding January 4th.
		jan4 := time.Date(y-1, 1, 4, 0, 0, 0, 0, time.UTC)
		mon := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
		c := mon.AddDate(0, 0, 7*(w-1))
		if cy, cw := c.ISOWeek(); cy != y-1 || cw != w {
			return "", false // week 53 with no twin
		}
		return c.Format(time.DateOnly), true
	}
	p := time.Date(t.Year()-1, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if p.Day() != t.Day() {
		return "", false // February 29th
	}
	return p.Format(time.DateOnly), true
}

// aggregates are what the summary needs of the two big gold tables,
// gathered while they load: their typed rows are not kept.
type aggregates struct {
	customers, activeCustomers int
	segments                   map[string]int
	catCents                   map[string]int64 // exact, whatever the load order
	bestProduct                *ProductRevenue
}

// loadOptions drop the typed rows of the big tables and gather aggregates
// from them instead.
func (a *aggregates) loadOptions() GoldLoad {
	a.segments, a.catCents = map[string]int{}, map[string]int64{}
	return GoldLoad{
		// The biggest table, read mostly one customer at a time, is held
		// compact; product lists keep their rows' JSON whole, fast to write.
		CustomerAnalytics: table.LoadOptions[CustomerAnalytics]{DropRows: true, CompactJSON: true, Visit: func(r *CustomerAnalytics) {
			a.customers++
			a.segments[r.Segment]++
			if r.TotalOrders > 0 {
				a.activeCustomers++
			}
		}},
		ProductPerformance: table.LoadOptions[ProductPerformance]{DropRows: true, Visit: func(p *ProductPerformance) {
			a.catCents[p.Category] += int64(math.Round(float64(p.Revenue) * 100))
			b := a.bestProduct
			if b == nil || p.Revenue > b.Revenue || (p.Revenue == b.Revenue && p.ProductID < b.ProductID) {
				a.bestProduct = &ProductRevenue{ProductID: p.ProductID, ProductName: p.ProductName, Revenue: p.Revenue}
			}
		}},
	}
}

func derive(g *Gold, agg *aggregates) (*derived, error) {
	d := &derived{trends: map[string][]byte{}}
	if g.OperationalMetrics.Len() > 0 {
		d.asOf = g.OperationalMetrics.Rows()[0].AsOfDate
	}
	sales := g.SalesMetrics.Rows() // in period_start order
	byPeriod := map[string][]*SalesMetrics{}
	for i := range sales {
		byPeriod[sales[i].PeriodType] = append(byPeriod[sales[i].PeriodType], &sales[i])
	}
	if d.asOf == "" && len(sales) > 0 {
		d.asOf = sales[len(sales)-1].PeriodStart
	}

	// Trends.
	for _, p := range trendPeriods() {
		rows := byPeriod[p]
		at := map[string]int{}
		for i, r := range rows {
			at[r.PeriodStart] = i
		}
		for _, m := range trendMetrics() {
			vals := make([]*table.Dec2, len(rows))
			for i, r := range rows {
				vals[i] = metricValue(r, m)
			}
			tr := SalesTrend{Period: p, Metric: m, MovingAverageWindow: MovingAverageWindow, Items: make([]TrendPoint, len(rows)), Total: len(rows)}
			for i, r := range rows {
				pt := TrendPoint{PeriodStart: r.PeriodStart, Value: vals[i]}
				if i > 0 {
					pt.PreviousValue = vals[i-1]
					pt.ChangePct = pctChange(vals[i], vals[i-1])
				}
				if ya, ok := yearAgo(p, r.PeriodStart); ok {
					if j, ok := at[ya]; ok {
						pt.YearAgoValue = vals[j]
						pt.YoyChangePct = pctChange(vals[i], vals[j])
					}
				}
				if i >= MovingAverageWindow-1 {
					sum, ok := 0.0, true
					for k := i - MovingAverageWindow + 1; k <= i; k++ {
						if vals[k] == nil {
							ok = false
							break
						}
						sum += float64(*vals[k])
					}
					if ok {
						pt.MovingAverage = dec(sum / MovingAverageWindow)
					}
				}
				tr.Items[i] = pt
			}
			b, err := table.Encode(tr)
			if err != nil {
				return nil, fmt.Errorf("encode trend %s/%s: %w", p, m, err)
			}
			d.trends[p+"/"+m] = b
		}
	}

	// Summary.
	s := SalesSummary{AsOfDate: d.asOf, CustomersPerSegment: []SegmentCount{}}
	for _, r := range byPeriod["year"] {
		s.TotalRevenue += r.Revenue
		s.TotalOrders += r.Orders
		s.UnitsSold += r.UnitsSold
	}
	s.TotalRevenue = *dec(float64(s.TotalRevenue))
	if s.TotalOrders > 0 {
		s.AvgOrderValue = dec(float64(s.TotalRevenue) / float64(s.TotalOrders))
	}
	if months := byPeriod["month"]; len(months) > 0 {
		last := months[len(months)-1]
		pc := &PeriodComparison{PeriodStart: last.PeriodStart, Revenue: last.Revenue, Orders: last.Orders}
		if len(months) > 1 {
			prev := months[len(months)-2]
			pc.PreviousPeriodStart, pc.PreviousRevenue = &prev.PeriodStart, &prev.Revenue
			pc.GrowthPct = pctChange(&last.Revenue, &prev.Revenue)
		}
		if ya, ok := yearAgo("month", last.PeriodStart); ok {
			for _, r := range months {
				if r.PeriodStart == ya {
					pc.PreviousYearPeriodStart, pc.PreviousYearRevenue = &r.PeriodStart, &r.Revenue
					pc.YoyGrowthPct = pctChange(&last.Revenue, &r.Revenue)
				}
			}
		}
		s.LatestMonth = pc
	}
	cats := make([]string, 0, len(agg.catCents))
	for c := range agg.catCents {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	best := int64(0)
	for _, c := range cats {
		if s.BestCategory == nil || agg.catCents[c] > best {
			best = agg.catCents[c]
			s.BestCategory = &CategoryRevenue{Category: c, Revenue: table.Dec2(float64(best) / 100)}
		}
	}
	s.BestProduct = agg.bestProduct
	s.Customers, s.ActiveCustomers = agg.customers, agg.activeCustomers
	for _, v := range CustomerAnalyticsSegmentValues() {
		s.CustomersPerSegment = append(s.CustomersPerSegment, SegmentCount{Segment: v, Customers: agg.segments[v]})
	}
	b, err := table.Encode(s)
	if err != nil {
		return nil, fmt.Errorf("encode summary: %w", err)
	}
	d.summary = b

	// Low stock, by stock ascending.
	pp := g.ProductPerformance
	if order, ok := pp.Order(ColProductPerformanceStock); ok {
		critical, err := pp.Select(table.Query{Filters: []table.Filter{{Column: ColProductPerformanceStockStatus, Value: "Critical"}}})
		if err != nil {
			return nil, fmt.Errorf("low stock: %w", err)
		}
		low, err := pp.Select(table.Query{Filters: []table.Filter{{Column: ColProductPerformanceStockStatus, Value: "Low"}}})
		if err != nil {
			return nil, fmt.Errorf("low stock: %w", err)
		}
		status := make([]uint8, pp.Len()) // 1 Critical, 2 Low
		for _, i := range critical {
			status[i] = 1
		}
		for _, i := range low {
			status[i] = 2
		}
		for _, i := range order {
			switch status[i] {
			case 1:
				d.lowStock[0] = append(d.lowStock[0], i)
				d.lowStock[1] = append(d.lowStock[1], i)
			case 2:
				d.lowStock[1] = append(d.lowStock[1], i)
			}
		}
	}
	return d, nil
}

func metricValue(r *SalesMetrics, m string) *table.Dec2 {
	switch m {
	case "revenue":
		v := r.Revenue
		return &v
	case "orders":
		return dec(float64(r.Orders))
	case "avg_order_value":
		if r.AvgOrderValue == nil {
			return nil
		}
		v := *r.AvgOrderValue
		return &v
	case "unique_customers":
		return dec(float64(r.UniqueCustomers))
	}
	return nil
}
