package ingest

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// Write prints the report: the load's parameters, rows per table and
// planted defects by kind, as aligned tables.
func (r Report) Write(w io.Writer, where string, elapsed time.Duration) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	total := r.TotalRows()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(total) / elapsed.Seconds()
	}
	fmt.Fprintf(w, "Loaded TechStore data (scale %d, seed %d, end date %s) into %s in %.2fs (%.0f rows/s)\n\n",
		r.Config.Scale, r.Config.Seed, r.Config.EndDate.Format(time.DateOnly), where, elapsed.Seconds(), rate)
	fmt.Fprintf(tw, "TABLE\t%10s\n", "ROWS")
	for i, t := range TableNames() {
		if i < len(r.Rows) {
			fmt.Fprintf(tw, "%s.%s\t%10d\n", Schema, t, r.Rows[i])
		}
	}
	fmt.Fprintf(tw, "total\t%10d\n", total)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "PLANTED DEFECT\tTABLE.COLUMN\t%8s\n", "ROWS")
	var defects int64
	for _, d := range r.Defects {
		fmt.Fprintf(tw, "%s\t%s.%s\t%8d\n", d.Kind, d.Table, d.Column, d.Count)
		defects += d.Count
	}
	fmt.Fprintf(tw, "total\t\t%8d\n", defects)
	return tw.Flush()
}
