package entra

import (
	"context"
	"testing"
	"time"
)

// virtualClock is a clock tests move by hand.
type virtualClock struct{ t time.Time }

func (c *virtualClock) now() time.Time { return c.t }

// TestLimiterPace checks how throttled answers, successes and pauses set the pace.
func TestLimiterPace(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		run  func(l *limiter) time.Duration
		want time.Duration
	}{
		{name: "unpaced at first", run: func(l *limiter) time.Duration { return l.pace() }, want: 0},
		{name: "first episode without history", run: func(l *limiter) time.Duration {
			l.throttled(t0, 0)
			return l.pace()
		}, want: firstInterval},
		{name: "first episode halves the rate that succeeded", run: func(l *limiter) time.Duration {
			for i := range 20 {
				l.success(t0.Add(time.Duration(i) * time.Millisecond))
			}
			l.throttled(t0.Add(20*time.Millisecond), 0)
			return l.pace()
		}, want: 2 * time.Millisecond},
		{name: "first episode after a slow start", run: func(l *limiter) time.Duration {
			l.success(t0)
			l.success(t0.Add(900 * time.Millisecond))
			l.throttled(t0.Add(time.Second), 0)
			return l.pace()
		}, want: firstInterval},
		{name: "a second answer of the episode is ignored", run: func(l *limiter) time.Duration {
			l.throttled(t0, 0)
			l.throttled(t0, 0)
			return l.pace()
		}, want: firstInterval},
		{name: "a new episode doubles", run: func(l *limiter) time.Duration {
			l.throttled(t0, 0)
			l.throttled(t0, 1)
			return l.pace()
		}, want: 2 * firstInterval},
		{name: "capped", run: func(l *limiter) time.Duration {
			for e := range uint64(20) {
				l.throttled(t0, e)
			}
			return l.pace()
		}, want: maxInterval},
		{name: "successes speed up", run: func(l *limiter) time.Duration {
			l.throttled(t0, 0)
			l.success(t0)
			return l.pace()
		}, want: firstInterval - firstInterval/speedUp},
		{name: "unpaced again after many successes", run: func(l *limiter) time.Duration {
			l.throttled(t0, 0)
			for range 1000 {
				l.success(t0)
			}
			return l.pace()
		}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.run(newLimiter(func() time.Time { return t0 })); got != tt.want {
				t.Errorf("pace = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestLimiterWait checks the waits reserve books: slots one interval apart once paced,
// a Retry-After pause, and a new booking when an episode starts during a wait.
func TestLimiterWait(t *testing.T) {
	t.Parallel()
	clk := &virtualClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newLimiter(clk.now)
	if d, _ := l.reserve(clk.now()); d != 0 {
		t.Errorf("unpaced wait = %v, want 0", d)
	}
	l.throttled(clk.now(), 0) // the next slot is one interval away
	for i, want := range []time.Duration{firstInterval, 2 * firstInterval} {
		if d, _ := l.reserve(clk.now()); d != want {
			t.Errorf("slot %d wait = %v, want %v", i, d, want)
		}
	}
	l.pause(clk.now().Add(5 * time.Second))
	if d, _ := l.reserve(clk.now()); d != 5*time.Second {
		t.Errorf("wait after a 5s pause = %v, want 5s", d)
	}
	// An episode that starts while a request waits makes it book again at the new pace.
	clk.t = clk.t.Add(time.Minute)
	slept := 0
	sleep := func(ctx context.Context, d time.Duration) error {
		clk.t = clk.t.Add(d)
		if slept++; slept == 1 {
			l.throttled(clk.now(), 1)
		}
		return ctx.Err()
	}
	epoch, total, err := l.wait(t.Context(), sleep)
	if err != nil || epoch != 2 || slept != 2 || total != 2*firstInterval {
		t.Errorf("wait = epoch %d, %v, %v after %d sleeps; want epoch 2, %v, nil after 2", epoch, total, err, slept, 2*firstInterval)
	}
}

// TestLimiterWaitCanceled checks that a wait ends with the context.
func TestLimiterWaitCanceled(t *testing.T) {
	t.Parallel()
	l := newLimiter(time.Now)
	l.pause(time.Now().Add(time.Hour))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := l.wait(ctx, sleepContext); err == nil {
		t.Error("wait on a canceled context succeeded")
	}
}
