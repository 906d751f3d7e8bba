package salesforcesim

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// soapCall posts a Metadata API envelope with the session ID sid around op.
func (sm *sim) soapCall(t *testing.T, sid, op string) (int, string) {
	t.Helper()
	env := `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
		`xmlns:met="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><met:SessionHeader><met:sessionId>` + sid +
		`</met:sessionId></met:SessionHeader></soapenv:Header><soapenv:Body>` + op + `</soapenv:Body></soapenv:Envelope>`
	status, hdr, body := sm.do(t, http.MethodPost, "/services/Soap/m/62.0", "", env, "Content-Type", "text/xml", "SOAPAction", `""`)
	if !strings.HasPrefix(hdr.Get("Content-Type"), "text/xml") {
		t.Errorf("Content-Type %q", hdr.Get("Content-Type"))
	}
	return status, string(body)
}

// soapAnswer decodes a Metadata API answer the way a client does.
type soapAnswer struct {
	Body struct {
		Fault *struct {
			Code   string `xml:"faultcode"`
			String string `xml:"faultstring"`
		} `xml:"Fault"`
		List []struct {
			FullName        string `xml:"fullName"`
			ID              string `xml:"id"`
			Type            string `xml:"type"`
			FileName        string `xml:"fileName"`
			ManageableState string `xml:"manageableState"`
			NamespacePrefix string `xml:"namespacePrefix"`
		} `xml:"listMetadataResponse>result"`
		Read []struct {
			Type        string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
			FullName    string `xml:"fullName"`
			Label       string `xml:"label"`
			OauthConfig struct {
				IsAdminApproved bool     `xml:"isAdminApproved"`
				Scopes          []string `xml:"scopes"`
			} `xml:"oauthConfig"`
			OauthPolicy struct {
				IPRelaxation       string `xml:"ipRelaxation"`
				RefreshTokenPolicy string `xml:"refreshTokenPolicy"`
			} `xml:"oauthPolicy"`
		} `xml:"readMetadataResponse>result>records"`
	} `xml:"Body"`
}

// decodeSOAP decodes an answer.
func decodeSOAP(t *testing.T, body string) soapAnswer {
	t.Helper()
	var a soapAnswer
	if err := xml.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("answer is not XML: %v\n%s", err, body)
	}
	return a
}

func TestListMetadata(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	status, body := sm.soapCall(t, sm.token, `<met:listMetadata><met:queries><met:type>ConnectedApp</met:type></met:queries>`+
		`<met:asOfVersion>62.0</met:asOfVersion></met:listMetadata>`)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	a := decodeSOAP(t, body)
	type item struct{ FullName, ID, FileName, State, NS string }
	var got []item
	for _, r := range a.Body.List {
		if r.Type != "ConnectedApp" {
			t.Errorf("type %q", r.Type)
		}
		got = append(got, item{r.FullName, r.ID, r.FileName, r.ManageableState, r.NamespacePrefix})
	}
	want := []item{{"Drift", appDrift, "connectedApps/Drift.connectedApp", "unmanaged", ""},
		{"sfdx__Salesforce_CLI", appCLI, "connectedApps/sfdx__Salesforce_CLI.connectedApp", "installed", "sfdx"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("listMetadata (-want +got):\n%s", diff)
	}
	_, other := sm.soapCall(t, sm.token, `<met:listMetadata><met:queries><met:type>ApexClass</met:type></met:queries></met:listMetadata>`)
	if a := decodeSOAP(t, other); len(a.Body.List) != 0 || a.Body.Fault != nil {
		t.Errorf("listMetadata ApexClass: %s", other)
	}
}

func TestReadMetadata(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	status, body := sm.soapCall(t, sm.token, `<met:readMetadata><met:type>ConnectedApp</met:type><met:fullNames>Drift</met:fullNames>`+
		`<met:fullNames>sfdx__Salesforce_CLI</met:fullNames><met:fullNames>Missing</met:fullNames></met:readMetadata>`)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	recs := decodeSOAP(t, body).Body.Read
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3: %s", len(recs), body)
	}
	drift, cli, missing := recs[0], recs[1], recs[2]
	if drift.Type != "ConnectedApp" || drift.FullName != "Drift" || drift.Label != "Drift" || drift.OauthConfig.IsAdminApproved ||
		drift.OauthPolicy.IPRelaxation != "BYPASS" || drift.OauthPolicy.RefreshTokenPolicy != "infinite" {
		t.Errorf("Drift %+v", drift)
	}
	if diff := cmp.Diff([]string{"Api", "RefreshToken", "Full"}, drift.OauthConfig.Scopes); diff != "" {
		t.Errorf("Drift scopes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Api", "Web", "RefreshToken"}, cli.OauthConfig.Scopes); diff != "" {
		t.Errorf("CLI scopes (-want +got):\n%s", diff)
	}
	if !cli.OauthConfig.IsAdminApproved || cli.OauthPolicy.RefreshTokenPolicy != "specific_lifetime:90:DAYS" {
		t.Errorf("CLI %+v", cli)
	}
	if missing.FullName != "" {
		t.Errorf("missing component %+v, want an empty record", missing)
	}
}

func TestMetadataFaults(t *testing.T) {
	t.Parallel()
	sm := newSim(t, nil, Options{})
	bob := sm.signIn(t, "bob@example.com")
	read := `<met:readMetadata><met:type>ConnectedApp</met:type><met:fullNames>Drift</met:fullNames></met:readMetadata>`
	tests := []struct {
		name, sid, op, code string
	}{
		{"bad session", "00Dxx!nope", read, "sf:INVALID_SESSION_ID"},
		{"no session", "", read, "sf:INVALID_SESSION_ID"},
		{"no Customize Application", bob, read, "sf:INSUFFICIENT_ACCESS"},
		{"too many names", sm.token, `<met:readMetadata><met:type>ConnectedApp</met:type>` +
			strings.Repeat(`<met:fullNames>x</met:fullNames>`, 11) + `</met:readMetadata>`, "sf:EXCEEDED_ID_LIMIT"},
		{"other type", sm.token, `<met:readMetadata><met:type>ApexClass</met:type><met:fullNames>x</met:fullNames></met:readMetadata>`,
			"sf:INVALID_TYPE"},
		{"unknown operation", sm.token, `<met:deploy/>`, "soapenv:Client"},
	}
	for _, tt := range tests {
		status, body := sm.soapCall(t, tt.sid, tt.op)
		f := decodeSOAP(t, body).Body.Fault
		if status != http.StatusInternalServerError || f == nil || f.Code != tt.code || f.String == "" {
			t.Errorf("%s: %d %s, want fault %s", tt.name, status, body, tt.code)
		}
	}
	status, _, body := sm.do(t, http.MethodPost, "/services/Soap/m/62.0", "", "<not-soap", "Content-Type", "text/xml")
	if f := decodeSOAP(t, string(body)).Body.Fault; status != 500 || f == nil || f.Code != "soapenv:Client" {
		t.Errorf("malformed envelope: %d %s", status, body)
	}
}
