package googleworkspace

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeEvent is one event of fakeLog: user u<i> used client c at at.
type fakeEvent struct {
	at, qual int64
	user     int
}

// fakeLog serves activities.list pages of events for the reader: newest first, pageSize a
// page, with endTime inclusive or exclusive, and remembers the windows asked for.
type fakeLog struct {
	events       []fakeEvent // newest first
	pageSize     int
	inclusiveEnd bool
	fail         error // answered instead of a page once asked for a window with an end

	mu      sync.Mutex
	windows map[[2]int64]bool
}

// newFakeLog returns a log of n events, perSecond to a whole second, ending at newest.
func newFakeLog(n, perSecond int, newest int64) *fakeLog {
	l := &fakeLog{pageSize: 7, windows: map[[2]int64]bool{}}
	for i := range n {
		l.events = append(l.events, fakeEvent{at: newest - int64(i/perSecond)*1000, qual: int64(n - i), user: i})
	}
	return l
}

// fetch implements fetchFunc.
func (l *fakeLog) fetch(ctx context.Context, start, end int64, token string, p *auditPage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	l.windows[[2]int64{start, end}] = true
	l.mu.Unlock()
	if l.fail != nil && end != noEnd {
		return l.fail
	}
	var in []fakeEvent
	for _, ev := range l.events {
		if ev.at >= start && (ev.at < end || l.inclusiveEnd && ev.at == end) {
			in = append(in, ev)
		}
	}
	off, _ := strconv.Atoi(token)
	var b strings.Builder
	b.WriteString(`{"items":[`)
	for i := off; i < min(off+l.pageSize, len(in)); i++ {
		ev := in[i]
		if i > off {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":{"time":%q,"uniqueQualifier":"%d"},"actor":{"profileId":"u%d"},`+
			`"events":[{"name":"activity","parameters":[{"name":"client_id","value":"c"}]}]}`,
			googleTime(ev.at), ev.qual, ev.user)
	}
	b.WriteString("]")
	if off+l.pageSize < len(in) {
		fmt.Fprintf(&b, `,"nextPageToken":"%d"`, off+l.pageSize)
	}
	b.WriteString("}")
	p.body = []byte(b.String())
	return p.decode()
}

// TestAuditReaderReadsEveryEventOnce reads fake logs with every number of workers, with
// endTime inclusive and exclusive, events packed on whole seconds (so on the split points):
// every event must be recorded exactly once, and the cursor must name the newest.
func TestAuditReaderReadsEveryEventOnce(t *testing.T) {
	t.Parallel()
	const newest = 1754992862000
	tests := []struct {
		name         string
		n, perSecond int
		floor, lo    int64
		minWindows   int
		inclusive    bool
	}{
		{name: "one page", n: 5, perSecond: 1, floor: noStart, lo: newest - 3_600_000, minWindows: 1},
		{name: "dense, inclusive end", n: 3000, perSecond: 3, floor: noStart, lo: newest - 1_000_000, minWindows: 4, inclusive: true},
		{name: "dense, exclusive end", n: 3000, perSecond: 3, floor: noStart, lo: newest - 1_000_000, minWindows: 4},
		{name: "sparse old, dense new", n: 2000, perSecond: 20, floor: noStart, lo: newest - 180*86_400_000, minWindows: 4, inclusive: true},
		{name: "from a floor", n: 3000, perSecond: 2, floor: newest - 1_200_000, lo: 0, minWindows: 4, inclusive: true},
	}
	for _, tt := range tests {
		for workers := 1; workers <= maxAuditReaders; workers++ {
			t.Run(fmt.Sprintf("%s/%d", tt.name, workers), func(t *testing.T) {
				t.Parallel()
				fl := newFakeLog(tt.n, tt.perSecond, newest)
				fl.inclusiveEnd = tt.inclusive
				want := 0
				for _, ev := range fl.events {
					if ev.at >= tt.floor {
						want++
					}
				}
				log := newAuditLog(cursor{}, false)
				r := newAuditReader(fl.fetch, log, workers, tt.floor, tt.lo)
				if err := r.read(t.Context()); err != nil {
					t.Fatal(err)
				}
				if log.events != want || len(log.grants) != want {
					t.Errorf("recorded %d events of %d grants, want %d of %d", log.events, len(log.grants), want, want)
				}
				for _, ev := range fl.events {
					if g, _ := log.times(fmt.Sprintf("u%d", ev.user), "c"); ev.at >= tt.floor && g.used != ev.at {
						t.Fatalf("event of u%d at %d recorded at %d", ev.user, ev.at, g.used)
					}
				}
				wantNext := cursor{at: newest}
				for i := range min(tt.perSecond, tt.n) {
					wantNext.quals = append(wantNext.quals, int64(tt.n-i))
				}
				if diff := cmp.Diff(wantNext, log.next, cmp.AllowUnexported(cursor{})); diff != "" {
					t.Errorf("next cursor (-want +got):\n%s", diff)
				}
				if n := min(tt.minWindows, workers); len(fl.windows) < n {
					t.Errorf("read %d windows %v, want at least %d", len(fl.windows), fl.windows, n)
				}
			})
		}
	}
}

// TestAuditReaderSplitsAtWholeSeconds checks the windows asked for: they start and end on
// whole seconds, none is empty or inverted, and the newest has no end.
func TestAuditReaderSplitsAtWholeSeconds(t *testing.T) {
	t.Parallel()
	const newest = 1754992862123
	fl := newFakeLog(4000, 1, newest)
	r := newAuditReader(fl.fetch, newAuditLog(cursor{}, false), 4, noStart, newest-5_000_000)
	if err := r.read(t.Context()); err != nil {
		t.Fatal(err)
	}
	var ends []int64
	for w := range fl.windows {
		start, end := w[0], w[1]
		if end == noEnd {
			continue
		}
		ends = append(ends, end)
		if end%1000 != 0 || start != noStart && (start%1000 != 0 || start >= end) {
			t.Errorf("window [%d, %d)", start, end)
		}
	}
	if len(ends) < 3 || !fl.windows[[2]int64{noStart, noEnd}] {
		t.Errorf("windows %v: want the whole log first, then at least three slices", fl.windows)
	}
	if s := slices.Sorted(slices.Values(ends)); len(s) > 0 && s[0] <= newest-5_000_000 {
		t.Errorf("a slice ends at %d, before the log's start", s[0])
	}
}

// TestAuditReaderStopsOnError checks that a failing page ends the read with its error.
func TestAuditReaderStopsOnError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	fl := newFakeLog(3000, 1, 1754992862000)
	fl.fail = boom
	r := newAuditReader(fl.fetch, newAuditLog(cursor{}, false), 4, noStart, 1754992862000-4_000_000)
	if err := r.read(t.Context()); !errors.Is(err, boom) {
		t.Errorf("read = %v, want %v", err, boom)
	}
}
