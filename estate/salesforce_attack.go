package estate

import (
	"slices"
	"time"
)

// The attack's user agents, from the public reports of the 2025 Drift campaign.
const (
	SFReconUA  = "python-requests/2.32.4"
	SFExportUA = "Salesforce-Multi-Org-Fetcher/1.0"
)

// sfRequest is one request of the attack.
type sfRequest struct {
	method, resource, entity, query string
	rows                            int
}

// sfReconSessions are the attack's recon sessions, days apart: the REST requests an
// attacker fingerprinting an org makes, counting and sampling its objects.
func sfReconSessions() [][]sfRequest {
	return [][]sfRequest{
		{
			{"GET", "/sobjects", "", "", 0},
			{"GET", "/sobjects", "Case", "", 0}, // describe
			{"GET", "/query", "Account", "SELECT COUNT() FROM Account", 0},
			{"GET", "/query", "Contact", "SELECT COUNT() FROM Contact", 0},
			{"GET", "/query", "User", "SELECT COUNT() FROM User", 0},
			{"GET", "/query", "Organization", "SELECT Id, Name, OrganizationType, InstanceName FROM Organization LIMIT 1", 1},
		},
		{
			{"GET", "/query", "User", "SELECT Id, Username, Email, Phone, LastLoginDate FROM User ORDER BY LastLoginDate DESC LIMIT 20", 20},
			{"GET", "/limits", "", "", 0},
			{"GET", "/query", "Opportunity", "SELECT COUNT() FROM Opportunity", 0},
		},
		{
			{"GET", "/query", "Case", "SELECT COUNT() FROM Case", 0},
			{"GET", "/query", "Case", "SELECT Id, CaseNumber, Subject, Description FROM Case LIMIT 5", 5},
		},
	}
}

// sfExports are the objects the attack exports, with the query of each job.
func sfExports() [][2]string {
	return [][2]string{
		{"Account", "SELECT Id, Name, Phone, Website, Description FROM Account"},
		{"Contact", "SELECT Id, FirstName, LastName, Email, Phone, Title FROM Contact"},
		{"Case", "SELECT Id, CaseNumber, Subject, Description, Status FROM Case"},
		{"Opportunity", "SELECT Id, Name, Amount, StageName, CloseDate FROM Opportunity"},
	}
}

// sfAttacker adds the attack's logins and requests, moving its clock forward.
type sfAttacker struct {
	g        *sfGen
	app, usr int32
	atk      *SFAttack
	t        time.Time
	ip, ua   string
}

// addAttack seeds the theft of the Drift integration's tokens, as in the public
// timeline: recon sessions from a new address in AWS days before the export, then from
// a DigitalOcean address a Bulk API 2.0 query job per object, each deleted seconds after
// its results were downloaded. It lies within the last two weeks of the window.
func (g *sfGen) addAttack() {
	a := slices.IndexFunc(g.specs, func(s sfAppSpec) bool { return s.name == "Drift" })
	if a < 0 {
		return
	}
	r := g.r
	recon, export := sfAttackIPs(r)
	x := &sfAttacker{g: g, app: int32(a), usr: g.integ[a],
		atk: &SFAttack{App: int32(a), Users: []int32{g.integ[a]}, ReconIP: recon, ExportIP: export}}
	exportAge := 3*day + r.Int64N(5*day)
	reconAge := exportAge + 4*day + r.Int64N(2*day)
	for k, session := range sfReconSessions() {
		x.begin(reconAge-int64(k)*(day+r.Int64N(day/2)), recon, SFReconUA)
		if k == 0 {
			x.atk.Start = x.t
		}
		for _, q := range session {
			x.request(3+r.Int64N(12), SFAPIEvent{EventType: "RestApi", APIFamily: "REST", Method: q.method,
				Resource: q.resource, Entity: q.entity, Query: q.query, Rows: q.rows, StatusCode: 200})
		}
	}
	x.begin(exportAge, export, SFExportUA)
	for _, ex := range sfExports() {
		x.exportJob(ex[0], ex[1])
	}
	x.atk.End = x.t
	tok := &g.s.Tokens[g.primary[a]]
	tok.UseCount += len(x.atk.Requests)
	if x.t.After(tok.LastUsedAt) {
		tok.LastUsedAt = x.t
	}
	g.s.Attack = x.atk
}

// begin starts a session age seconds before Now: an OAuth login from ip with ua.
func (x *sfAttacker) begin(age int64, ip, ua string) {
	x.t, x.ip, x.ua = x.g.at(age), ip, ua
	x.g.addOAuthLogin(x.usr, x.t, x.g.s.Apps[x.app].Name, ip, "US", ua)
}

// request adds ev, secs seconds after the previous step.
func (x *sfAttacker) request(secs int64, ev SFAPIEvent) {
	x.t = x.t.Add(time.Duration(secs) * time.Second)
	ev.Time, ev.User, ev.App, ev.ClientIP, ev.ClientName = x.t, x.usr, x.app, x.ip, x.ua
	x.atk.Requests = append(x.atk.Requests, x.g.addEvent(ev))
}

// exportJob adds one Bulk API 2.0 export of entity: the job's creation, two polls, the
// download of its results when it completes, and its deletion seconds later.
func (x *sfAttacker) exportJob(entity, query string) {
	r := x.g.r
	ev := SFAPIEvent{EventType: "BulkApi2", APIFamily: "BulkV2", Entity: entity, Query: query,
		JobID: x.g.jobID(), StatusCode: 200}
	step := func(secs int64, method, resource string, rows, status int) {
		e := ev
		e.Method, e.Resource, e.Rows, e.StatusCode = method, resource, rows, status
		x.request(secs, e)
	}
	step(20+r.Int64N(70), "POST", "/jobs/query", 0, 200)
	step(15, "GET", "/jobs/query/{id}", 0, 200)
	step(25+r.Int64N(60), "GET", "/jobs/query/{id}", 0, 200)
	step(30+r.Int64N(90), "GET", "/jobs/query/{id}/results", x.g.objectSize(entity), 200)
	step(5+r.Int64N(25), "DELETE", "/jobs/query/{id}", 0, 204)
}
