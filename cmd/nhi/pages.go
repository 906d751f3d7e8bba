package main

import "github.com/nhiscope/nhi/store"

// eachItem pages through a list: list fetches the page after a cursor with at most lim
// items, fn receives every item. It stops after limit items (0 for all) and reports how
// many it passed on and whether more remained.
func eachItem[T any](limit int, list func(lim int, after string) (store.Page[T], error), fn func(T) error) (n int, more bool, err error) {
	after := ""
	for {
		lim := store.MaxLimit
		if limit > 0 {
			lim = min(store.MaxLimit, limit-n)
		}
		page, err := list(lim, after)
		if err != nil {
			return n, false, err
		}
		for _, it := range page.Items {
			if err := fn(it); err != nil {
				return n, false, err
			}
			n++
		}
		if page.Next == "" || (limit > 0 && n >= limit) {
			return n, page.Next != "", nil
		}
		after = page.Next
	}
}

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
