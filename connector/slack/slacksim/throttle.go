package slacksim

import (
	"math"
	"sync"
	"time"
)

// tierOf returns Slack's rate tier of a method, in calls per minute.
func tierOf(method string) int {
	switch method {
	case "apps.uninstall":
		return 1 // Tier 1
	case "bots.info", "audit.logs", "admin.apps.uninstall", "admin.apps.restrict", "admin.apps.approve":
		return 50 // Tier 3 (audit logs: org-wide)
	}
	return 20 // Tier 2: users.list, team.integrationLogs, admin.apps.*.list
}

// limits holds a token bucket per method.
type limits struct {
	mu      sync.Mutex
	quota   int
	tiers   bool
	buckets map[string]*bucket
}

// bucket holds up to capacity calls and refills at rate calls per second.
type bucket struct {
	capacity, rate, level float64
	last                  time.Time
}

// take spends one call of method, or says how long until one is available.
func (l *limits) take(method string, now time.Time) (bool, time.Duration) {
	per := l.quota
	if per == 0 && l.tiers {
		per = tierOf(method)
	}
	if per == 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[method]
	if !ok {
		c := math.Max(1, float64(per)/10)
		b = &bucket{capacity: c, rate: float64(per) / 60, level: c, last: now}
		l.buckets[method] = b
	}
	if d := now.Sub(b.last); d > 0 {
		b.level = math.Min(b.capacity, b.level+d.Seconds()*b.rate)
		b.last = now
	}
	if b.level < 1 {
		secs := math.Ceil((1 - b.level) / b.rate)
		return false, time.Duration(max(secs, 1)) * time.Second
	}
	b.level--
	return true, 0
}
