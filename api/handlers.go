package api

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/techstore-analytics/techstore/api/table"
)

// Segment is a customer segment; its schema enumerates the contract's
// accepted values, so an unknown one is a 422 listing them.
type Segment string

// Schema lists the accepted segments.
func (Segment) Schema(huma.Registry) *huma.Schema {
	vals := CustomerAnalyticsSegmentValues()
	enum := make([]any, len(vals))
	for i, v := range vals {
		enum[i] = v
	}
	return &huma.Schema{Type: huma.TypeString, Enum: enum, Description: "One of the RFM segments: " + strings.Join(vals, ", ") + "."}
}

type segmentInput struct {
	table.Page
	Segment Segment `path:"segment"`
}

type topCustomersInput struct {
	Limit int `query:"limit" default:"10" minimum:"0" maximum:"1000" doc:"How many customers (0 to 1000; default 10)."`
}

type topPerformersInput struct {
	Limit int    `query:"limit" default:"10" minimum:"0" maximum:"1000" doc:"How many products (0 to 1000; default 10)."`
	By    string `query:"by" default:"revenue" enum:"revenue,profit,units_sold" doc:"Rank by revenue, profit or units_sold, descending."`
}

type lowStockInput struct {
	table.Page
	IncludeLow bool `query:"include_low" doc:"Also list products whose stock_status is Low (default: Critical only)."`
}

type salesMetricsInput struct {
	table.Page
	Period     string `query:"period" enum:"day,week,month,quarter,year" doc:"Only rows of this period type (default: all)."`
	PeriodType string `query:"period_type" enum:"day,week,month,quarter,year" doc:"Same as period (the contract's filter column)."`
	From       string `query:"from" format:"date" doc:"Only periods starting on or after this date (YYYY-MM-DD)."`
	To         string `query:"to" format:"date" doc:"Only periods starting on or before this date (YYYY-MM-DD)."`
}

type trendsInput struct {
	Period string `query:"period" default:"month" enum:"day,week,month,quarter,year" doc:"Period type of the series."`
	Metric string `query:"metric" default:"revenue" enum:"revenue,orders,avg_order_value,unique_customers" doc:"The metric."`
}

func registerHandwritten(api huma.API, s *Store) {
	snap := func() (*Snapshot, error) {
		sn := s.Current()
		if sn == nil {
			return nil, table.NoSnapshot()
		}
		return sn, nil
	}
	huma.Register(api, huma.Operation{
		OperationID: "list-customers-by-segment", Method: http.MethodGet, Path: "/api/customers/segments/{segment}",
		Summary: "Customers of one segment", Tags: []string{"customers"},
		Description: "The gold_customer_analytics rows of one RFM segment, by customer_id; paginated. An unknown segment is a 422 that lists the valid ones.",
	}, func(ctx context.Context, in *segmentInput) (*table.Out[CustomerAnalyticsList], error) {
		sn, err := snap()
		if err != nil {
			return nil, err
		}
		b, err := sn.Gold.CustomerAnalytics.List(table.Query{Offset: in.Offset, Limit: in.Limit, Filters: []table.Filter{{Column: ColCustomerAnalyticsSegment, Value: string(in.Segment)}}})
		if err != nil {
			return nil, err
		}
		return table.Respond[CustomerAnalyticsList](b), nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "top-customers", Method: http.MethodGet, Path: "/api/customers/top-customers",
		Summary: "Top customers by CLV", Tags: []string{"customers"},
		Description: "The customers with the highest clv, descending (ties by customer_id). total is the number of customers.",
	}, func(ctx context.Context, in *topCustomersInput) (*table.Out[CustomerAnalyticsList], error) {
		sn, err := snap()
		if err != nil {
			return nil, err
		}
		t := sn.Gold.CustomerAnalytics
		order, _ := t.Order("-" + ColCustomerAnalyticsClv)
		return table.Respond[CustomerAnalyticsList](t.Page(order, 0, in.Limit)), nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "top-performing-products", Method: http.MethodGet, Path: "/api/products/top-performers",
		Summary: "Top products", Tags: []string{"products"},
		Description: "The products with the most revenue, profit or units_sold, descending (ties by product_id). total is the number of products.",
	}, func(ctx context.Context, in *topPerformersInput) (*table.Out[ProductPerformanceList], error) {
		sn, err := snap()
		if err != nil {
			return nil, err
		}
		t := sn.Gold.ProductPerformance
		order, ok := t.Order("-" + in.By)
		if !ok {
			return nil, huma.Error422UnprocessableEntity("by must be one of revenue, profit, units_sold")
		}
		return table.Respond[ProductPerformanceList](t.Page(order, 0, in.Limit)), nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "list-low-stock-products", Method: http.MethodGet, Path: "/api/products/low-stock",
		Summary: "Products low on stock", Tags: []string{"products"},
		Description: "Products whose stock_status is Critical (add include_low=true for Low too), by stock ascending; paginated.",
	}, func(ctx context.Context, in *lowStockInput) (*table.Out[ProductPerformanceList], error) {
		sn, err := snap()
		if err != nil {
			return nil, err
		}
		idx := sn.derived.lowStock[0]
		if in.IncludeLow {
			idx = sn.derived.lowStock[1]
		}
		return table.Respond[ProductPerformanceList](sn.Gold.ProductPerformance.Page(idx, in.Offset, in.Limit)), nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "list-sales-metrics", Method: http.MethodGet, Path: SalesMetricsPath,
		Summary: "Sales metrics per period", Tags: []string{"sales"},
		Description: "Rows of gold_sales_metrics by period_start (then period type), optionally of one period type and between two dates (inclusive); paginated.",
	}, func(ctx context.Context, in *salesMetricsInput) (*table.Out[SalesMetricsList], error) {
		sn, err := snap()
		if err != nil {
			return nil, err
		}
		if in.From != "" && in.To != "" && in.From > in.To {
			return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("from (%s) is after to (%s): give from <= to", in.From, in.To),
				&huma.ErrorDetail{Location: "query.from", Message: "must not be after to", Value: in.From})
		}
		period := in.Period
		if in.PeriodType != "" {
			if period != "" && period != in.PeriodType {
				return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("period=%s and period_type=%s disagree: give one of them", period, in.PeriodType))
			}
			period = in.PeriodType
		}
		t := sn.Gold.SalesMetrics
		idx, err := t.Select(table.Query{Filters: []table.Filter{{Column: ColSalesMetricsPeriodType, Value: period}}})
		if err != nil {
			return nil, err
		}
		rows := t.Rows()
		if in.From != "" {
			lo := sort.Search(len(idx), func(i int) bool { return rows[idx[i]].PeriodStart >= in.From })
			idx = idx[lo:]
		}
		if in.To != "" {
			hi := sort.Search(len(idx), func(i int) bool { return rows[idx[i]].PeriodStart > in.To })
			idx = idx[:hi]
		}
		return table.Respond[SalesMetricsList](t.Page(idx, in.Offset, in.Limit)), nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "sales-trends", Method: http.MethodGet, Path: "/api/sales/trends",
		Summary: "Sales trend of one metric", Tags: []string{"sales"},
		Description: fmt.Sprintf("The series of a metric per period with the period-over-period change, the year-over-year change (the same period a year earlier; the ISO week with the same number for weeks) and a moving average over %d periods (this one and the %d before it).", MovingAverageWindow, MovingAverageWindow-1),
	}, func(ctx context.Context, in *trendsInput) (*table.Out[SalesTrend], error) {
		sn, err := snap()
		if err != nil {
			return nil, err
		}
		b, ok := sn.derived.trends[in.Period+"/"+in.Metric]
		if !ok {
			return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("no trend for period %q and metric %q: period is day, week, month, quarter or year; metric is revenue, orders, avg_order_value or unique_customers", in.Period, in.Metric))
		}
		return table.Respond[SalesTrend](table.Bytes(b)), nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "sales-summary", Method: http.MethodGet, Path: "/api/sales/summary",
		Summary: "Executive sales summary", Tags: []string{"sales"},
		Description: "Totals, average order value, customers, the latest month against the previous month and the same month a year earlier, the best category and product, and customers per segment.",
	}, func(ctx context.Context, _ *struct{}) (*table.Out[SalesSummary], error) {
		sn, err := snap()
		if err != nil {
			return nil, err
		}
		return table.Respond[SalesSummary](table.Bytes(sn.derived.summary)), nil
	})
}

// Health is the body of /health.
type Health struct {
	Status string `json:"status" enum:"ok"`
}

// Ready is the body of /ready.
type Ready struct {
	Status          string         `json:"status" enum:"ready,stale,loading" doc:"ready: a snapshot is served and the last load succeeded; stale: the last reload failed and the previous snapshot is served; loading: no snapshot yet."`
	AsOfDate        string         `json:"as_of_date,omitempty" format:"date" doc:"As-of date of the served snapshot."`
	LoadedAt        *time.Time     `json:"loaded_at,omitempty" doc:"When the served snapshot was loaded."`
	Snapshot        int64          `json:"snapshot,omitempty" doc:"Sequence number of the served snapshot since the server started."`
	Source          string         `json:"source" doc:"Where snapshots come from."`
	RowCounts       map[string]int `json:"row_counts,omitempty" doc:"Rows per gold table in the served snapshot."`
	LastReloadAt    *time.Time     `json:"last_reload_at,omitempty"`
	LastReloadError string         `json:"last_reload_error,omitempty" doc:"Why the last reload failed, when it did."`
}

type readyOutput struct {
	Status int
	Body   Ready
}

type reloadInput struct {
	Authorization string `header:"Authorization" doc:"Bearer <TECHSTORE_RELOAD_TOKEN>"`
}

type reloadOutput struct {
	Body Ready
}

func registerOps(api huma.API, s *Store, token string) {
	huma.Register(api, huma.Operation{
		OperationID: "health", Method: http.MethodGet, Path: "/health", Tags: []string{"operations"},
		Summary: "Liveness", Description: "200 while the process is up.",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body Health }, error) {
		return &struct{ Body Health }{Body: Health{Status: "ok"}}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "ready", Method: http.MethodGet, Path: "/ready", Tags: []string{"operations"},
		Summary: "Readiness and the served snapshot", Description: "200 when a gold snapshot is served (with its as-of date, load time and row counts), 503 before the first load.",
		Responses: map[string]*huma.Response{"503": {Description: "No snapshot loaded yet."}},
	}, func(ctx context.Context, _ *struct{}) (*readyOutput, error) {
		r := readyBody(s)
		code := http.StatusOK
		if r.Status == "loading" {
			code = http.StatusServiceUnavailable
		}
		return &readyOutput{Status: code, Body: r}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "reload", Method: http.MethodPost, Path: "/admin/reload", Tags: []string{"operations"},
		Summary:     "Reload the gold snapshot",
		Description: "Loads the gold tables again and swaps the snapshot atomically. Needs Authorization: Bearer <token> (env TECHSTORE_RELOAD_TOKEN of the server); disabled when the server has no token.",
	}, func(ctx context.Context, in *reloadInput) (*reloadOutput, error) {
		if token == "" {
			return nil, huma.Error403Forbidden("reload is disabled: start the server with TECHSTORE_RELOAD_TOKEN set")
		}
		got, ok := strings.CutPrefix(in.Authorization, "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			return nil, huma.Error401Unauthorized("send Authorization: Bearer <TECHSTORE_RELOAD_TOKEN>")
		}
		if _, err := s.Reload(ctx); err != nil {
			return nil, huma.Error503ServiceUnavailable("reload failed; the previous snapshot is still served: " + err.Error())
		}
		return &reloadOutput{Body: readyBody(s)}, nil
	})
}

func readyBody(s *Store) Ready {
	r := Ready{Status: "loading", Source: s.opener.Describe()}
	last := s.LastReload()
	if last != nil {
		t := last.At
		r.LastReloadAt = &t
		r.LastReloadError = last.Error
	}
	if sn := s.Current(); sn != nil {
		r.Status = "ready"
		if last != nil && last.Error != "" {
			r.Status = "stale"
		}
		t := sn.LoadedAt
		r.AsOfDate, r.LoadedAt, r.Snapshot, r.RowCounts = sn.AsOfDate, &t, sn.Seq, sn.Counts
	}
	return r
}
