package entra

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The documented calls remediation makes on application permissions (app role
// assignments).
const (
	callListAssignments  = "GET /v1.0/servicePrincipals/{id}/appRoleAssignments"
	callGetResource      = "GET /v1.0/servicePrincipals/{resourceId}"
	callDeleteAssignment = "DELETE /v1.0/servicePrincipals/{id}/appRoleAssignments/{assignmentId}"
)

// heldRole is one application permission a service principal holds: the assignment's ID
// and the role's value as its resource publishes it (its ID when the resource publishes
// no value for it).
type heldRole struct {
	assignment, value, roleID string
}

// matches reports whether r is one of scopes, by value (without regard to case) or by
// role ID.
func (r heldRole) matches(scopes []string) bool {
	return slices.ContainsFunc(scopes, func(s string) bool {
		return strings.EqualFold(s, r.value) || strings.EqualFold(s, r.roleID)
	})
}

// readRoles lists the application permissions service principal id holds, each role ID
// resolved through its resource service principal (read once per resource); gone says
// Graph answered the principal's 404. Errors are mapped.
func (c *Connector) readRoles(ctx context.Context, g *graph, id string) (roles []heldRole, gone bool, err error) {
	var as []assignment
	_, err = list(ctx, g, resAssignments, "v1.0/servicePrincipals/"+escape(id)+"/appRoleAssignments?$top="+pageSize,
		func(page []assignment) error {
			as = append(as, page...)
			return nil
		})
	switch {
	case isGone(err):
		return nil, true, nil
	case err != nil:
		return nil, false, c.remError(err, resAssignments, PermissionAssignmentWrite)
	}
	published := map[string][]appRole{}
	for _, a := range as {
		if a.DeletedDateTime != "" || a.AppRoleID == zeroGUID || !validID(a.ID) ||
			!strings.EqualFold(a.PrincipalType, "ServicePrincipal") {
			continue
		}
		rs, ok := published[a.ResourceID]
		if !ok && validID(a.ResourceID) {
			var res servicePrincipal
			err := g.get(ctx, "v1.0/servicePrincipals/"+escape(a.ResourceID)+"?$select=id,appRoles", &res)
			if err != nil && !isGone(err) {
				return nil, false, c.remError(err, resSPs, PermissionAssignmentWrite)
			}
			rs, published[a.ResourceID] = res.AppRoles, res.AppRoles
		}
		r := heldRole{assignment: a.ID, value: a.AppRoleID, roleID: a.AppRoleID}
		if i := slices.IndexFunc(rs, func(x appRole) bool { return x.ID == a.AppRoleID }); i >= 0 && rs[i].Value != "" {
			r.value = rs[i].Value
		}
		roles = append(roles, r)
	}
	return roles, false, nil
}

// removeRoles removes the application permissions t.scopes names from the service
// principal t names: it reads the principal (refusing nhi's own and Microsoft's), lists
// its app role assignments, and deletes each assignment of a role whose value or ID is
// in t.scopes. A value two resources both publish is removed from both. A principal
// that is gone, or holds none of the roles, is AlreadyDone.
func (c *Connector) removeRoles(ctx context.Context, g *graph, t remTarget) (connector.Outcome, error) {
	out := connector.Outcome{Call: callGetSP}
	h, gone, err := c.readSP(ctx, g, t.object)
	if err != nil {
		return out, fmt.Errorf("entra: read service principal %s: %w", t.object, err)
	}
	if gone {
		out.AlreadyDone = true
		return out, nil
	}
	if err := c.refuseSelf(h, t.object); err != nil {
		return out, err
	}
	out.Call += "; " + callListAssignments + "; " + callGetResource
	roles, gone, err := c.readRoles(ctx, g, t.object)
	if err != nil {
		return out, fmt.Errorf("entra: read application permissions of %s: %w", t.object, err)
	}
	if gone {
		out.AlreadyDone = true
		return out, nil
	}
	for _, r := range roles {
		if !r.matches(t.scopes) {
			continue
		}
		err := g.send(ctx, "DELETE", "v1.0/servicePrincipals/"+escape(t.object)+"/appRoleAssignments/"+escape(r.assignment), nil)
		switch {
		case isGone(err):
		case err != nil:
			return out, fmt.Errorf("entra: remove application permission %s (assignment %s) of %s: %w", nhi.CleanText(r.value),
				r.assignment, t.object, c.remError(err, resAssignments, PermissionAssignmentWrite))
		default:
			out.Changed++
		}
	}
	if out.Changed == 0 {
		out.AlreadyDone = true
		return out, nil
	}
	out.Call += "; " + callDeleteAssignment
	return out, nil
}

// verifyRoles re-lists the application permissions of the service principal t names:
// gone when it answers 404 or holds none of t.scopes.
func (c *Connector) verifyRoles(ctx context.Context, g *graph, t remTarget) (connector.Verification, error) {
	roles, gone, err := c.readRoles(ctx, g, t.object)
	switch {
	case err != nil:
		return connector.Verification{}, fmt.Errorf("entra: verify application permissions of %s: %w", t.object, err)
	case gone:
		return connector.Verification{Gone: true, Detail: fmt.Sprintf("%s answers 404: service principal %s is gone",
			callListAssignments, t.object)}, nil
	}
	var left []string
	for _, r := range roles {
		if r.matches(t.scopes) {
			left = append(left, r.value)
		}
	}
	if len(left) == 0 {
		return connector.Verification{Gone: true, Detail: fmt.Sprintf("%s shows service principal %s without the permissions removed",
			callListAssignments, t.object)}, nil
	}
	return connector.Verification{Remaining: len(left), Detail: fmt.Sprintf("%s shows service principal %s still holds %s",
		callListAssignments, t.object, nhi.CleanText(strings.Join(left, " ")))}, nil
}
