package store_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/nhiscope/nhi/store"
)

// pager serves 0..total-1 in pages of at most size items.
func pager(total, size int) func(lim int, after string) (store.Page[int], error) {
	return func(lim int, after string) (store.Page[int], error) {
		start := 0
		if after != "" {
			fmt.Sscan(after, &start)
		}
		end := min(total, start+min(lim, size))
		p := store.Page[int]{}
		for i := start; i < end; i++ {
			p.Items = append(p.Items, i)
		}
		if end < total {
			p.Next = fmt.Sprint(end)
		}
		return p, nil
	}
}

func TestWalk(t *testing.T) {
	t.Parallel()
	tests := []struct {
		total, size, limit, want int
		more                     bool
	}{
		{25, 7, 0, 25, false},
		{25, 7, 10, 10, true},
		{25, 7, 25, 25, false},
		{0, 7, 0, 0, false},
		{5, 100, 3, 3, true},
	}
	for _, tt := range tests {
		var got []int
		n, more, err := store.Walk(tt.limit, pager(tt.total, tt.size), func(i int) error { got = append(got, i); return nil })
		if err != nil || n != tt.want || more != tt.more || len(got) != tt.want {
			t.Errorf("%+v: n %d more %v err %v items %d", tt, n, more, err, len(got))
		}
		for i, v := range got {
			if v != i {
				t.Fatalf("%+v: item %d is %d", tt, i, v)
			}
		}
	}
	boom := errors.New("boom")
	if _, _, err := store.Walk(0, pager(5, 2), func(int) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("err = %v, want the callback's", err)
	}
}
