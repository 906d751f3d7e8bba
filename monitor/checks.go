package monitor

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// dormant reports the first use after a silence of cfg.Dormant or more.
func (d *Detector) dormant(ev *nhi.Event, st *state) *Detection {
	if st.last.IsZero() || ev.Time.Sub(st.last) < d.cfg.Dormant {
		return nil
	}
	days := int(ev.Time.Sub(st.last).Hours() / 24)
	return &Detection{Signal: "behavior.dormant_wakeup", Title: "Dormant identity woke up",
		Severity: nhi.SeverityMedium, OWASP: []string{owaspOffboarding}, Confidence: 0.6,
		Events:   evidence(ev.ID),
		Evidence: []string{fmt.Sprintf("used again after %d days without use (last %s)", days, st.last.UTC().Format(time.DateOnly))}}
}

// ownerGone reports use by an actor who has left or is suspended, once a day.
func (d *Detector) ownerGone(ev *nhi.Event, st *state) *Detection {
	if d.cfg.Owners == nil || ev.Actor == "" {
		return nil
	}
	s, ok := d.cfg.Owners(ev.Platform, ev.Tenant, ev.Actor)
	day := ev.Time.UTC().Truncate(24 * time.Hour)
	if !ok || (s != nhi.PersonDeparted && s != nhi.PersonSuspended) || st.ownerReported.Equal(day) {
		return nil
	}
	st.ownerReported = day
	return &Detection{Signal: "behavior.owner_gone", Title: "Token used after its owner left",
		Severity: nhi.SeverityHigh, OWASP: []string{owaspOffboarding}, Confidence: 0.9,
		Events:   evidence(ev.ID),
		Evidence: []string{fmt.Sprintf("%s used by %s, whose status is %s", nhi.CleanText(ev.Activity), nhi.CleanText(ev.Actor), s)}}
}

// newNetwork reports the first use from a network the subject never used, once learned.
func (d *Detector) newNetwork(ev *nhi.Event, st *state) *Detection {
	p, ok := d.prefix(ev.SourceIP)
	if !ok || st.networks[p] || !d.learned(st, ev.Time) {
		return nil
	}
	det := &Detection{Signal: "behavior.new_network", Title: "Used from a new network",
		Severity: nhi.SeverityMedium, OWASP: []string{owaspThirdParty, owaspReuse}, Confidence: 0.5,
		Events:   evidence(ev.ID),
		Evidence: []string{fmt.Sprintf("first use from %s (%s) after %d events from %d other network(s)", nhi.CleanText(ev.SourceIP), p, st.events, len(st.networks))}}
	if n, ok := d.cfg.Networks.Lookup(ev.SourceIP); ok {
		det.Evidence = append(det.Evidence, "the address belongs to "+n.Describe())
		if n.Hosting || n.Tor {
			det.Confidence, det.Severity = 0.8, nhi.SeverityHigh
		}
	}
	return det
}

// newClient reports the first use of a user-agent family the subject never used.
func (d *Detector) newClient(ev *nhi.Event, st *state) *Detection {
	f := clientFamily(ev.UserAgent)
	if f == "" || st.clients[f] || !d.learned(st, ev.Time) || len(st.clients) == 0 {
		return nil
	}
	known := make([]string, 0, len(st.clients))
	for c := range st.clients {
		known = append(known, c)
	}
	slices.Sort(known)
	return &Detection{Signal: "behavior.new_client", Title: "Used from a new kind of client",
		Severity: nhi.SeverityLow, OWASP: []string{owaspThirdParty}, Confidence: 0.4,
		Events:   evidence(ev.ID),
		Evidence: []string{fmt.Sprintf("first use with %s; before only %s", nhi.CleanText(f), nhi.CleanText(strings.Join(known, ", ")))}}
}

// exportDeleted reports an export job deleted within cfg.DeleteWithin of its export.
func (d *Detector) exportDeleted(ev *nhi.Event, st *state) *Detection {
	if ev.Kind != nhi.EventExportDeleted {
		return nil
	}
	job := jobOf(ev)
	ex, ok := st.exports[job]
	if job == "" || !ok || ev.Time.Sub(ex.at) > d.cfg.DeleteWithin || ev.Time.Before(ex.at) {
		return nil
	}
	return &Detection{Signal: "behavior.export_deleted", Title: "Export job deleted right after it ran",
		Severity: nhi.SeverityHigh, OWASP: []string{owaspThirdParty}, Confidence: 0.8,
		Events: evidence(ex.id, ev.ID),
		Evidence: []string{fmt.Sprintf("export job %s deleted %s after it was created", nhi.CleanText(job),
			ev.Time.Sub(ex.at).Round(time.Second))}}
}

// reconThenExport reports the first export of a subject that never exported, preceded,
// within cfg.ReconWindow, by queries of cfg.ReconObjects or more distinct objects:
// recon, then bulk export. Its confidence is higher when the export came from a network
// the queries did not.
func (d *Detector) reconThenExport(ev *nhi.Event, st *state) *Detection {
	// A subject that exported before (a data loader's nightly sync) exports as a matter
	// of course; the pattern is a token that never did, once its baseline is learned.
	if ev.Kind != nhi.EventExport || st.exported > 0 || !d.learned(st, ev.Time) {
		return nil
	}
	if job := jobOf(ev); job != "" {
		if _, seen := st.exports[job]; seen {
			return nil // a later event of an export already judged
		}
	}
	objects := map[string]bool{}
	var ids, sources []string
	for _, q := range st.recent {
		if ev.Time.Sub(q.at) > d.cfg.ReconWindow || q.at.After(ev.Time) {
			continue
		}
		objects[q.object] = true
		ids = append(ids, q.id)
		if q.source != "" && !slices.Contains(sources, q.source) {
			sources = append(sources, q.source)
		}
	}
	if len(objects) < d.cfg.ReconObjects {
		return nil
	}
	names := make([]string, 0, len(objects))
	for o := range objects {
		names = append(names, nhi.CleanText(o))
	}
	slices.Sort(names)
	det := &Detection{Signal: "behavior.recon_then_export", Title: "Recon, then bulk export",
		Severity: nhi.SeverityCritical, OWASP: []string{owaspThirdParty}, Confidence: 0.7,
		Events: evidence(append(ids, ev.ID)...),
		Evidence: []string{fmt.Sprintf("%d queries of %s within %s before an export of %s", len(ids),
			strings.Join(names, ", "), d.cfg.ReconWindow, nhi.CleanText(objectOf(ev)))}}
	if ev.SourceIP != "" && !slices.Contains(sources, ev.SourceIP) {
		det.Confidence = 0.9
		det.Evidence = append(det.Evidence, fmt.Sprintf("queries from %s, export from %s",
			nhi.CleanText(strings.Join(sources, ", ")), nhi.CleanText(ev.SourceIP)))
	}
	return det
}

// volume reports a day whose count is far above the subject's own baseline: more than
// SpikeMADs median absolute deviations above the median of the past SpikeDays or more
// days, more than SpikeRatio times that median, and at least SpikeMin. It is reported
// once per day, when the count crosses.
func (d *Detector) volume(ev *nhi.Event, st *state) *Detection {
	day := ev.Time.UTC().Truncate(24 * time.Hour)
	if st.spiked.Equal(day) {
		return nil
	}
	var past []int
	today := 1
	for _, c := range st.days {
		switch {
		case c.day.Equal(day):
			today += c.n
		case c.day.Before(day):
			past = append(past, c.n)
		}
	}
	if len(past) < d.cfg.SpikeDays {
		return nil
	}
	med, mad := medianMAD(past)
	limit := max(med+float64(d.cfg.SpikeMADs)*max(mad, 1), med*float64(d.cfg.SpikeRatio))
	if today < d.cfg.SpikeMin || float64(today) <= limit {
		return nil
	}
	st.spiked = day
	return &Detection{Signal: "behavior.volume_spike", Title: "Far more activity than usual",
		Severity: nhi.SeverityMedium, OWASP: []string{owaspThirdParty}, Confidence: 0.6,
		Events: evidence(ev.ID),
		Evidence: []string{fmt.Sprintf("%d events on %s; the past %d days' median is %.0f (median absolute deviation %.1f)",
			today, day.Format(time.DateOnly), len(past), med, mad)}}
}

// medianMAD returns the median of xs and the median absolute deviation from it.
func medianMAD(xs []int) (med, mad float64) {
	med = median(xs)
	dev := make([]int, len(xs))
	for i, x := range xs {
		v := float64(x) - med
		if v < 0 {
			v = -v
		}
		dev[i] = int(v*2 + 0.5) // doubled, so halves stay exact
	}
	return med, median(dev) / 2
}

// median returns the median of xs (not empty); xs is not changed.
func median(xs []int) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}
