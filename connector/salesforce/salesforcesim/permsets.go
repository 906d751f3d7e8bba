package salesforcesim

import (
	"strconv"
	"strings"
	"time"
)

// The system permissions PermissionSet carries, in the order of permBits.
var permNames = []string{"ViewAllData", "ModifyAllData", "ApiEnabled", "ApiUserOnly", "ManageUsers", "CustomizeApplication"}

// permBits returns the system permissions of u as bits in the order of permNames.
func permBits(u *user) int {
	bits := 0
	for i, on := range []bool{u.ViewAllData, u.ModifyAllData, u.APIEnabled, u.APIOnly, u.ManageUsers, u.CustomizeApplication} {
		if on {
			bits |= 1 << i
		}
	}
	return bits
}

// permSet is a PermissionSet as PermissionSetAssignment shows it.
type permSet struct {
	id, name       string
	ownedByProfile bool
	bits           int
}

// profiles returns the ID of every profile, by name. w.mu is held.
func (w *world) profiles() map[string]string {
	out := map[string]string{}
	for _, u := range w.users {
		if u.Profile != "" {
			out[u.Profile] = hashID("00e", w.orgID, u.Profile)
		}
	}
	return out
}

// assignment is one PermissionSetAssignment: a user and a permission set.
type assignment struct {
	user int
	set  permSet
}

// assignments derives the permission sets behind the users' system permissions: each
// profile's own set grants what all its users hold, and each user whose permissions go
// beyond the profile's holds one more set granting the rest. w.mu is held.
func (w *world) assignments() []assignment {
	common := map[string]int{}
	for _, u := range w.users {
		b, ok := common[u.Profile]
		if !ok {
			b = permBits(u)
		}
		common[u.Profile] = b & permBits(u)
	}
	var out []assignment
	for i, u := range w.users {
		pid := hashID("00e", w.orgID, u.Profile)
		out = append(out, assignment{user: i, set: permSet{id: hashID("0PS", w.orgID, "profile", u.Profile),
			name: "X" + id15(pid), ownedByProfile: true, bits: common[u.Profile]}})
		if extra := permBits(u) &^ common[u.Profile]; extra != 0 {
			out = append(out, assignment{user: i, set: extraSet(w.orgID, extra)})
		}
	}
	return out
}

// extraSet returns the permission set granting exactly the permissions bits.
func extraSet(orgID string, bits int) permSet {
	var names []string
	for i, n := range permNames {
		if bits&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return permSet{id: hashID("0PS", orgID, "extra", strconv.Itoa(bits)), name: "Grant_" + strings.Join(names, "_"), bits: bits}
}

// permSetAssignObject is PermissionSetAssignment with the PermissionSet fields that
// matter.
func permSetAssignObject() *sobject {
	fields := []fieldDef{f("Id", kID), f("AssigneeId", kID), f("PermissionSetId", kID), f("PermissionSet.Name", kString),
		f("PermissionSet.IsOwnedByProfile", kBool)}
	for _, n := range permNames {
		fields = append(fields, f("PermissionSet.Permissions"+n, kBool))
	}
	o := newObject("PermissionSetAssignment", map[string]string{"PermissionSet": "PermissionSet"}, fields...)
	o.rows = func(s *Server, _ caller, _ time.Time) []row {
		var out []row
		for _, a := range s.w.assignments() {
			u := s.w.users[a.user]
			id := hashID("0Pa", s.w.orgID, u.ID, a.set.id)
			vals := []any{id, u.ID, a.set.id, a.set.name, a.set.ownedByProfile}
			for i := range permNames {
				vals = append(vals, a.set.bits&(1<<i) != 0)
			}
			out = append(out, row{id: id, vals: vals, relIDs: map[string]string{"PermissionSet": a.set.id}})
		}
		return out
	}
	return o
}
