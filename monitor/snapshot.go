package monitor

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"time"
)

// snapshotVersion is the version of the Snapshot format.
const snapshotVersion = 1

// maxSnapshot bounds a snapshot when it is read back, uncompressed.
const maxSnapshot = 256 << 20

// snapshot is the detector's state as Snapshot writes it.
type snapshot struct {
	Version  int            `json:"version"`
	Subjects []subjectState `json:"subjects"`
	// Recent are the latest event IDs, oldest first.
	Recent []string `json:"recent,omitempty"`
}

type subjectState struct {
	Subject       Subject       `json:"subject"`
	First         time.Time     `json:"first"`
	Last          time.Time     `json:"last"`
	Events        int           `json:"events"`
	Networks      []string      `json:"networks,omitempty"`
	Clients       []string      `json:"clients,omitempty"`
	Recent        []querySnap   `json:"recent,omitempty"`
	Exports       []exportSnap  `json:"exports,omitempty"`
	Days          []daySnapshot `json:"days,omitempty"`
	Spiked        time.Time     `json:"spiked,omitzero"`
	OwnerReported time.Time     `json:"owner_reported,omitzero"`
	Exported      int           `json:"exported,omitempty"`
	ExportDay     time.Time     `json:"export_day,omitzero"`
}

type querySnap struct {
	At     time.Time `json:"at"`
	Object string    `json:"object"`
	Source string    `json:"source,omitempty"`
	ID     string    `json:"id"`
}

type exportSnap struct {
	Job    string    `json:"job"`
	At     time.Time `json:"at"`
	ID     string    `json:"id"`
	Source string    `json:"source,omitempty"`
}

type daySnapshot struct {
	Day time.Time `json:"day"`
	N   int       `json:"n"`
}

// Snapshot returns the detector's baselines, gzipped JSON, so that a restarted process
// goes on judging where the last one stopped instead of learning again.
func (d *Detector) Snapshot() ([]byte, error) {
	snap := snapshot{Version: snapshotVersion, Recent: d.recent.ids}
	for subj, st := range d.subjects {
		ss := subjectState{Subject: subj, First: st.first, Last: st.last, Events: st.events, Spiked: st.spiked,
			OwnerReported: st.ownerReported, Exported: st.exported, ExportDay: st.exportDay}
		for p := range st.networks {
			ss.Networks = append(ss.Networks, p.String())
		}
		for c := range st.clients {
			ss.Clients = append(ss.Clients, c)
		}
		slices.Sort(ss.Networks)
		slices.Sort(ss.Clients)
		for _, q := range st.recent {
			ss.Recent = append(ss.Recent, querySnap{q.at, q.object, q.source, q.id})
		}
		for job, ex := range st.exports {
			ss.Exports = append(ss.Exports, exportSnap{job, ex.at, ex.id, ex.source})
		}
		for _, dc := range st.days {
			ss.Days = append(ss.Days, daySnapshot{dc.day, dc.n})
		}
		snap.Subjects = append(snap.Subjects, ss)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(snap); err != nil {
		return nil, fmt.Errorf("monitor: snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("monitor: snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// Restore replaces the detector's baselines with a Snapshot's. A snapshot it cannot read
// is an error and changes nothing.
func (d *Detector) Restore(b []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("monitor: restore: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, maxSnapshot+1))
	if err != nil || len(raw) > maxSnapshot {
		return fmt.Errorf("monitor: restore: unreadable or too large snapshot")
	}
	var snap snapshot
	if err := json.Unmarshal(raw, &snap); err != nil {
		return fmt.Errorf("monitor: restore: %w", err)
	}
	if snap.Version != snapshotVersion {
		return fmt.Errorf("monitor: restore: snapshot version %d, want %d", snap.Version, snapshotVersion)
	}
	subjects := make(map[Subject]*state, len(snap.Subjects))
	for _, ss := range snap.Subjects {
		st := newState()
		st.first, st.last, st.events, st.spiked, st.ownerReported = ss.First, ss.Last, ss.Events, ss.Spiked, ss.OwnerReported
		st.exported, st.exportDay = ss.Exported, ss.ExportDay
		for _, n := range ss.Networks {
			p, err := netip.ParsePrefix(n)
			if err != nil {
				return fmt.Errorf("monitor: restore: network %q: %w", n, err)
			}
			st.networks[p] = true
		}
		for _, c := range ss.Clients {
			st.clients[c] = true
		}
		for _, q := range ss.Recent {
			st.recent = append(st.recent, query{q.At, q.Object, q.Source, q.ID})
		}
		for _, e := range ss.Exports {
			st.exports[e.Job] = exportSeen{e.At, e.ID, e.Source}
		}
		for _, dc := range ss.Days {
			st.days = append(st.days, dayCount{dc.Day, dc.N})
		}
		subjects[ss.Subject] = st
	}
	d.subjects = subjects
	d.recent = recentIDs{}
	for _, id := range snap.Recent {
		d.recent.repeat(id)
	}
	return nil
}
