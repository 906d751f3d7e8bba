package main

// rowLimit is the default number of rows: 100 on a table, everything otherwise; a
// non-negative flag value wins.
func rowLimit(flag int, format string) int {
	switch {
	case flag >= 0:
		return flag
	case format == formatTable:
		return 100
	}
	return 0
}
