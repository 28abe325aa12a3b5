package datatracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
)

// Role slugs the liaison bot reads.
const (
	RoleLiaisonManager     = "liaiman"             // IETF liaison manager, on an SDO group
	RoleLiaisonCoordinator = "liaison_coordinator" // IAB liaison coordinator, on group iab
)

// Role is a person's role in a group (/api/v1/group/role/ID/).
type Role struct {
	ID       int64
	Name     string // role slug, e.g. "liaiman"
	GroupID  int64
	PersonID int64
	Email    string // the address the role uses, "" if none
}

// roleJSON is the API shape of a role.
type roleJSON struct {
	ID     int64   `json:"id"`
	Name   string  `json:"name"`
	Group  string  `json:"group"`
	Person string  `json:"person"`
	Email  *string `json:"email"`
}

func decodeRole(raw json.RawMessage) (Role, int64, error) {
	var j roleJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return Role{}, 0, fmt.Errorf("role: %w", err)
	}
	if j.ID <= 0 {
		return Role{}, 0, errors.New("role: missing id")
	}
	r := Role{ID: j.ID}
	var err error
	if r.Name, err = requiredSlug("name", j.Name); err != nil {
		return Role{}, 0, fmt.Errorf("role %d: %w", j.ID, err)
	}
	if r.GroupID, err = requiredID("group", j.Group); err != nil {
		return Role{}, 0, fmt.Errorf("role %d: %w", j.ID, err)
	}
	if r.PersonID, err = requiredID("person", j.Person); err != nil {
		return Role{}, 0, fmt.Errorf("role %d: %w", j.ID, err)
	}
	if j.Email != nil && *j.Email != "" {
		if r.Email, err = EmailFromURI(*j.Email); err != nil {
			return Role{}, 0, fmt.Errorf("role %d: email: %w", j.ID, err)
		}
	}
	return r, r.ID, nil
}

// Roles lists roles matching filter, e.g.
// url.Values{"name": {"liaiman"}, "group__type": {"sdo"}} or
// url.Values{"group__acronym": {"iab"}, "name": {"liaison_coordinator"}}.
func (c *Client) Roles(ctx context.Context, filter url.Values) ([]Role, error) {
	return list(ctx, c, pathRole, filter, decodeRole)
}
