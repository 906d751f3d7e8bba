package salesforce

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
)

// XML namespaces of the Metadata API's SOAP messages.
const (
	nsEnvelope = "http://schemas.xmlsoap.org/soap/envelope/"
	nsMetadata = "http://soap.sforce.com/2006/04/metadata"
	// readBatch is how many full names one readMetadata call takes.
	readBatch = 10
)

// soapEnvelope is a request envelope; Body holds the operation element.
type soapEnvelope struct {
	XMLName xml.Name `xml:"soapenv:Envelope"`
	NS      string   `xml:"xmlns:soapenv,attr"`
	Header  struct {
		Session struct {
			XMLName   xml.Name `xml:"http://soap.sforce.com/2006/04/metadata SessionHeader"`
			SessionID string   `xml:"sessionId"`
		}
	} `xml:"soapenv:Header"`
	Body struct {
		Op any
	} `xml:"soapenv:Body"`
}

// listMetadataOp is the listMetadata operation for ConnectedApp components.
type listMetadataOp struct {
	XMLName xml.Name `xml:"http://soap.sforce.com/2006/04/metadata listMetadata"`
	Type    string   `xml:"queries>type"`
	Version string   `xml:"asOfVersion"`
}

// readMetadataOp is the readMetadata operation.
type readMetadataOp struct {
	XMLName   xml.Name `xml:"http://soap.sforce.com/2006/04/metadata readMetadata"`
	Type      string   `xml:"type"`
	FullNames []string `xml:"fullNames"`
}

// soapFaultEnvelope is a SOAP 1.1 fault answer.
type soapFaultEnvelope struct {
	Body struct {
		Fault struct {
			Code   string `xml:"faultcode"`
			String string `xml:"faultstring"`
		} `xml:"Fault"`
	} `xml:"Body"`
}

// listedApp is one listMetadata result: a ConnectedApp's full name and the
// ConnectedApplication ID.
type listedApp struct {
	FullName        string `xml:"fullName"`
	ID              string `xml:"id"`
	NamespacePrefix string `xml:"namespacePrefix"`
}

// appMetadata is a ConnectedApp component as readMetadata returns it (the fields read).
type appMetadata struct {
	FullName     string `xml:"fullName"`
	Label        string `xml:"label"`
	ContactEmail string `xml:"contactEmail"`
	Description  string `xml:"description"`
	OauthConfig  struct {
		ConsumerKey string   `xml:"consumerKey"`
		Scopes      []string `xml:"scopes"`
	} `xml:"oauthConfig"`
	OauthPolicy struct {
		IPRelaxation       string `xml:"ipRelaxation"`
		RefreshTokenPolicy string `xml:"refreshTokenPolicy"`
	} `xml:"oauthPolicy"`
}

// metadataVersion returns the configured version as the SOAP path spells it ("62.0").
func (c *Connector) metadataVersion() string { return strings.TrimPrefix(c.cfg.APIVersion, "v") }

// soapCall sends one Metadata API operation and decodes the answer's body into out.
func (r *rest) soapCall(ctx context.Context, op any, out any) error {
	build := func(s *session) []byte {
		env := soapEnvelope{NS: nsEnvelope}
		env.Header.Session.SessionID = s.token
		env.Body.Op = op
		b, _ := xml.Marshal(env) // fixed structs of strings always marshal
		return append([]byte(xml.Header), b...)
	}
	resp, err := r.do(ctx, call{method: http.MethodPost, path: "/services/Soap/m/" + r.c.metadataVersion(), body: build,
		contentType: "text/xml; charset=UTF-8", header: map[string]string{"SOAPAction": `""`}, resource: resMetadata})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return xml.NewDecoder(resp.Body).Decode(out)
}

// listApps lists the org's ConnectedApp components.
func (r *rest) listApps(ctx context.Context) ([]listedApp, error) {
	var ans struct {
		Results []listedApp `xml:"Body>listMetadataResponse>result"`
	}
	op := listMetadataOp{Type: "ConnectedApp", Version: r.c.metadataVersion()}
	if err := r.soapCall(ctx, op, &ans); err != nil {
		return nil, err
	}
	return ans.Results, nil
}

// readApps reads up to readBatch ConnectedApp components; names that name none are left
// out of the answer.
func (r *rest) readApps(ctx context.Context, names []string) ([]appMetadata, error) {
	var ans struct {
		Records []appMetadata `xml:"Body>readMetadataResponse>result>records"`
	}
	if err := r.soapCall(ctx, readMetadataOp{Type: "ConnectedApp", FullNames: names}, &ans); err != nil {
		return nil, err
	}
	out := ans.Records[:0]
	for _, m := range ans.Records {
		if m.FullName != "" {
			out = append(out, m)
		}
	}
	return out, nil
}

// scopeNames maps the Metadata API's ConnectedAppOauthAccessScope values to the OAuth
// scope names the permission catalogue uses.
var scopeNames = map[string]string{
	"Api": "api", "RefreshToken": "refresh_token", "Full": "full", "Web": "web", "OpenID": "openid",
	"Basic": "id", "Profile": "profile", "Email": "email", "Address": "address", "Phone": "phone",
	"OfflineAccess": "offline_access", "Chatter": "chatter_api", "CustomPermissions": "custom_permissions",
	"CustomApplications": "visualforce", "Wave": "wave_api", "Eclair": "eclair_api", "Pardot": "pardot_api",
	"Lightning": "lightning", "Content": "content",
}

// scopeName returns the OAuth scope name of a Metadata scope value; an unknown value
// becomes snake case ("CdpQueryApi" -> "cdp_query_api").
func scopeName(v string) string {
	v = strings.TrimSpace(v)
	if n, ok := scopeNames[v]; ok {
		return n
	}
	var b strings.Builder
	for i, r := range v {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return clip(b.String(), 64)
}

// refreshPolicy returns the refresh token policy of an app's metadata in lower case
// without its period ("specific_lifetime:3:DAYS" -> "specific_lifetime"); "" when unset.
func refreshPolicy(m *appMetadata) string {
	p, _, _ := strings.Cut(strings.TrimSpace(m.OauthPolicy.RefreshTokenPolicy), ":")
	return clip(strings.ToLower(p), 40)
}
