package salesforcesim

import (
	"strings"
	"testing"
)

// TestHostileStrings checks that names with markup, control characters and bidi
// overrides come out well-formed in JSON, XML and CSV.
func TestHostileStrings(t *testing.T) {
	t.Parallel()
	const evil = "Dr\x00ift <script>&amp;\u202e\n\"x\",'y'"
	e := smallOrg()
	e.Salesforce.Apps[0].Name = evil
	e.Salesforce.Apps[0].FullName = ""
	e.Salesforce.Logins[2].UserAgent = evil
	sm := newSim(t, e, Options{})
	r := sm.query(t, sm.token, "SELECT Name FROM ConnectedApplication WHERE Id = '"+appDrift+"'")
	if got := column(r, "Name"); len(got) != 1 || got[0] != evil {
		t.Errorf("JSON round trip: %q", got)
	}
	_, body := sm.soapCall(t, sm.token, `<met:listMetadata><met:queries><met:type>ConnectedApp</met:type></met:queries></met:listMetadata>`)
	list := decodeSOAP(t, body).Body.List
	if len(list) != 2 || list[0].FullName != "Dr_ift_script_amp_x_y" {
		t.Fatalf("listMetadata %+v", list)
	}
	_, body = sm.soapCall(t, sm.token, `<met:readMetadata><met:type>ConnectedApp</met:type><met:fullNames>`+list[0].FullName+
		`</met:fullNames></met:readMetadata>`)
	recs := decodeSOAP(t, body).Body.Read
	if len(recs) != 1 || !strings.Contains(recs[0].Label, "<script>&amp;\u202e") {
		t.Errorf("readMetadata label %+v", recs)
	}
	files := sm.listLogFiles(t)
	rows := sm.logFile(t, files[len(files)-1].ID)
	if len(rows) != 2 || rows[1][11] != evil {
		t.Errorf("CSV round trip: %q", rows)
	}
}
