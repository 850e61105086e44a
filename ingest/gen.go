package ingest

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config decides the generated rows: the same Config gives the same rows.
type Config struct {
	// Scale multiplies customers, products, orders, items and reviews (>= 1).
	Scale int
	// Seed selects the random streams.
	Seed uint64
	// EndDate is the last day of the 24 months of orders (UTC date).
	EndDate time.Time
}

// DefaultEndDate is the end date used when none is given.
var DefaultEndDate = time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)

// Volumes at scale 1.
const (
	customersPerScale = 1100
	productsPerScale  = 220
	ordersPerScale    = 5200
)

// Validate checks the configuration and says what to change.
func (c Config) Validate() error {
	if c.Scale < 1 || c.Scale > 10000 {
		return fmt.Errorf("scale %d out of range: give --scale between 1 and 10000", c.Scale)
	}
	if c.EndDate.IsZero() {
		return fmt.Errorf("end date is not set: give --end-date YYYY-MM-DD")
	}
	if y := c.EndDate.Year(); y < 1990 || y > 2200 {
		return fmt.Errorf("end date %s out of range: give --end-date between 1990 and 2200", c.EndDate.Format(time.DateOnly))
	}
	return nil
}

// Sink receives the generated rows. Open is called before the first row of
// a table, Append for each row (vals is reused after the call returns), and
// Close after its last row; a table may be closed and opened again (the
// category parents are closed before their children). Tables are numbered like TableNames; the
// orders table is closed before order_items and reviews are opened, which
// are then filled together.
type Sink interface {
	Open(ctx context.Context, table int) error
	Append(table int, vals []any) error
	Close(ctx context.Context, table int) error
}

// Table indexes, as passed to a Sink (the order of TableNames).
const (
	tCategories = iota
	tCustomers
	tProducts
	tOrders
	tItems
	tReviews
)

// DefectCount is the number of rows carrying one kind of planted defect.
type DefectCount struct {
	Kind   string // e.g. customer_phone_format
	Table  string
	Column string
	Count  int64
	// Check is a SQL predicate over the table's columns that is true
	// exactly on the rows with this defect (DuckDB syntax).
	Check string
}

// Report is what a load produced: rows per table (in TableNames order)
// and planted defects by kind.
type Report struct {
	Config  Config
	Rows    []int64
	Defects []DefectCount
}

// TotalRows is the number of rows over all tables.
func (r Report) TotalRows() int64 {
	var n int64
	for _, x := range r.Rows {
		n += x
	}
	return n
}

// Defect kinds, in report order.
const (
	DefectEmail           = "customer_email_not_normalized"
	DefectDuplicate       = "customer_duplicate"
	DefectNameSpaces      = "customer_name_extra_spaces"
	DefectNameCase        = "customer_name_wrong_case"
	DefectPhoneFormat     = "customer_phone_format"
	DefectPhoneNull       = "customer_phone_null"
	DefectCityNull        = "customer_city_null"
	DefectBirthNull       = "customer_birth_date_null"
	DefectBirthFuture     = "customer_birth_date_future"
	DefectBirthPre1900    = "customer_birth_date_before_1900"
	DefectBrandCase       = "product_brand_case"
	DefectPaymentNull     = "order_payment_method_null"
	DefectRatingNull      = "review_rating_null"
	DefectCommentEmpty    = "review_comment_empty"
	canonicalPhonePattern = `^\+[0-9]{1,3}( [0-9]+)+$`
)

// defectChecks returns the defect kinds with their SQL predicates.
func defectChecks(end time.Time) []DefectCount {
	endDate := end.Format(time.DateOnly)
	brands := quotedList(Brands)
	return []DefectCount{
		{Kind: DefectEmail, Table: TableCustomers, Column: "email", Check: "email <> lower(trim(email))"},
		{Kind: DefectDuplicate, Table: TableCustomers, Column: "email",
			Check: "EXISTS (SELECT 1 FROM techstore.customers o WHERE lower(trim(o.email)) = lower(trim(customers.email)) AND o.registration_date < customers.registration_date)"},
		{Kind: DefectNameSpaces, Table: TableCustomers, Column: "name", Check: "(name <> trim(name) OR name LIKE '%  %')"},
		{Kind: DefectNameCase, Table: TableCustomers, Column: "name", Check: "(name = upper(name) OR name = lower(name))"},
		{Kind: DefectPhoneFormat, Table: TableCustomers, Column: "phone", Check: "NOT regexp_full_match(phone, '" + canonicalPhonePattern[1:len(canonicalPhonePattern)-1] + "')"},
		{Kind: DefectPhoneNull, Table: TableCustomers, Column: "phone", Check: "phone IS NULL"},
		{Kind: DefectCityNull, Table: TableCustomers, Column: "city", Check: "city IS NULL"},
		{Kind: DefectBirthNull, Table: TableCustomers, Column: "birth_date", Check: "birth_date IS NULL"},
		{Kind: DefectBirthFuture, Table: TableCustomers, Column: "birth_date", Check: "birth_date > DATE '" + endDate + "'"},
		{Kind: DefectBirthPre1900, Table: TableCustomers, Column: "birth_date", Check: "birth_date < DATE '1900-01-01'"},
		{Kind: DefectBrandCase, Table: TableProducts, Column: "brand", Check: "brand NOT IN (" + brands + ")"},
		{Kind: DefectPaymentNull, Table: TableOrders, Column: "payment_method", Check: "payment_method IS NULL"},
		{Kind: DefectRatingNull, Table: TableReviews, Column: "rating", Check: "rating IS NULL"},
		{Kind: DefectCommentEmpty, Table: TableReviews, Column: "comment", Check: "comment = ''"},
	}
}

// product is what orders and reviews need to know about a product.
type product struct {
	price, cost int64
	quality     float64 // mean rating
	noun        string
}

// generator holds the state shared between tables: what later tables
// need of earlier ones (registration times, addresses, prices), never the
// rows themselves.
type generator struct {
	cfg                    Config
	start, end             time.Time // first second of the window, last second of the end date
	regs                   []int64   // customer registration time (unix s), strictly increasing, index = id-1
	custCountry            []uint8
	custAddr               []string
	products               []product
	cdf                    []float64 // cumulative popularity of products
	monthStart, monthCount []int64   // 24 periods: start (unix s) and number of orders
	defects                map[string]int64
	phoneRe                *regexp.Regexp
	brandSet               map[string]bool
}

// Generate produces every row of the six tables into sink and returns the
// report. It checks ctx between rows and stops with ctx.Err() when done.
func Generate(ctx context.Context, cfg Config, sink Sink) (Report, error) {
	if err := cfg.Validate(); err != nil {
		return Report{}, err
	}
	g := &generator{
		cfg:      cfg,
		defects:  map[string]int64{},
		phoneRe:  regexp.MustCompile(canonicalPhonePattern),
		brandSet: map[string]bool{},
	}
	for _, b := range Brands {
		g.brandSet[b] = true
	}
	d := cfg.EndDate.UTC()
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	g.end = day.Add(24*time.Hour - time.Second)
	g.start = day.AddDate(0, -24, 1)
	rows := make([]int64, 6)
	steps := []struct {
		tables []int
		run    func(context.Context, Sink) (int64, int64, error)
	}{
		{[]int{tCategories}, g.categories},
		{[]int{tCustomers}, g.customers},
		{[]int{tProducts}, g.productsTable},
		{[]int{tOrders}, g.ordersPass},
		{[]int{tItems, tReviews}, g.itemsPass},
	}
	for _, s := range steps {
		for _, t := range s.tables {
			if err := sink.Open(ctx, t); err != nil {
				return Report{}, fmt.Errorf("open %s: %w", TableNames()[t], err)
			}
		}
		a, b, err := s.run(ctx, sink)
		if err != nil {
			return Report{}, err
		}
		rows[s.tables[0]] = a
		if len(s.tables) > 1 {
			rows[s.tables[1]] = b
		}
		for _, t := range s.tables {
			if err := sink.Close(ctx, t); err != nil {
				return Report{}, fmt.Errorf("close %s: %w", TableNames()[t], err)
			}
		}
	}
	rep := Report{Config: cfg, Rows: rows, Defects: defectChecks(g.end)}
	for i := range rep.Defects {
		rep.Defects[i].Count = g.defects[rep.Defects[i].Kind]
	}
	return rep, nil
}

func date(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (g *generator) categories(ctx context.Context, s Sink) (int64, int64, error) {
	vals := make([]any, 5)
	for i, c := range Categories {
		if i > 0 && c.ParentID != 0 && Categories[i-1].ParentID == 0 {
			// Children reference their parents: end the batch of parents first.
			if err := s.Close(ctx, tCategories); err != nil {
				return 0, 0, fmt.Errorf("close %s: %w", TableCategories, err)
			}
			if err := s.Open(ctx, tCategories); err != nil {
				return 0, 0, fmt.Errorf("open %s: %w", TableCategories, err)
			}
		}
		vals[0], vals[1], vals[2], vals[3], vals[4] = c.ID, c.Name, nil, c.Description, true
		if c.ParentID != 0 {
			vals[2] = c.ParentID
		}
		if err := s.Append(tCategories, vals); err != nil {
			return 0, 0, fmt.Errorf("append %s: %w", TableCategories, err)
		}
	}
	return int64(len(Categories)), 0, nil
}

// person is the identity of a customer; a duplicate registration
// recomputes the person it repeats.
type person struct {
	country      int
	first, last  string
	birth        time.Time
	phone        []string // national number in groups
	city, domain string
	street       string
	streetNumber int
	emailPattern int
	emailDigits  int
}

func (g *generator) person(i int) person {
	r := newRNG(g.cfg.Seed, streamPerson, uint64(i))
	w := make([]int, len(countries))
	for k, c := range countries {
		w[k] = c.weight
	}
	p := person{country: r.Weighted(w)}
	c := countries[p.country]
	ns := nameSets[c.lang]
	p.first = r.Pick(ns.first)
	p.last = r.Pick(ns.last)
	if ns.twoSurnames && r.Chance(0.35) {
		p.last += " " + r.Pick(ns.last)
	}
	age := r.Normal(38, 13, 18, 85)
	p.birth = date(g.end.AddDate(-int(age), 0, -r.IntN(365)))
	p.phone = c.national(r)
	p.city = r.Pick(c.cities)
	p.domain = r.Pick(c.domains)
	p.street = r.Pick(ns.streets)
	p.streetNumber = r.Between(1, 180)
	p.emailPattern = r.IntN(6)
	p.emailDigits = r.Between(1, 99)
	return p
}

var asciiFold = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ã", "a", "ä", "a", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"í", "i", "ì", "i", "î", "i", "ó", "o", "ò", "o", "ô", "o", "õ", "o", "ö", "o",
	"ú", "u", "ù", "u", "û", "u", "ü", "u", "ñ", "n", "ç", "c", "ß", "ss", "Á", "a", "É", "e", "Í", "i", "Ó", "o", "Ú", "u", "Ä", "a", "Ö", "o", "Ü", "u", "Å", "a",
	" ", "", "'", "",
)

func fold(s string) string { return strings.ToLower(asciiFold.Replace(s)) }

func (p person) email(attempt int) string {
	f, l := fold(p.first), fold(p.last)
	var local string
	switch p.emailPattern {
	case 0:
		local = f + "." + l
	case 1:
		local = f + l
	case 2:
		local = f[:1] + "." + l
	case 3:
		local = f + "_" + l
	case 4:
		local = f + "." + l + strconv.Itoa(p.emailDigits)
	default:
		local = l + "." + f + strconv.Itoa(p.emailDigits)
	}
	if attempt > 0 {
		local += strconv.Itoa(attempt*7 + p.emailDigits)
	}
	return local + "@" + p.domain
}

func (p person) canonicalPhone() string {
	return "+" + countries[p.country].dial + " " + strings.Join(p.phone, " ")
}

// badPhone writes the number in one of the non-canonical formats.
func (p person) badPhone(format int) string {
	n := strings.Join(p.phone, "")
	switch format {
	case 0: // 612-345-678
		var parts []string
		for len(n) > 3 {
			parts = append(parts, n[:3])
			n = n[3:]
		}
		return strings.Join(append(parts, n), "-")
	case 1: // (612) 345678
		return "(" + n[:3] + ") " + n[3:]
	case 2: // 612345678
		return n
	case 3: // 0034612345678
		return "00" + countries[p.country].dial + n
	default: // +34612345678
		return "+" + countries[p.country].dial + n
	}
}

// emailVariant spells an email with upper case and/or surrounding spaces.
func emailVariant(e string, v int) string {
	at := strings.IndexByte(e, '@')
	switch v % 6 {
	case 0:
		return strings.ToUpper(e)
	case 1:
		return strings.ToUpper(e[:1]) + e[1:]
	case 2:
		return " " + e
	case 3:
		return e + " "
	case 4:
		return strings.ToUpper(e[:at]) + e[at:]
	default:
		return "  " + strings.ToUpper(e[:1]) + e[1:] + " "
	}
}

// registrations returns the strictly increasing registration times of n
// customers over [from, to], denser towards the end (the shop grows).
func registrations(seed uint64, n int, from, to time.Time) []int64 {
	const growth = 1.5
	r := newRNG(seed, streamRegistration, 0)
	span := float64(to.Unix() - from.Unix())
	out := make([]int64, n)
	prev := from.Unix() - 1
	for i := range out {
		p := (float64(i) + r.Float64()) / float64(n)
		// Inverse of the CDF of a density rising linearly (x + g x²/2 scaled);
		// float64() forbids fused multiply-adds (same bits on every machine).
		x := (-1 + math.Sqrt(1+float64(2*growth*p*(1+growth/2)))) / growth
		t := from.Unix() + int64(x*span)
		if t <= prev {
			t = prev + 1
		}
		out[i], prev = t, t
	}
	return out
}

func (g *generator) customers(ctx context.Context, s Sink) (int64, int64, error) {
	n := customersPerScale * g.cfg.Scale
	g.regs = registrations(g.cfg.Seed, n, g.start.AddDate(-1, 0, 0), g.end)
	g.custCountry = make([]uint8, n)
	g.custAddr = make([]string, n)
	clean := make([]string, n)   // normalized email per customer
	personOf := make([]int32, n) // the person each customer row is
	seen := make(map[string]bool, n)
	raw := make(map[string]bool, n)
	vals := make([]any, 9)
	r := newRNG(0, 0, 0)
	for j := range n {
		if j%4096 == 0 && ctx.Err() != nil {
			return 0, 0, ctx.Err()
		}
		r.reset(g.cfg.Seed, streamCustomer, uint64(j))
		dup := j >= 20 && r.Chance(0.01)
		orig := j
		if dup {
			orig = r.IntN(j)
		}
		personOf[j] = personOf[orig] // a duplicate of a duplicate is the same person
		if !dup {
			personOf[j] = int32(j)
		}
		p := g.person(int(personOf[j]))
		var email string
		if dup {
			clean[j] = clean[orig]
			start := r.IntN(6)
			for v := range 6 {
				if e := emailVariant(clean[j], start+v); !raw[e] {
					email = e
					break
				}
			}
			if email == "" { // every spelling taken: register a new person instead
				dup = false
				personOf[j] = int32(j)
				p = g.person(j)
			}
		}
		if !dup {
			for attempt := 0; ; attempt++ {
				if e := p.email(attempt); !seen[e] {
					clean[j] = e
					break
				}
			}
			email = clean[j]
			if r.Chance(0.025) {
				email = emailVariant(email, r.IntN(6))
			}
		}
		if seen[clean[j]] {
			g.defects[DefectDuplicate]++
		}
		seen[clean[j]] = true
		raw[email] = true
		if email != strings.ToLower(strings.TrimSpace(email)) {
			g.defects[DefectEmail]++
		}

		name := p.first + " " + p.last
		switch x := r.Float64(); {
		case x < 0.015:
			switch r.IntN(4) {
			case 0:
				name = " " + name
			case 1:
				name += "  "
			case 2:
				name = strings.Replace(name, " ", "   ", 1)
			default:
				name = "  " + strings.Replace(name, " ", "  ", 1)
			}
			g.defects[DefectNameSpaces]++
		case x < 0.025:
			if r.Chance(0.5) {
				name = strings.ToUpper(name)
			} else {
				name = strings.ToLower(name)
			}
			g.defects[DefectNameCase]++
		}

		var phone any
		switch x := r.Float64(); {
		case x < 0.02:
			g.defects[DefectPhoneNull]++
		case x < 0.05:
			ph := p.badPhone(r.IntN(5))
			phone = ph
			if !g.phoneRe.MatchString(ph) {
				g.defects[DefectPhoneFormat]++
			}
		default:
			phone = p.canonicalPhone()
		}
		var city any = p.city
		if r.Chance(0.02) {
			city = nil
			g.defects[DefectCityNull]++
		}
		var birth any = p.birth
		switch x := r.Float64(); {
		case x < 0.02:
			birth = nil
			g.defects[DefectBirthNull]++
		case x < 0.025:
			birth = time.Date(g.end.Year()+r.Between(1, 60), time.Month(r.Between(1, 12)), r.Between(1, 28), 0, 0, 0, 0, time.UTC)
			g.defects[DefectBirthFuture]++
		case x < 0.03:
			birth = time.Date(r.Between(1850, 1899), time.Month(r.Between(1, 12)), r.Between(1, 28), 0, 0, 0, 0, time.UTC)
			g.defects[DefectBirthPre1900]++
		}
		g.custCountry[j] = uint8(p.country)
		g.custAddr[j] = fmt.Sprintf("%s %d, %s", p.street, p.streetNumber, p.city)
		vals[0], vals[1], vals[2] = int64(j+1), name, email
		vals[3] = time.Unix(g.regs[j], 0).UTC()
		vals[4], vals[5], vals[6], vals[7] = birth, phone, city, countries[p.country].name
		vals[8] = !r.Chance(0.05)
		if err := s.Append(tCustomers, vals); err != nil {
			return 0, 0, fmt.Errorf("append %s row %d: %w", TableCustomers, j+1, err)
		}
	}
	return int64(n), 0, nil
}

func parentName(id int64) (string, string) {
	for _, c := range Categories {
		if c.ID == id {
			for _, p := range Categories {
				if p.ID == c.ParentID {
					return p.Name, c.Name
				}
			}
		}
	}
	return "", ""
}

func (g *generator) productsTable(ctx context.Context, s Sink) (int64, int64, error) {
	n := productsPerScale * g.cfg.Scale
	g.products = make([]product, n)
	pop := make([]float64, n)
	w := make([]int, len(subcats))
	for k, sc := range subcats {
		w[k] = sc.weight
	}
	// Popularity is Zipf-like over a random ranking of the products.
	rank := make([]int, n)
	for i := range rank {
		rank[i] = i
	}
	pr := newRNG(g.cfg.Seed, streamProduct, math.MaxUint32)
	pr.Shuffle(n, func(a, b int) { rank[a], rank[b] = rank[b], rank[a] })
	vals := make([]any, 15)
	r := newRNG(0, 0, 0)
	for i := range n {
		if i%4096 == 0 && ctx.Err() != nil {
			return 0, 0, ctx.Err()
		}
		r.reset(g.cfg.Seed, streamProduct, uint64(i))
		si := i
		if i >= len(subcats) {
			si = r.Weighted(w)
		}
		sc := subcats[si]
		m := sc.models[r.IntN(len(sc.models))]
		name := m.brand + " " + m.name
		price := m.price
		for _, vs := range sc.variantSets {
			v := vs[r.IntN(len(vs))]
			if v.label != "" {
				name += " " + v.label
			}
			price += v.add
		}
		margin := r.Between64(sc.marginLo, sc.marginHi)
		cost := (price*(10000-margin) + 5000) / 10000
		cat, sub := parentName(sc.id)
		brand := m.brand
		if r.Chance(0.03) {
			if b := strings.ToLower(brand); r.Chance(0.5) && b != brand {
				brand = b
			} else if b := strings.ToUpper(brand); b != brand {
				brand = b
			} else {
				brand = strings.ToLower(brand)
			}
		}
		if !g.brandSet[brand] {
			g.defects[DefectBrandCase]++
		}
		stock := int64(r.Between(12, 450))
		if r.Chance(0.08) {
			stock = int64(r.Between(0, 5)) // critical
		}
		grams := r.Between(sc.gramsLo, sc.gramsHi)
		dims := fmt.Sprintf("%d x %d x %d mm", r.Between(sc.dims[0][0], sc.dims[0][1]), r.Between(sc.dims[1][0], sc.dims[1][1]), r.Between(sc.dims[2][0], sc.dims[2][1]))
		launch := date(g.start.AddDate(0, 0, -r.Between(30, 3*365)))
		active := true
		// Cheaper products sell more units.
		popularity := sc.popularityUp / float64(rank[i]+1) * 30000 / float64(price+30000)
		switch x := r.Float64(); {
		case x < 0.025: // just launched: not sold yet
			launch = date(g.end.AddDate(0, 0, -r.Between(0, 20)))
			popularity = 0
		case x < 0.045: // discontinued before the window: never sold
			active = false
			popularity = 0
		}
		created := launch.Add(-time.Duration(r.Between(1, 30*24)) * time.Hour)
		g.products[i] = product{price: price, cost: cost, quality: r.Normal(4.0, 0.45, 2.6, 4.8), noun: sc.noun}
		pop[i] = popularity
		vals[0], vals[1], vals[2], vals[3], vals[4] = int64(i+1), name, m.brand+" "+m.name+": "+sc.tagline+".", cat, sub
		vals[5], vals[6], vals[7], vals[8], vals[9] = brand, m.name, price, cost, stock
		vals[10], vals[11], vals[12], vals[13], vals[14] = int64((grams+5)/10), dims, launch, active, created
		if err := s.Append(tProducts, vals); err != nil {
			return 0, 0, fmt.Errorf("append %s row %d: %w", TableProducts, i+1, err)
		}
	}
	g.cdf = make([]float64, n)
	sum := 0.0
	for i, p := range pop {
		sum += p
		g.cdf[i] = sum
	}
	g.allocateMonths()
	return int64(n), 0, nil
}

// allocateMonths spreads the orders over the calendar months of the
// window (24 of them when the end date is a month's last day; the first
// and last are partial otherwise): growing by 45% over the window, with
// November and December well above the rest (largest-remainder rounding,
// so the total is exact).
func (g *generator) allocateMonths() {
	season := [13]float64{0, 0.85, 0.8, 0.95, 0.95, 1.0, 0.95, 0.9, 0.85, 1.0, 1.05, 1.65, 1.85}
	total := int64(ordersPerScale * g.cfg.Scale)
	stop := g.end.Add(time.Second)
	g.monthStart = []int64{g.start.Unix()}
	var weights []float64
	sum := 0.0
	span := stop.Sub(g.start).Hours()
	for from := g.start; from.Before(stop); {
		to := time.Date(from.Year(), from.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		if to.After(stop) {
			to = stop
		}
		mid := float64(from.Sub(g.start).Hours()+to.Sub(g.start).Hours()) / 2
		days := to.Sub(from).Hours() / 24
		w := (1 + float64(0.45*mid)/span) * season[from.Month()] * days / 30
		weights = append(weights, w)
		g.monthStart = append(g.monthStart, to.Unix())
		sum += w
		from = to
	}
	periods := len(weights)
	g.monthCount = make([]int64, periods)
	type rem struct {
		m int
		r float64
	}
	rems := make([]rem, periods)
	var given int64
	for m, w := range weights {
		exact := float64(total) * w / sum
		g.monthCount[m] = int64(exact)
		given += g.monthCount[m]
		rems[m] = rem{m, exact - float64(g.monthCount[m])}
	}
	slices.SortStableFunc(rems, func(a, b rem) int {
		switch {
		case a.r > b.r:
			return -1
		case a.r < b.r:
			return 1
		}
		return a.m - b.m
	})
	for i := 0; given < total; i++ {
		g.monthCount[rems[i].m]++
		given++
	}
}

// order is one generated order with its lines.
type order struct {
	id, customer                  int64
	at                            time.Time
	status, payStatus, payMethod  string
	subtotal, tax, ship, discount int64
	est, actual                   time.Time
	hasActual                     bool
	note                          string
	items                         []line
}

type line struct {
	product    int
	qty        int64
	discountBP int64
	lineTotal  int64
}

var (
	itemCountWeights = []int{22, 32, 24, 14, 8}
	qtyWeights       = []int{82, 13, 3, 1, 1}
	payWeights       = []int{38, 20, 22, 6, 8, 6}
)

// orderAt generates order k (0-based) at time t, drawing from r (reset to
// the order's stream). It draws the same numbers on every call.
func (g *generator) orderAt(r *rng, k int64, t time.Time, o *order) {
	o.id = k + 1
	o.at = t
	n := sort.Search(len(g.regs), func(i int) bool { return g.regs[i] > t.Unix() })
	if r.Chance(0.3) {
		u := r.Float64()
		o.customer = int64(float64(n)*float64(u*u)*u) + 1
	} else {
		o.customer = int64(r.IntN(n)) + 1
	}
	o.items = o.items[:0]
	count := r.Weighted(itemCountWeights) + 1
	blackFriday := t.Month() == time.November && t.Day() >= 20 || t.Month() == time.December && t.Day() <= 2
	for tries := 0; len(o.items) < count && tries < 4*count; tries++ {
		p := g.pickProduct(r)
		if slices.ContainsFunc(o.items, func(l line) bool { return l.product == p }) {
			continue
		}
		l := line{product: p, qty: int64(r.Weighted(qtyWeights) + 1)}
		switch x := r.Float64(); {
		case blackFriday && x < 0.45:
			l.discountBP = int64(r.Between(2, 5)) * 500
		case x < 0.12:
			l.discountBP = int64(r.Between(1, 3)) * 500
		}
		price := g.products[p].price
		num := l.qty * price * (10000 - l.discountBP)
		if num%10000 == 5000 { // an exact half cent: sell it without discount
			l.discountBP = 0
			num = l.qty * price * 10000
		}
		l.lineTotal = (num + 5000) / 10000
		o.items = append(o.items, l)
	}
	o.subtotal = 0
	for _, l := range o.items {
		o.subtotal += l.lineTotal
	}
	c := countries[g.custCountry[o.customer-1]]
	o.tax = (o.subtotal*c.vatBP + 5000) / 10000
	express := r.Chance(0.08)
	switch {
	case express:
		o.ship = 999
	case o.subtotal >= 5000:
		o.ship = 0
	default:
		o.ship = 499
	}
	o.discount = 0
	if r.Chance(0.06) {
		switch {
		case o.subtotal >= 20000:
			o.discount = 1000
		case o.subtotal >= 5000:
			o.discount = 500
		default:
			o.discount = (o.subtotal + 5) / 10
		}
	}
	o.payMethod = PaymentMethods[r.Weighted(payWeights)]
	if r.Chance(0.02) {
		o.payMethod = ""
	}
	age := g.end.Sub(t).Hours() / 24
	x := r.Float64()
	switch {
	case age < 2:
		o.status = pick3(x, 0.7, 0.9, "pending", "confirmed", "cancelled")
	case age < 4:
		o.status = pick3(x, 0.4, 0.9, "confirmed", "shipped", "cancelled")
	case age < 10:
		o.status = pick3(x, 0.4, 0.95, "shipped", "delivered", "cancelled")
	default:
		o.status = pick3(x, 0.95, 1, "delivered", "cancelled", "")
	}
	switch o.status {
	case "pending":
		o.payStatus = "pending"
	case "cancelled":
		o.payStatus = pick3(r.Float64(), 0.55, 0.85, "refunded", "failed", "pending")
	default:
		o.payStatus = "completed"
	}
	day := date(t)
	o.est = day.AddDate(0, 0, r.Between(2, 5))
	o.hasActual = o.status == "delivered"
	o.actual = day.AddDate(0, 0, r.Between(1, 7))
	if last := date(g.end); o.actual.After(last) {
		o.actual = last
	}
	o.note = ""
	if r.Chance(0.06) {
		o.note = r.Pick(orderNotes)
	}
}

func pick3(x, a, b float64, p, q, s string) string {
	switch {
	case x < a:
		return p
	case x < b:
		return q
	}
	return s
}

func (g *generator) pickProduct(r *rng) int {
	// The first product whose cumulative popularity exceeds x has a
	// positive popularity: never-sold products (popularity 0) are skipped.
	x := r.Float64() * g.cdf[len(g.cdf)-1]
	return sort.Search(len(g.cdf), func(i int) bool { return g.cdf[i] > x })
}

// eachOrder generates the orders in time order and calls fn with each.
func (g *generator) eachOrder(ctx context.Context, fn func(r *rng, o *order) error) error {
	r := newRNG(0, 0, 0)
	o := &order{}
	var k int64
	for m, cnt := range g.monthCount {
		from, dur := g.monthStart[m], g.monthStart[m+1]-g.monthStart[m]
		for i := range cnt {
			if k%2048 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			r.reset(g.cfg.Seed, streamOrder, uint64(k))
			t := from + int64((float64(i)+r.Float64())*float64(dur)/float64(cnt))
			g.orderAt(r, k, time.Unix(t, 0).UTC(), o)
			if err := fn(r, o); err != nil {
				return err
			}
			k++
		}
	}
	return nil
}

func (g *generator) ordersPass(ctx context.Context, s Sink) (int64, int64, error) {
	vals := make([]any, 15)
	var n int64
	err := g.eachOrder(ctx, func(_ *rng, o *order) error {
		vals[0], vals[1], vals[2], vals[3] = o.id, o.customer, o.at, o.status
		vals[4] = nil
		if o.payMethod != "" {
			vals[4] = o.payMethod
		} else {
			g.defects[DefectPaymentNull]++
		}
		vals[5], vals[6], vals[7], vals[8] = o.payStatus, o.subtotal, o.tax, o.ship
		vals[9], vals[10] = o.discount, o.subtotal+o.tax+o.ship-o.discount
		vals[11], vals[12], vals[13], vals[14] = g.custAddr[o.customer-1], o.est, nil, nil
		if o.hasActual {
			vals[13] = o.actual
		}
		if o.note != "" {
			vals[14] = o.note
		}
		n++
		if err := s.Append(tOrders, vals); err != nil {
			return fmt.Errorf("append %s row %d: %w", TableOrders, o.id, err)
		}
		return nil
	})
	return n, 0, err
}

func (g *generator) itemsPass(ctx context.Context, s Sink) (int64, int64, error) {
	items := make([]any, 9)
	rev := make([]any, 11)
	var nItems, nReviews int64
	review := func(r *rng, productIdx int, customer int64, orderID any, at time.Time, verified bool) error {
		p := g.products[productIdx]
		stars := int(math.Round(r.Normal(p.quality, 1.0, 1, 5)))
		title := r.Pick(reviewTitles[stars-1])
		comment := strings.ReplaceAll(r.Pick(reviewComments[stars-1]), "%s", p.noun)
		total := int64(r.IntN(1 + r.IntN(1+r.IntN(60))))
		helpful := int64(float64(total) * (0.3 + float64(0.65*r.Float64())))
		var rating any = int64(stars)
		if r.Chance(0.02) {
			rating = nil
		}
		if r.Chance(0.025) {
			comment = ""
		}
		if at.After(g.end) {
			return nil // would be written after the end date: not yet written
		}
		// Count the defects of the rows actually written.
		if rating == nil {
			g.defects[DefectRatingNull]++
		}
		if comment == "" {
			g.defects[DefectCommentEmpty]++
		}
		nReviews++
		rev[0], rev[1], rev[2], rev[3], rev[4] = nReviews, int64(productIdx+1), customer, orderID, rating
		rev[5], rev[6], rev[7], rev[8], rev[9], rev[10] = title, comment, at, verified, helpful, total
		if err := s.Append(tReviews, rev); err != nil {
			return fmt.Errorf("append %s row %d: %w", TableReviews, nReviews, err)
		}
		return nil
	}
	err := g.eachOrder(ctx, func(r *rng, o *order) error {
		for _, l := range o.items {
			nItems++
			p := g.products[l.product]
			items[0], items[1], items[2], items[3] = nItems, o.id, int64(l.product+1), l.qty
			items[4], items[5], items[6], items[7], items[8] = p.price, p.cost, l.lineTotal, l.discountBP, o.at
			if err := s.Append(tItems, items); err != nil {
				return fmt.Errorf("append %s row %d: %w", TableItems, nItems, err)
			}
		}
		for _, l := range o.items {
			if o.status != "delivered" || !r.Chance(0.21) {
				continue
			}
			at := o.actual.Add(time.Duration(r.Between(1, 30*24*3600)) * time.Second)
			if err := review(r, l.product, o.customer, o.id, at, true); err != nil {
				return err
			}
		}
		if r.Chance(0.06) {
			n := sort.Search(len(g.regs), func(i int) bool { return g.regs[i] > o.at.Unix() })
			cust := int64(r.IntN(n)) + 1
			at := o.at.Add(time.Duration(r.Between(0, 10*24*3600)) * time.Second)
			if err := review(r, g.pickProduct(r), cust, nil, at, false); err != nil {
				return err
			}
		}
		return nil
	})
	return nItems, nReviews, err
}
