package scan

import (
	"context"
	"fmt"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// directories are the platforms that hold the company's people of record: their
// accounts are suspended or deleted when someone leaves. Other platforms (GitHub, Slack,
// Salesforce) keep an account, and the tokens and keys it made, until someone removes it
// there too; that offboarding gap is what correlation finds.
var directories = []nhi.Platform{nhi.PlatformGoogleWorkspace, nhi.PlatformEntra, nhi.PlatformOkta}

// IsDirectory reports whether p is a directory: a platform whose people are the
// company's people of record (Google Workspace, Microsoft Entra, Okta). Scans of other
// platforms take their people's status from the directories by email, so directories
// should be scanned first.
func IsDirectory(p nhi.Platform) bool {
	for _, d := range directories {
		if d == p {
			return true
		}
	}
	return false
}

// directoryView is what the directories in the store say about the company's people:
// the status of each email (the best of its records: an account still active anywhere
// keeps a person active) and the email domains the directories cover.
type directoryView struct {
	status  map[string]nhi.PersonStatus
	domains map[string]bool
}

// statusRank orders statuses from best to worst, for "the best of its records".
func statusRank(s nhi.PersonStatus) int {
	switch s {
	case nhi.PersonActive:
		return 0
	case nhi.PersonSuspended:
		return 1
	case nhi.PersonDeparted:
		return 2
	}
	return 3
}

// loadDirectory reads the people of every directory in the store, of every tenant; a
// person gone from a directory counts as departed there.
func loadDirectory(ctx context.Context, db store.Store) (directoryView, error) {
	v := directoryView{status: map[string]nhi.PersonStatus{}, domains: map[string]bool{}}
	for _, p := range directories {
		f := store.PersonFilter{Platform: p, IncludeGone: true}
		_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Person], error) {
			f.Limit, f.After = lim, after
			return db.ListPeople(ctx, f)
		}, func(person nhi.Person) error {
			email := strings.ToLower(strings.TrimSpace(person.Email))
			_, domain, ok := strings.Cut(email, "@")
			if !ok || domain == "" {
				return nil
			}
			s := person.Status
			if !person.GoneAt.IsZero() {
				s = nhi.PersonDeparted
			}
			if old, seen := v.status[email]; !seen || statusRank(s) < statusRank(old) {
				v.status[email] = s
			}
			v.domains[domain] = true
			return nil
		})
		if err != nil {
			return v, fmt.Errorf("evaluate: list %s people: %w", p, err)
		}
	}
	return v, nil
}

// platformEmails returns the emails the people of platform p have in any of its tenants,
// by external ID: one account seen in several tenants (a GitHub login in two
// organizations, one with SAML) is one person, and the email one tenant knows holds for
// the others.
func platformEmails(ctx context.Context, db store.Store, p nhi.Platform) (map[string]string, error) {
	out := map[string]string{}
	f := store.PersonFilter{Platform: p, IncludeGone: true}
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Person], error) {
		f.Limit, f.After = lim, after
		return db.ListPeople(ctx, f)
	}, func(person nhi.Person) error {
		if person.Email != "" {
			out[person.ExternalID] = person.Email
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("evaluate: list %s people: %w", p, err)
	}
	return out, nil
}

// withEmails fills the missing emails of people from emails (by external ID).
func withEmails(people map[string]*nhi.Person, emails map[string]string) {
	for _, person := range people {
		if person.Email == "" {
			person.Email = emails[person.ExternalID]
		}
	}
}

// correlate gives the active people of a platform that is no directory the status the
// directories give their email: suspended or departed there makes them so here. An
// email of a domain the directories cover, with no account in any of them, is a person
// who left: their account was deleted. People without an email, of other domains, or
// with a status of their platform's own that is already worse, keep theirs. It returns
// how many people it changed.
func correlate(people map[string]*nhi.Person, dir directoryView) int {
	n := 0
	for _, person := range people {
		email := strings.ToLower(strings.TrimSpace(person.Email))
		_, domain, ok := strings.Cut(email, "@")
		if !ok || person.Status != nhi.PersonActive || !dir.domains[domain] {
			continue
		}
		s, known := dir.status[email]
		if !known {
			s = nhi.PersonDeparted
		}
		if s != nhi.PersonActive {
			person.Status = s
			n++
		}
	}
	return n
}
