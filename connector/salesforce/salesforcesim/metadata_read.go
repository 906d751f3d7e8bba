package salesforcesim

import (
	"encoding/xml"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// readResponse is readMetadataResponse.
type readResponse struct {
	XMLName xml.Name       `xml:"readMetadataResponse"`
	Records []connectedApp `xml:"result>records"`
}

// connectedApp is a ConnectedApp component as readMetadata returns it.
type connectedApp struct {
	XsiType      string       `xml:"xsi:type,attr"`
	FullName     string       `xml:"fullName,omitempty"`
	ContactEmail string       `xml:"contactEmail,omitempty"`
	Label        string       `xml:"label,omitempty"`
	OauthConfig  *oauthConfig `xml:"oauthConfig"`
	OauthPolicy  *oauthPolicy `xml:"oauthPolicy"`
}

// oauthConfig is ConnectedAppOauthConfig.
type oauthConfig struct {
	CallbackURL     string   `xml:"callbackUrl"`
	IsAdminApproved bool     `xml:"isAdminApproved"`
	Scopes          []string `xml:"scopes"`
}

// oauthPolicy is ConnectedAppOauthPolicy.
type oauthPolicy struct {
	IPRelaxation       string `xml:"ipRelaxation"`
	RefreshTokenPolicy string `xml:"refreshTokenPolicy"`
}

// readMetadata reads up to ten ConnectedApp components by full name; a name that names
// none gives an empty record, as the Metadata API does.
func (s *Server) readMetadata(c caller, typ string, names []string) (any, *soapFault) {
	switch {
	case typ != "ConnectedApp":
		return nil, &soapFault{"sf:INVALID_TYPE", "INVALID_TYPE: The simulator reads ConnectedApp components only, not '" + typ + "'"}
	case len(names) > maxReadNames:
		return nil, &soapFault{"sf:EXCEEDED_ID_LIMIT", "EXCEEDED_ID_LIMIT: record limit reached. cannot submit more than 10 records in a single call"}
	case !c.customizeApplication:
		return nil, insufficient()
	}
	resp := readResponse{}
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	for _, n := range names {
		rec := connectedApp{XsiType: "ConnectedApp"}
		for _, a := range s.w.apps {
			if fullName(a.FullName, a.Name) == n {
				rec = s.w.renderApp(a)
				break
			}
		}
		resp.Records = append(resp.Records, rec)
	}
	return resp, nil
}

// renderApp describes an app as its ConnectedApp component.
func (w *world) renderApp(a estate.SFApp) connectedApp {
	policy := a.IPRelaxation
	if policy == "" {
		policy = "ENFORCE"
	}
	return connectedApp{XsiType: "ConnectedApp", FullName: fullName(a.FullName, a.Name), ContactEmail: contactEmail(a, w.myDomain),
		Label: a.Name,
		OauthConfig: &oauthConfig{CallbackURL: "https://login.salesforce.com/services/oauth2/callback",
			IsAdminApproved: a.AdminApprovedOnly, Scopes: metadataScopes(a.Scopes)},
		OauthPolicy: &oauthPolicy{IPRelaxation: policy, RefreshTokenPolicy: refreshPolicy(a)}}
}

// contactEmail returns a contact address for an app: its publisher's domain, or the
// company's own.
func contactEmail(a estate.SFApp, myDomain string) string {
	slug := strings.ToLower(fullName("", a.Company))
	if a.Internal || slug == "" {
		return "it@" + myDomain + ".example"
	}
	return "support@" + strings.ReplaceAll(slug, "_", "") + ".example"
}

// metadataScopes maps OAuth scope names ("api", "refresh_token", ...) to the Metadata
// API's ConnectedAppOauthAccessScope values ("Api", "RefreshToken", ...), once each.
func metadataScopes(scopes []string) []string {
	known := map[string]string{"api": "Api", "refresh_token": "RefreshToken", "offline_access": "RefreshToken",
		"full": "Full", "web": "Web", "openid": "OpenID", "id": "Basic", "profile": "Profile", "email": "Email",
		"address": "Address", "phone": "Phone", "chatter_api": "Chatter", "custom_permissions": "CustomPermissions",
		"visualforce": "CustomApplications", "wave_api": "Wave", "eclair_api": "Eclair", "pardot_api": "Pardot",
		"lightning": "Lightning", "content": "Content"}
	var out []string
	for _, sc := range scopes {
		m, ok := known[strings.ToLower(sc)]
		if !ok {
			m = camel(sc)
		}
		if m != "" && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// camel turns "cdp_query_api" into "CdpQueryApi".
func camel(s string) string {
	var sb strings.Builder
	for part := range strings.SplitSeq(s, "_") {
		if part != "" {
			sb.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return sb.String()
}

// refreshPolicy returns the oauthPolicy refreshTokenPolicy of an app: "infinite",
// "zero", or "specific_lifetime:N:UNIT" and "specific_inactivity:N:UNIT" with the period
// as retrieved metadata spells it.
func refreshPolicy(a estate.SFApp) string {
	unit := strings.ToUpper(a.RefreshTokenUnit)
	if unit == "" {
		unit = "DAYS"
	}
	switch a.RefreshTokenPolicy {
	case "specific_lifetime":
		return "specific_lifetime:" + itoa(a.RefreshTokenValidity) + ":" + unit
	case "inactivity":
		return "specific_inactivity:" + itoa(a.RefreshTokenValidity) + ":" + unit
	case "":
		return "infinite"
	}
	return a.RefreshTokenPolicy
}

// xsdTime formats an instant as xsd:dateTime with milliseconds.
func xsdTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
