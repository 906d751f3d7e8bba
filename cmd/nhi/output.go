package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// The output formats of list commands.
const (
	formatTable = "table"
	formatJSON  = "json"
	formatCSV   = "csv"
)

func checkFormat(f string) error {
	switch f {
	case formatTable, formatJSON, formatCSV:
		return nil
	}
	return nhi.Errorf(nhi.CodeInvalid, "--output %q: want table, json or csv", f)
}

// rowWriter writes rows of cells as an aligned table or as CSV.
type rowWriter interface {
	row(cells ...string) error
	flush() error
}

type tableWriter struct {
	tw     *tabwriter.Writer
	indent string
}

func newTable(w io.Writer) *tableWriter {
	return &tableWriter{tw: tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)}
}

// newIndentedTable is a table whose rows start with two spaces.
func newIndentedTable(w io.Writer) *tableWriter {
	t := newTable(w)
	t.indent = "  "
	return t
}

// row writes cells made safe for a terminal: tenant-supplied text can hold escapes.
func (t *tableWriter) row(cells ...string) error {
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(nhi.CleanText(c), "\t", " ")
	}
	_, err := fmt.Fprintln(t.tw, t.indent+strings.Join(cells, "\t"))
	return err
}

func (t *tableWriter) flush() error { return t.tw.Flush() }

type csvWriter struct{ w *csv.Writer }

func newCSV(w io.Writer) *csvWriter { return &csvWriter{w: csv.NewWriter(w)} }

// row writes cells with spreadsheet formula injection defused: a cell a spreadsheet would
// evaluate (=, +, -, @, tab, CR at the start) is prefixed with a single quote.
func (c *csvWriter) row(cells ...string) error {
	for i, s := range cells {
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			cells[i] = "'" + s
		}
	}
	return c.w.Write(cells)
}

func (c *csvWriter) flush() error { c.w.Flush(); return c.w.Error() }

// jsonArray streams values as one JSON array.
type jsonArray struct {
	w   io.Writer
	enc *json.Encoder
	n   int
}

func newJSONArray(w io.Writer) *jsonArray {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return &jsonArray{w: w, enc: enc}
}

func (j *jsonArray) add(v any) error {
	sep := ",\n"
	if j.n == 0 {
		sep = "[\n"
	}
	j.n++
	if _, err := io.WriteString(j.w, sep); err != nil {
		return err
	}
	return j.enc.Encode(v)
}

func (j *jsonArray) close() error {
	if j.n == 0 {
		_, err := io.WriteString(j.w, "[]\n")
		return err
	}
	_, err := io.WriteString(j.w, "]\n")
	return err
}

// when formats a time for a table: a date, or "never"/"-" for zero.
func when(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	return t.UTC().Format("2006-01-02")
}

// stamp formats a time for CSV and detail views: RFC 3339, or empty for zero.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// ago says how long before now t was, in days, for a table.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := int(now.Sub(t).Hours() / 24)
	switch {
	case d <= 0:
		return "today"
	case d == 1:
		return "1 day ago"
	}
	return fmt.Sprintf("%d days ago", d)
}

// parseBefore reads a time for --last-used-before: a date (2026-01-31), an RFC 3339 time,
// or an age such as 90d, 12h or 2160h meaning that long before now.
func parseBefore(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err == nil && days >= 0 && fmt.Sprint(days) == n {
			return now.Add(-time.Duration(days) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, nhi.Errorf(nhi.CodeInvalid, "%q: want a date (2026-01-31), an RFC 3339 time, or an age (90d, 36h)", s)
}

// listOutput writes the items of a list as a table, CSV or one JSON array. Header and row
// give the columns of the table (csv false) or of the CSV (csv true).
type listOutput[T any] struct {
	format string
	rows   rowWriter
	arr    *jsonArray
	n      int
	header func(csv bool) []string
	row    func(item T, csv bool) ([]string, error)
	// none is the table's line when nothing matched.
	none string
}

func newListOutput[T any](a *app, format, none string, header func(bool) []string, row func(T, bool) ([]string, error)) *listOutput[T] {
	o := &listOutput[T]{format: format, none: none, header: header, row: row}
	switch format {
	case formatJSON:
		o.arr = newJSONArray(a.stdout)
	case formatCSV:
		o.rows = newCSV(a.stdout)
	default:
		o.rows = newTable(a.stdout)
	}
	return o
}

func (o *listOutput[T]) write(item T) error {
	if o.arr != nil {
		return o.arr.add(item)
	}
	csv := o.format == formatCSV
	if o.n == 0 {
		if err := o.rows.row(o.header(csv)...); err != nil {
			return err
		}
	}
	o.n++
	cells, err := o.row(item, csv)
	if err != nil {
		return err
	}
	return o.rows.row(cells...)
}

func (o *listOutput[T]) close() error {
	switch {
	case o.arr != nil:
		return o.arr.close()
	case o.n == 0 && o.format == formatTable:
		return o.rows.row(o.none)
	case o.n == 0:
		if err := o.rows.row(o.header(true)...); err != nil {
			return err
		}
	}
	return o.rows.flush()
}

// printList pages through a list into out, at most limit items (0 for all), and says on
// standard error when a table left items out.
func printList[T any](a *app, out *listOutput[T], limit int, list func(lim int, after string) (store.Page[T], error)) error {
	n, more, err := store.Walk(limit, list, out.write)
	if err != nil {
		return err
	}
	if err := out.close(); err != nil {
		return err
	}
	if more && out.format == formatTable {
		fmt.Fprintf(a.stderr, "showing the first %d; use --limit 0 for all, or narrow the filters\n", n)
	}
	return nil
}
