package estate

// ghAuditIDAlphabet is the alphabet of audit event IDs (_document_id): URL-safe base64.
const ghAuditIDAlphabet = ghAlnum + "-_"

// audit logs an event of org that happened age seconds ago, when that lies within
// GitHubAuditWindow: actor did action about user (-1 for none), with the fields fields
// returns (called only for an event logged).
func (g *ghGen) audit(org int32, age int64, action string, actor, user int32, fields func() map[string]any) {
	if age < 0 || age > int64(GitHubAuditWindow.Seconds()) {
		return
	}
	g.gh.Audits = append(g.gh.Audits, GHAudit{ID: ghRandText(g.r, ghAuditIDAlphabet, 22), Org: org,
		Time: g.at(age), Action: action, Actor: actor, User: user, Fields: fields()})
}
