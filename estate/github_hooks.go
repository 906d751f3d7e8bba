package estate

import "strings"

// ghHookSpec is an organization webhook of a known receiver: its URL (in which "{org}"
// stands for the organization and "{hex32}", "{alnum24}", ... for random characters) and events.
type ghHookSpec struct{ url, events string }

// ghKnownHooks are webhooks to the receivers of well-known services, main organization
// first, then the labs one.
func ghKnownHooks() [2][]ghHookSpec {
	return [2][]ghHookSpec{{
		{"https://hooks.slack.com/services/T{ALNUM8}/B{ALNUM10}/{alnum24}", "pull_request push release"},
		{"https://events.pagerduty.com/integration/{hex32}/enqueue", "deployment_status workflow_run"},
		{"https://app.datadoghq.com/intake/webhook/github", "pull_request push check_run workflow_run"},
		{"https://{org}.atlassian.net/rest/webhooks/1.0/github", "create delete pull_request push"},
		{"https://sentry.io/api/0/organizations/{org}/integrations/github/webhook/", "installation_repositories push"},
		{"https://codecov.io/webhooks/github", "pull_request push"},
	}, {
		{"https://hooks.slack.com/services/T{ALNUM8}/B{ALNUM10}/{alnum24}", "push"},
		{"https://api.netlify.com/hooks/github", "pull_request push"},
	}}
}

// ghUnknownHook is the webhook someone added to ship every event to a bare IP address,
// with certificate checks off and no secret.
const ghUnknownHook = "https://203.0.113.77:8443/collect"

// addHooks adds the organizations' webhooks to known receivers, by owners, one of them
// inactive at times, and the unknown one on the main organization, added within the
// audit window.
func (g *ghGen) addHooks() {
	r := g.r
	for org, specs := range ghKnownHooks() {
		for i, s := range specs {
			if i > 0 && r.Float64() < 0.3 {
				continue
			}
			h := GHHook{ID: g.ids.hook.next(r, 2_000_000), Org: int32(org), URL: g.fillURL(s.url),
				Events: strings.Fields(s.events), Active: r.Float64() >= 0.1, ContentType: "json",
				HasSecret: r.Float64() < 0.8}
			g.appendHook(h, g.between(20*day, g.orgAge[org]-day))
		}
	}
	g.appendHook(GHHook{ID: g.ids.hook.next(r, 2_000_000), Org: ghMain, URL: ghUnknownHook,
		Events: []string{"member", "organization", "pull_request", "push", "repository"}, Active: true,
		ContentType: "form", InsecureSSL: true}, g.between(3*day, 25*day))
}

// fillURL fills the placeholders of a hook URL.
func (g *ghGen) fillURL(u string) string {
	u = strings.ReplaceAll(u, "{org}", g.gh.Orgs[ghMain].Login)
	for _, p := range []struct {
		key, alphabet string
		n             int
	}{{"{ALNUM8}", ghUpperDigits, 8}, {"{ALNUM10}", ghUpperDigits, 10}, {"{alnum24}", ghAlnum, 24}, {"{hex32}", ghHex, 32}} {
		if i := strings.Index(u, p.key); i >= 0 { // draw only for the placeholders the URL has
			u = u[:i] + ghRandText(g.r, p.alphabet, p.n) + u[i+len(p.key):]
		}
	}
	return u
}

// appendHook appends hook h, created age seconds ago by an owner, and logs it.
func (g *ghGen) appendHook(h GHHook, age int64) {
	h.CreatedBy = g.ownerOf(h.Org)
	h.CreatedAt, h.UpdatedAt = g.at(age), g.at(g.between(day/2, age))
	g.gh.Hooks = append(g.gh.Hooks, h)
	g.audit(h.Org, age, "hook.create", h.CreatedBy, -1, func() map[string]any {
		return map[string]any{"hook_id": h.ID, "name": "web", "active": h.Active,
			"events": strings.Join(h.Events, ",")}
	})
}

// ghOrgSecrets and ghRepoSecrets are the names of Actions secrets, in alphabetical
// order, as GitHub lists them.
var (
	ghOrgSecrets = strings.Fields(`AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY CODECOV_TOKEN
		DATADOG_API_KEY DOCKERHUB_TOKEN DOCKERHUB_USERNAME GH_PAT NPM_TOKEN SENTRY_AUTH_TOKEN
		SLACK_WEBHOOK_URL SNYK_TOKEN SONAR_TOKEN TF_API_TOKEN`)
	ghRepoSecrets = strings.Fields(`APPLE_CERT_PASSWORD DATABASE_URL DEPLOY_KEY FIREBASE_TOKEN
		GOOGLE_CREDENTIALS KUBECONFIG PYPI_API_TOKEN VERCEL_TOKEN`)
)

// addSecrets adds organization secrets (most of the list on the main organization, a
// few on the labs one) and repository secrets on a share of the repositories.
func (g *ghGen) addSecrets() {
	r := g.r
	for org, share := range []float64{0.7, 0.25} {
		for i, name := range ghOrgSecrets {
			if i > 0 && r.Float64() >= share {
				continue
			}
			s := GHSecret{Org: int32(org), Repo: -1, Name: name, Visibility: "private"}
			switch x := r.Float64(); {
			case x < 0.3:
				s.Visibility = "all"
			case x < 0.5:
				s.Visibility = "selected"
				s.Repos = g.someRepos(int32(org), 1+r.IntN(5))
			}
			g.appendSecret(s, g.orgAge[org])
		}
		for _, repo := range g.repos[org] {
			if r.Float64() >= 0.3 {
				continue
			}
			added := 0
			for i, name := range ghRepoSecrets {
				if r.Float64() < 0.3 || (i == len(ghRepoSecrets)-1 && added == 0) {
					g.appendSecret(GHSecret{Org: int32(org), Repo: repo, Name: name}, g.ageOf(g.gh.Repos[repo].CreatedAt))
					added++
				}
			}
		}
	}
}

// appendSecret appends secret s, created within maxAge seconds and perhaps updated
// since.
func (g *ghGen) appendSecret(s GHSecret, maxAge int64) {
	created := g.between(day, max(day, maxAge-ghHour))
	s.CreatedAt, s.UpdatedAt = g.at(created), g.at(g.between(day/2, created))
	if g.r.Float64() < 0.5 {
		s.UpdatedAt = s.CreatedAt
	}
	g.gh.Secrets = append(g.gh.Secrets, s)
}
