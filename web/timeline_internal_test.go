package web

import (
	"testing"
)

// seqs is a sequence of numbers read like the audit trail: entries after a number.
func seqs(ns []int64, reads *int) seqList[int64] {
	return func(after int64, limit int) ([]int64, error) {
		*reads++
		var out []int64
		for _, n := range ns {
			if n > after && len(out) < limit {
				out = append(out, n)
			}
		}
		return out, nil
	}
}

func span(from, to, step int64) []int64 {
	var out []int64
	for n := from; n <= to; n += step {
		out = append(out, n)
	}
	return out
}

func TestWindowReadsOnlyTheNewest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		ns       []int64
		from     int64
		complete bool
	}{
		{"empty", nil, 0, true},
		{"one", []int64{1}, 0, true},
		{"one late", []int64{7}, 0, true},
		{"small", span(1, 500, 1), 0, true},
		{"exactly the window", span(1, timelineWindow, 1), 0, true},
		{"longer", span(1, 3*timelineWindow+7, 1), 2*timelineWindow + 7, false},
		{"gaps", span(5, 2*timelineWindow+5, 2), timelineWindow + 5, false},
		{"gaps within the window", span(10_000, 30_000, 3), 29_998 - timelineWindow, true}, // the last is 29998
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reads := 0
			from, complete, err := window(seqs(tt.ns, &reads), func(n int64) int64 { return n })
			if err != nil || from != tt.from || complete != tt.complete {
				t.Errorf("window = %d, %v, %v; want %d, %v", from, complete, err, tt.from, tt.complete)
			}
			if reads > 80 {
				t.Errorf("%d reads to find the newest entry", reads)
			}
			var got []int64
			if err := readAfter(from, seqs(tt.ns, &reads), func(n int64) int64 { return n }, func(n int64) { got = append(got, n) }); err != nil {
				t.Fatal(err)
			}
			if len(got) > timelineWindow || (len(tt.ns) > 0 && got[len(got)-1] != tt.ns[len(tt.ns)-1]) {
				t.Errorf("read %d entries ending %v", len(got), got[max(0, len(got)-1):])
			}
		})
	}
}
