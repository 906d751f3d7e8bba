package salesforcesim

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// XML namespaces of the Metadata API's SOAP messages.
const (
	nsEnvelope = "http://schemas.xmlsoap.org/soap/envelope/"
	nsMetadata = "http://soap.sforce.com/2006/04/metadata"
	nsXSI      = "http://www.w3.org/2001/XMLSchema-instance"
	// maxReadNames is how many full names one readMetadata call takes.
	maxReadNames = 10
	maxSOAPBody  = 1 << 20
)

// soapRequest is a Metadata API request envelope, as far as the simulator reads it.
type soapRequest struct {
	XMLName xml.Name `xml:"Envelope"`
	Header  struct {
		SessionID string `xml:"SessionHeader>sessionId"`
	} `xml:"Header"`
	Body struct {
		List *struct {
			Queries []struct {
				Type   string `xml:"type"`
				Folder string `xml:"folder"`
			} `xml:"queries"`
		} `xml:"listMetadata"`
		Read *struct {
			Type      string   `xml:"type"`
			FullNames []string `xml:"fullNames"`
		} `xml:"readMetadata"`
		Any []struct {
			XMLName xml.Name
		} `xml:",any"`
	} `xml:"Body"`
}

// soapFault is a SOAP 1.1 fault; code is "sf:INVALID_SESSION_ID", "soapenv:Client", ...
type soapFault struct {
	code, msg string
}

// handleMetadata answers POST /services/Soap/m/{version}: listMetadata and readMetadata
// of type ConnectedApp, with SOAP faults for a bad session, a spent allocation, missing
// permission and requests the simulator does not take.
func (s *Server) handleMetadata(w http.ResponseWriter, r *http.Request) {
	if v, ok := strings.CutSuffix(r.PathValue("version"), ".0"); !ok || !knownVersion("v"+v+".0") {
		writeSOAPFault(w, soapFault{"sf:UNSUPPORTED_API_VERSION", "UNSUPPORTED_API_VERSION: Invalid Api version specified on URL"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSOAPBody))
	var req soapRequest
	if err != nil || xml.Unmarshal(body, &req) != nil || req.XMLName.Space != nsEnvelope {
		writeSOAPFault(w, soapFault{"soapenv:Client", "Unable to parse the request envelope"})
		return
	}
	c, ok := s.callerOf(strings.TrimSpace(req.Header.SessionID))
	if !ok {
		writeSOAPFault(w, soapFault{"sf:INVALID_SESSION_ID", "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session"})
		return
	}
	if !s.spend() {
		writeSOAPFault(w, soapFault{"sf:REQUEST_LIMIT_EXCEEDED", "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded."})
		return
	}
	s.setLimitInfo(w)
	var out any
	var fault *soapFault
	switch b := req.Body; {
	case b.List != nil:
		out, fault = s.listMetadata(c, b.List.Queries)
	case b.Read != nil:
		out, fault = s.readMetadata(c, b.Read.Type, b.Read.FullNames)
	default:
		op := "(none)"
		if len(b.Any) > 0 {
			op = "{" + b.Any[0].XMLName.Space + "}" + b.Any[0].XMLName.Local
		}
		fault = &soapFault{"soapenv:Client", "No operation available for request " + op}
	}
	if fault != nil {
		writeSOAPFault(w, *fault)
		return
	}
	writeSOAP(w, http.StatusOK, out)
}

// writeSOAP writes an envelope around body.
func writeSOAP(w http.ResponseWriter, status int, body any) {
	inner, err := xml.Marshal(body)
	if err != nil {
		status, inner = http.StatusInternalServerError, nil
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="` + nsEnvelope +
		`" xmlns="` + nsMetadata + `" xmlns:xsi="` + nsXSI + `"><soapenv:Body>`)
	b.Write(inner)
	b.WriteString(`</soapenv:Body></soapenv:Envelope>`)
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// faultBody is the Fault element.
type faultBody struct {
	XMLName     xml.Name `xml:"soapenv:Fault"`
	FaultCode   string   `xml:"faultcode"`
	FaultString string   `xml:"faultstring"`
}

// writeSOAPFault answers a fault with HTTP 500, as SOAP 1.1 does; the envelope declares
// the sf prefix the codes use.
func writeSOAPFault(w http.ResponseWriter, f soapFault) {
	inner, _ := xml.Marshal(faultBody{FaultCode: f.code, FaultString: f.msg})
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="` + nsEnvelope +
		`" xmlns:sf="` + nsMetadata + `"><soapenv:Body>`)
	b.Write(inner)
	b.WriteString(`</soapenv:Body></soapenv:Envelope>`)
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write(b.Bytes())
}

// fileProperties is one listMetadata result.
type fileProperties struct {
	CreatedByID        string `xml:"createdById"`
	CreatedByName      string `xml:"createdByName"`
	CreatedDate        string `xml:"createdDate"`
	FileName           string `xml:"fileName"`
	FullName           string `xml:"fullName"`
	ID                 string `xml:"id"`
	LastModifiedByID   string `xml:"lastModifiedById"`
	LastModifiedByName string `xml:"lastModifiedByName"`
	LastModifiedDate   string `xml:"lastModifiedDate"`
	ManageableState    string `xml:"manageableState"`
	NamespacePrefix    string `xml:"namespacePrefix,omitempty"`
	Type               string `xml:"type"`
}

// listResponse is listMetadataResponse.
type listResponse struct {
	XMLName xml.Name         `xml:"listMetadataResponse"`
	Results []fileProperties `xml:"result"`
}

// listMetadata lists the ConnectedApp components; other types list nothing.
func (s *Server) listMetadata(c caller, queries []struct {
	Type   string `xml:"type"`
	Folder string `xml:"folder"`
}) (any, *soapFault) {
	if len(queries) == 0 || len(queries) > 3 {
		return nil, &soapFault{"sf:INVALID_QUERY_FILTER_OPERATOR", "INVALID_QUERY_FILTER_OPERATOR: listMetadata takes 1 to 3 queries"}
	}
	if !c.customizeApplication {
		return nil, insufficient()
	}
	resp := listResponse{}
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	creator := s.w.users[s.w.adminUser()]
	for _, q := range queries {
		if q.Type != "ConnectedApp" {
			continue
		}
		for _, a := range s.w.apps {
			name := fullName(a.FullName, a.Name)
			ns, _, managed := strings.Cut(name, "__")
			fp := fileProperties{CreatedByID: creator.ID, CreatedByName: creator.Name, CreatedDate: xsdTime(a.CreatedAt),
				FileName: "connectedApps/" + name + ".connectedApp", FullName: name, ID: a.ID, LastModifiedByID: creator.ID,
				LastModifiedByName: creator.Name, LastModifiedDate: xsdTime(a.CreatedAt), ManageableState: "unmanaged",
				Type: "ConnectedApp"}
			if managed {
				fp.ManageableState, fp.NamespacePrefix = "installed", ns
			}
			resp.Results = append(resp.Results, fp)
		}
	}
	return resp, nil
}

// insufficient is the fault for a caller without Customize Application.
func insufficient() *soapFault {
	return &soapFault{"sf:INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS: insufficient access rights on entity: ConnectedApp"}
}

// adminUser returns the index of the first System Administrator, or the integration
// user. w.mu is held.
func (w *world) adminUser() int {
	for i, u := range w.users {
		if u.Profile == "System Administrator" {
			return i
		}
	}
	return w.nhiUser
}

// fullName returns an app's Metadata API name: its FullName, or its name with every run
// of other characters than letters and digits made one underscore.
func fullName(full, name string) string {
	if full != "" {
		return full
	}
	var sb strings.Builder
	for _, r := range name {
		if r < 128 && (isIdentPart(byte(r))) && r != '_' {
			sb.WriteRune(r)
		} else if sb.Len() > 0 && !strings.HasSuffix(sb.String(), "_") {
			sb.WriteByte('_')
		}
	}
	return strings.TrimSuffix(sb.String(), "_")
}

// itoa formats an int.
func itoa(n int) string { return strconv.Itoa(n) }
