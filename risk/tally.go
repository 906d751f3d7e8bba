package risk

import "github.com/nhiscope/nhi"

// appAttributes are the identity attributes that describe the app rather than the grant.
func appAttributes() []string {
	return []string{"anonymous", "verified_publisher", "deceptive_name"}
}

// maxUsedFrom bounds the addresses AppInput.UsedFrom keeps: a vendor's servers use a few
// hundred at most, and an app whose identities come from more is counted on the first.
const maxUsedFrom = 4096

// AddIdentity counts one identity of the app into in: its owner's status (unknown when
// owner is nil; departed when the owner is gone from the directory), whether an admin
// granted it, the address it was last used from, and the app-level attributes connectors
// report on its identities.
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
	if ip := id.Attributes["last_used_ip"]; ip != "" {
		if in.UsedFrom == nil {
			in.UsedFrom = map[string]int{}
		}
		if _, ok := in.UsedFrom[ip]; ok || len(in.UsedFrom) < maxUsedFrom {
			in.UsedFrom[ip]++
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
