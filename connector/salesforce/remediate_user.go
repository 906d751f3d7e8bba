package salesforce

import (
	"context"
	"fmt"
	"net/http"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// loginOf reads the UserLogin row of a user; found is false when there is none.
func (c *Connector) loginOf(ctx context.Context, r *rest, userID string) (login userLoginRecord, found bool, err error) {
	err = query(ctx, r, resLogins, "SELECT Id, UserId, IsFrozen FROM UserLogin WHERE UserId = "+soqlString(userID),
		func(rs []userLoginRecord) error {
			for _, l := range rs {
				if validSFID(l.ID, "") && !found {
					login, found = l, true
				}
			}
			return nil
		})
	return login, found, err
}

// freeze freezes an integration user through its UserLogin row: the user can no longer
// sign in, and its sessions and OAuth tokens stop working, while the user, its data and
// its tokens' rows stay (unfreezing restores them).
func (c *Connector) freeze(ctx context.Context, r *rest, a nhi.Action) (connector.Outcome, error) {
	login, found, err := c.loginOf(ctx, r, a.ExternalID)
	switch {
	case err != nil:
		return connector.Outcome{}, err
	case !found:
		return connector.Outcome{}, nhi.Errorf(nhi.CodeNotFound, "salesforce: user %s has no UserLogin row to freeze", a.ExternalID)
	case login.IsFrozen:
		return connector.Outcome{Call: callLogins, AlreadyDone: true}, nil
	}
	body := []byte(`{"IsFrozen":true}`)
	resp, err := r.do(ctx, call{method: http.MethodPatch, path: c.dataPath("sobjects/UserLogin/" + login.ID), change: true,
		resource: resLogins, body: func(*session) []byte { return body }, contentType: "application/json"})
	if err != nil {
		return connector.Outcome{}, err
	}
	resp.Body.Close()
	return connector.Outcome{Call: callFreeze, Changed: 1}, nil
}

// verifyFrozen re-reads a user's UserLogin row.
func (c *Connector) verifyFrozen(ctx context.Context, r *rest, a nhi.Action) (connector.Verification, error) {
	login, found, err := c.loginOf(ctx, r, a.ExternalID)
	if err != nil {
		return connector.Verification{}, err
	}
	if !found {
		return connector.Verification{}, nhi.Errorf(nhi.CodeNotFound, "salesforce: user %s has no UserLogin row", a.ExternalID)
	}
	v := connector.Verification{Gone: login.IsFrozen, Detail: fmt.Sprintf("UserLogin %s of user %s: IsFrozen %v",
		login.ID, a.ExternalID, login.IsFrozen)}
	if !v.Gone {
		v.Remaining = 1
	}
	return v, nil
}
