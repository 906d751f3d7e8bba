package entrasim

import (
	"errors"
	"fmt"

	"github.com/nhiscope/nhi/estate"
)

// checkEstate reports the first problem of each kind with the Microsoft tenant of e:
// missing or duplicate IDs and indexes that point nowhere.
func checkEstate(e *estate.Estate) error {
	ms := e.Microsoft
	var errs []error
	if ms.TenantID == "" || ms.Domain == "" {
		errs = append(errs, errors.New("microsoft tenant ID and domain are required"))
	}
	nu, ns, na := len(ms.Users), len(ms.ServicePrincipals), len(ms.Applications)
	for i, u := range ms.Users {
		if u.ObjectID == "" || u.Person < 0 || int(u.Person) >= len(e.People) {
			errs = append(errs, fmt.Errorf("user %d has no object ID or names person %d, not in the estate", i, u.Person))
			break
		}
	}
	errs = append(errs, unique("user", len(ms.Users), func(i int) string { return ms.Users[i].ObjectID }))
	errs = append(errs, unique("service principal", ns, func(i int) string { return ms.ServicePrincipals[i].ObjectID }))
	errs = append(errs, unique("service principal app", ns, func(i int) string { return ms.ServicePrincipals[i].AppID }))
	errs = append(errs, unique("application", na, func(i int) string { return ms.Applications[i].ObjectID }))
	errs = append(errs, unique("grant", len(ms.Grants), func(i int) string { return ms.Grants[i].ID }))
	errs = append(errs, unique("assignment", len(ms.Assignments), func(i int) string { return ms.Assignments[i].ID }))
	for i, sp := range ms.ServicePrincipals {
		if !allIn(sp.Owners, nu) {
			errs = append(errs, fmt.Errorf("service principal %d has an owner not among the users", i))
			break
		}
	}
	for i, a := range ms.Applications {
		if !allIn(a.Owners, nu) {
			errs = append(errs, fmt.Errorf("application %d has an owner not among the users", i))
			break
		}
	}
	for i, g := range ms.Grants {
		if !in(g.Client, ns) || !in(g.Resource, ns) || (g.Principal >= 0 && !in(g.Principal, nu)) ||
			(g.Principal < 0) != (g.ConsentType == "AllPrincipals") {
			errs = append(errs, fmt.Errorf("grant %d names a service principal or user not in the tenant, or mismatches its consent type", i))
			break
		}
	}
	for i, a := range ms.Assignments {
		if !in(a.Principal, ns) || !in(a.Resource, ns) {
			errs = append(errs, fmt.Errorf("assignment %d names a service principal not in the tenant", i))
			break
		}
	}
	errs = append(errs, checkAudits(ms))
	return errors.Join(errs...)
}

// checkAudits reports an audit event whose actor or target is not in the tenant.
func checkAudits(ms *estate.Microsoft) error {
	for i, a := range ms.Audits {
		if a.Actor >= int32(len(ms.Users)) || a.Target >= int32(len(ms.ServicePrincipals)) ||
			a.TargetApp >= int32(len(ms.Applications)) {
			return fmt.Errorf("audit event %d names an actor or target not in the tenant", i)
		}
	}
	return nil
}

// unique reports an empty or repeated ID among n.
func unique(what string, n int, id func(int) string) error {
	seen := make(map[string]bool, n)
	for i := range n {
		s := id(i)
		if s == "" || seen[s] {
			return fmt.Errorf("%s %d has an empty or repeated ID %q", what, i, s)
		}
		seen[s] = true
	}
	return nil
}

// in reports whether index i is within [0, n).
func in(i int32, n int) bool { return i >= 0 && int(i) < n }

// allIn reports whether every index is within [0, n).
func allIn(is []int32, n int) bool {
	for _, i := range is {
		if !in(i, n) {
			return false
		}
	}
	return true
}
