package risk

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/nhiscope/nhi"
)

// minCollisionName is the shortest display name another app's name is compared with:
// shorter names ("Box", "Go") are common words.
const minCollisionName = 4

// NameCollisions finds, for each app, the most used other app of the same platform and
// tenant whose display name its own name contains as whole words, case-insensitively
// ("ChatGPT Pro Free Access" contains "ChatGPT"; a second "Zoom" with another client ID
// contains "Zoom"). Consent-phishing apps borrow the name of an app people already
// trust. The result is keyed by the app's external ID; apps without a collision are
// absent. It compares every pair, which is fine for the hundreds to low thousands of apps
// a tenant has.
func NameCollisions(apps []nhi.App) map[string]*nhi.App {
	folded := make([]string, len(apps))
	for i := range apps {
		folded[i] = " " + strings.Join(strings.FieldsFunc(strings.ToLower(apps[i].Name), notWordRune), " ") + " "
	}
	out := map[string]*nhi.App{}
	for i := range apps {
		for j := range apps {
			a, b := &apps[i], &apps[j]
			if i == j || a.ExternalID == b.ExternalID || a.Platform != b.Platform || a.Tenant != b.Tenant ||
				len(strings.TrimSpace(folded[j])) < minCollisionName || !strings.Contains(folded[i], folded[j]) {
				continue
			}
			if cur := out[a.ExternalID]; cur == nil || b.Users > cur.Users {
				out[a.ExternalID] = b
			}
		}
	}
	return out
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// collisionSignals are the signals comparing an app with the others of its tenant.
func collisionSignals() []Signal {
	popular := func(users int) func(in *AppInput) {
		return func(in *AppInput) {
			in.App.Name, in.App.Users = "ChatGPT Pro Free Access", 1
			in.Collision = &nhi.App{ExternalID: "other", Name: "ChatGPT", Users: users}
		}
	}
	return []Signal{{
		ID:    "app.name_collision",
		Title: "Borrows the name of a popular app",
		Rationale: "The app's name contains the name of another app people in the tenant use far " +
			"more, under a different client ID (\"ChatGPT Pro Free Access\" beside \"ChatGPT\"). " +
			"Consent phishing borrows trusted names; the real vendor's app is the popular one. " +
			"Check who publishes this one before more people grant it.",
		OWASP: []string{nhi3}, Subject: nhi.SubjectApp, Severity: nhi.SeverityHigh, Weight: 35,
		Params: []Param{
			{Name: "ratio", Default: 10, Min: 2, Unit: "times", Doc: "How many times more users the popular app must have."},
			{Name: "popular_users", Default: 5, Min: 1, Unit: "users", Doc: "Users the popular app must have at least."},
		},
		Match: matchNameCollision,
		Hits:  []Example{{Name: "fringe app named after a popular one", App: exApp(popular(80))}},
		Misses: []Example{{Name: "no other app shares the name", App: exApp()},
			{Name: "the other app is no more popular", App: exApp(popular(3))}},
	}}
}

func matchNameCollision(x *Eval) ([]string, bool) {
	in := x.App
	c := in.Collision
	if c == nil || c.Users < x.Param("popular_users") || c.Users < x.Param("ratio")*max(in.App.Users, 1) {
		return nil, false
	}
	return []string{"name " + quoted(in.App.Name) + " contains " + quoted(c.Name) + ", an app " +
		strconv.Itoa(c.Users) + " users granted under client ID " + c.ExternalID +
		"; this one has " + strconv.Itoa(in.App.Users)}, true
}
