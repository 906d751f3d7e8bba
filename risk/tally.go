package risk

import (
	"strings"

	"github.com/nhiscope/nhi"
)

// appAttributes are the identity attributes that describe the app rather than the grant.
func appAttributes() []string {
	return []string{"anonymous", "verified_publisher", "deceptive_name"}
}

// maxUsedFrom bounds the addresses AppInput.UsedFrom keeps: a vendor's servers use a few
// hundred at most. Identities at further addresses are counted in UsedFromDropped.
const maxUsedFrom = 4096

// AddrUse is how many of an app's identities were last used from one address, and the
// nhi ID of the first of them.
type AddrUse struct {
	N       int
	Example string
}

// serverSide reports whether an identity's uses come from its app's servers: not those of
// an installed (native) app, whose calls come from its user's device.
func serverSide(id *nhi.Identity) bool {
	return id.Attributes["native_app"] != "true" && !strings.HasPrefix(id.Attributes["client_type"], "NATIVE_")
}

// AddIdentity counts one identity of the app into in: its owner's status (unknown when
// owner is nil; departed when the owner is gone from the directory), whether an admin
// granted it, the address it was last used from (for identities whose calls come from the
// app's servers), and the app-level attributes connectors report on its identities.
func (in *AppInput) AddIdentity(id *nhi.Identity, owner *nhi.Person) {
	if in.Owners == nil {
		in.Owners = map[nhi.PersonStatus]int{}
	}
	for _, k := range appAttributes() {
		if v, ok := id.Attributes[k]; ok {
			if in.Attributes == nil {
				in.Attributes = map[string]string{}
			}
			in.Attributes[k] = v
		}
	}
	if ip := id.Attributes["last_used_ip"]; ip != "" && serverSide(id) {
		if in.UsedFrom == nil {
			in.UsedFrom = map[string]AddrUse{}
		}
		u, ok := in.UsedFrom[ip]
		switch {
		case ok:
			u.N++
			in.UsedFrom[ip] = u
		case len(in.UsedFrom) < maxUsedFrom:
			in.UsedFrom[ip] = AddrUse{N: 1, Example: id.ID}
		default:
			in.UsedFromDropped++
		}
	}
	switch {
	case owner == nil || owner.Status == "":
		in.Owners[nhi.PersonUnknown]++
		return
	case !owner.GoneAt.IsZero():
		in.Owners[nhi.PersonDeparted]++
	default:
		in.Owners[owner.Status]++
	}
	if owner.IsAdmin {
		in.Admins++
	}
}
