package medallion

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// TestCustomerCleaning runs silver_customer_registrations on the real
// engine over hand-written registrations, one per case, and checks the
// cleaned phone (E.164 with the country's calling code), name, email and
// birth date. The as-of date is 2026-01-31; every registration is dated
// 2024-06-01.
func TestCustomerCleaning(t *testing.T) {
	cases := []struct {
		name                  string
		country, phone        string // "" phone means NULL
		rawName, email, birth string // "" birth means NULL
		wantPhone             string // "NULL" for none
		wantName, wantEmail   string
		wantValid             bool
		wantBirth, wantAge    string
	}{
		{"spain international with spaces", "Spain", "+34 612 345 678", "Ana García", "ana@example.com", "1990-05-20", "+34612345678", "Ana García", "ana@example.com", true, "1990-05-20", "35"},
		{"spain dashes", "Spain", "612-345-678", "Ana García", "a1@example.com", "", "+34612345678", "Ana García", "a1@example.com", true, "NULL", "NULL"},
		{"spain parenthesised", "Spain", "(612) 345678", "Ana García", "a2@example.com", "", "+34612345678", "Ana García", "a2@example.com", true, "NULL", "NULL"},
		{"spain bare national", "Spain", "612345678", "Ana García", "a3@example.com", "", "+34612345678", "Ana García", "a3@example.com", true, "NULL", "NULL"},
		{"spain 00 prefix", "Spain", "0034612345678", "Ana García", "a4@example.com", "", "+34612345678", "Ana García", "a4@example.com", true, "NULL", "NULL"},
		{"spain plus no spaces", "Spain", "+34612345678", "Ana García", "a5@example.com", "", "+34612345678", "Ana García", "a5@example.com", true, "NULL", "NULL"},
		{"spain code without plus", "Spain", "34612345678", "Ana García", "a6@example.com", "", "+34612345678", "Ana García", "a6@example.com", true, "NULL", "NULL"},
		{"us parenthesised", "United States", "(415) 555-0134", "John Smith", "j1@example.com", "", "+14155550134", "John Smith", "j1@example.com", true, "NULL", "NULL"},
		{"us trunk 1", "United States", "1-415-555-0134", "John Smith", "j2@example.com", "", "+14155550134", "John Smith", "j2@example.com", true, "NULL", "NULL"},
		{"us area code starting 1 kept", "United States", "123 456 7890", "John Smith", "j3@example.com", "", "+11234567890", "John Smith", "j3@example.com", true, "NULL", "NULL"},
		{"uk trunk 0", "United Kingdom", "07911 123456", "Jane Doe", "u1@example.com", "", "+447911123456", "Jane Doe", "u1@example.com", true, "NULL", "NULL"},
		{"uk national", "United Kingdom", "7911123456", "Jane Doe", "u2@example.com", "", "+447911123456", "Jane Doe", "u2@example.com", true, "NULL", "NULL"},
		{"germany trunk 0", "Germany", "0151 23456789", "Max Weber", "d1@example.com", "", "+4915123456789", "Max Weber", "d1@example.com", true, "NULL", "NULL"},
		{"france spaced pairs", "France", "06 12 34 56 78", "Marie Curie", "f1@example.com", "", "+33612345678", "Marie Curie", "f1@example.com", true, "NULL", "NULL"},
		{"brazil 11 digits", "Brazil", "(11) 91234-5678", "João Silva", "b1@example.com", "", "+5511912345678", "João Silva", "b1@example.com", true, "NULL", "NULL"},
		{"brazil area code starting 0 kept", "Brazil", "01912345678", "João Silva", "b2@example.com", "", "+5501912345678", "João Silva", "b2@example.com", true, "NULL", "NULL"},
		{"portugal three-digit code", "Portugal", "912 345 678", "Rui Costa", "p1@example.com", "", "+351912345678", "Rui Costa", "p1@example.com", true, "NULL", "NULL"},
		{"too short", "Spain", "12", "Ana García", "s1@example.com", "", "NULL", "Ana García", "s1@example.com", true, "NULL", "NULL"},
		{"no digits", "Spain", "call me", "Ana García", "s2@example.com", "", "NULL", "Ana García", "s2@example.com", true, "NULL", "NULL"},
		{"plus too short", "Spain", "+1 23", "Ana García", "s3@example.com", "", "NULL", "Ana García", "s3@example.com", true, "NULL", "NULL"},
		{"missing phone", "Spain", "", "Ana García", "s4@example.com", "", "NULL", "Ana García", "s4@example.com", true, "NULL", "NULL"},
		{"name spaces and lower case", "Spain", "", "  ana   garcía ", "n1@example.com", "", "NULL", "Ana García", "n1@example.com", true, "NULL", "NULL"},
		{"name upper case with accents", "Spain", "", "MARÍA JOSÉ", "n2@example.com", "", "NULL", "María José", "n2@example.com", true, "NULL", "NULL"},
		{"name particles kept", "Netherlands", "", "Daan van den Berg", "n3@example.com", "", "NULL", "Daan van den Berg", "n3@example.com", true, "NULL", "NULL"},
		{"name all lower particles", "Netherlands", "", "daan van den berg", "n4@example.com", "", "NULL", "Daan Van Den Berg", "n4@example.com", true, "NULL", "NULL"},
		{"email upper case and spaces", "Spain", "", "Ana García", "  Ana.Garcia@Example.COM ", "", "NULL", "Ana García", "ana.garcia@example.com", true, "NULL", "NULL"},
		{"email without domain", "Spain", "", "Ana García", "not-an-email", "", "NULL", "Ana García", "not-an-email", false, "NULL", "NULL"},
		{"email without tld", "Spain", "", "Ana García", "a@b", "", "NULL", "Ana García", "a@b", false, "NULL", "NULL"},
		{"email two-level domain", "Spain", "", "Ana García", "x.y+z@mail.co.uk", "", "NULL", "Ana García", "x.y+z@mail.co.uk", true, "NULL", "NULL"},
		// 2026-01-31 - 2000-02-01: the birthday has not come yet in 2026 -> 25
		{"age before birthday", "Spain", "", "Ana García", "g1@example.com", "2000-02-01", "NULL", "Ana García", "g1@example.com", true, "2000-02-01", "25"},
		{"age on birthday", "Spain", "", "Ana García", "g2@example.com", "2000-01-31", "NULL", "Ana García", "g2@example.com", true, "2000-01-31", "26"},
		{"birth in the future", "Spain", "", "Ana García", "g3@example.com", "2030-01-01", "NULL", "Ana García", "g3@example.com", true, "NULL", "NULL"},
		{"birth before 1900", "Spain", "", "Ana García", "g4@example.com", "1870-01-01", "NULL", "Ana García", "g4@example.com", true, "NULL", "NULL"},
		{"birth after registering", "Spain", "", "Ana García", "g5@example.com", "2025-01-01", "NULL", "Ana García", "g5@example.com", true, "NULL", "NULL"},
	}

	ctx := context.Background()
	s := openSession(ctx, t, newProject(t), "testdata/raw.sql")
	var values []string
	for i, c := range cases {
		values = append(values, fmt.Sprintf("(%d, %s, %s, timestamp '2024-06-01 12:00:00', %s, %s, 'Madrid', %s, true)",
			100+i, lit(c.rawName), lit(c.email), dateLit(c.birth), phoneLit(c.phone), lit(c.country)))
	}
	if _, err := s.db.Exec(ctx, "delete from techstore.customers; insert into techstore.customers values "+strings.Join(values, ",\n")); err != nil {
		t.Fatal(err)
	}
	s.compile(ctx, t, goldenVars())
	keep := map[string]bool{"countries": true, "bronze_customers": true, "bronze_orders": true, "silver_customer_registrations": true}
	sum := s.build(ctx, t, func(n *project.Node) bool { return n.ResourceType != project.Test && keep[n.Name] })
	if !sum.OK() {
		t.Fatalf("build: %s", strings.Join(failures(sum), "\n"))
	}
	_, rows := s.query(ctx, t, `select customer_id, coalesce(phone, 'NULL'), name, email, is_valid_email,
		coalesce(cast(birth_date as varchar), 'NULL'), coalesce(cast(age as varchar), 'NULL')
		from silver.silver_customer_registrations order by customer_id`)
	if len(rows) != len(cases) {
		t.Fatalf("%d rows, want %d", len(rows), len(cases))
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := rows[i]
			want := []string{fmt.Sprint(100 + i), c.wantPhone, c.wantName, c.wantEmail, fmt.Sprint(c.wantValid), c.wantBirth, c.wantAge}
			if strings.Join(got, " | ") != strings.Join(want, " | ") {
				t.Errorf("\n got %s\nwant %s", strings.Join(got, " | "), strings.Join(want, " | "))
			}
		})
	}
}

func lit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func phoneLit(s string) string {
	if s == "" {
		return "null"
	}
	return lit(s)
}

func dateLit(s string) string {
	if s == "" {
		return "null"
	}
	return "date " + lit(s)
}
