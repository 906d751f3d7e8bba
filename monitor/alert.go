package monitor

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/notify"
)

// Route sends the findings at or above MinSeverity (and, when Signals is set, of a
// signal with one of its prefixes) to Sink.
type Route struct {
	Name        string
	MinSeverity nhi.Severity
	Signals     []string
	Sink        notify.Alerter
}

// matches reports whether f goes to r.
func (r *Route) matches(f *nhi.Finding) bool {
	if f.Severity.Rank() < r.MinSeverity.Rank() {
		return false
	}
	if len(r.Signals) == 0 {
		return true
	}
	for _, p := range r.Signals {
		if strings.HasPrefix(f.Signal, p) {
			return true
		}
	}
	return false
}

// The defaults of Router.
const (
	DefaultAlertWindow    = 24 * time.Hour
	DefaultAlertPerMinute = 20
	maxPendingAlerts      = 1000
)

// Router routes findings to alert sinks. One finding alerts a route at most once per
// Window: repeats within it are counted and reported with the next alert, so a bad day is
// one alert per finding, not a thousand. Each route sends at most PerMinute alerts a
// minute; the rest wait (up to 1,000 per route, the oldest dropped and counted) for Flush.
type Router struct {
	Routes    []Route
	Window    time.Duration
	PerMinute int
	// OwnerEmail, if set, finds the email of a finding's owner.
	OwnerEmail func(ctx context.Context, f nhi.Finding) string
	Now        func() time.Time
	Logger     *slog.Logger

	mu      sync.Mutex
	last    map[routeKey]sent
	pending map[int][]notify.Alert
	minute  map[int]window
	dropped int
}

type routeKey struct {
	route   int
	finding string
}

type sent struct {
	at      time.Time
	repeats int
}

type window struct {
	start time.Time
	n     int
}

// Send routes fs and sends what is due; it returns how many alerts went out. Failures of
// a sink are logged; the alert is kept for the next Flush.
func (r *Router) Send(ctx context.Context, fs []nhi.Finding) int {
	r.mu.Lock()
	r.init()
	for _, f := range fs {
		for i := range r.Routes {
			if !r.Routes[i].matches(&f) {
				continue
			}
			k := routeKey{i, f.ID}
			prev, seen := r.last[k]
			now := r.now()
			if seen && now.Sub(prev.at) < r.window() {
				prev.repeats++
				r.last[k] = prev
				continue
			}
			a := notify.Alert{Finding: f, Repeats: prev.repeats, Update: seen, At: now}
			r.last[k] = sent{at: now}
			r.queue(i, a)
		}
	}
	r.mu.Unlock()
	return r.Flush(ctx)
}

// Flush sends the waiting alerts each route's rate allows and returns how many went.
func (r *Router) Flush(ctx context.Context) int {
	r.mu.Lock()
	r.init()
	type job struct {
		route int
		a     notify.Alert
	}
	var jobs []job
	for i := range r.Routes {
		for len(r.pending[i]) > 0 && r.allow(i) {
			jobs = append(jobs, job{i, r.pending[i][0]})
			r.pending[i] = r.pending[i][1:]
		}
	}
	r.mu.Unlock()
	n := 0
	for _, j := range jobs {
		if r.OwnerEmail != nil {
			j.a.OwnerEmail = r.OwnerEmail(ctx, j.a.Finding)
		}
		if err := r.Routes[j.route].Sink.Alert(ctx, j.a); err != nil {
			r.log().Warn("alert failed; kept for the next flush", "route", r.Routes[j.route].Name, "finding", j.a.Finding.ID,
				"err", nhi.ErrorMessage(err))
			r.mu.Lock()
			r.queue(j.route, j.a)
			r.mu.Unlock()
			continue
		}
		n++
	}
	return n
}

// Dropped returns how many alerts were dropped because a route's queue was full.
func (r *Router) Dropped() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dropped
}

// queue adds an alert to a route's queue, dropping the oldest when it is full. r.mu is
// held.
func (r *Router) queue(route int, a notify.Alert) {
	q := append(r.pending[route], a)
	if len(q) > maxPendingAlerts {
		r.dropped += len(q) - maxPendingAlerts
		q = q[len(q)-maxPendingAlerts:]
	}
	r.pending[route] = q
}

// allow reports whether route may send one more alert this minute, and counts it. r.mu
// is held.
func (r *Router) allow(route int) bool {
	per := r.PerMinute
	if per <= 0 {
		per = DefaultAlertPerMinute
	}
	now := r.now()
	w := r.minute[route]
	if now.Sub(w.start) >= time.Minute {
		w = window{start: now}
	}
	if w.n >= per {
		r.minute[route] = w
		return false
	}
	w.n++
	r.minute[route] = w
	return true
}

func (r *Router) init() {
	if r.last == nil {
		r.last, r.pending, r.minute = map[routeKey]sent{}, map[int][]notify.Alert{}, map[int]window{}
	}
}

func (r *Router) window() time.Duration {
	if r.Window > 0 {
		return r.Window
	}
	return DefaultAlertWindow
}

func (r *Router) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Router) log() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.New(slog.DiscardHandler)
}
