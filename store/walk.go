package store

// Walk pages through a list: list fetches at most lim items after a cursor ("" for the
// first page) and fn receives every item, in order. Walk stops after limit items (0 for
// all) and reports how many items it passed on and whether more remained.
func Walk[T any](limit int, list func(lim int, after string) (Page[T], error), fn func(T) error) (n int, more bool, err error) {
	after := ""
	for {
		lim := MaxLimit
		if limit > 0 {
			lim = min(MaxLimit, limit-n)
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
