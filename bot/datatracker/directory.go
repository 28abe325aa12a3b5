package datatracker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"
)

// Contact is a role holder resolved to a name and an address.
type Contact struct {
	RoleID   int64
	Role     string // role slug: liaiman or liaison_coordinator
	GroupID  int64
	PersonID int64
	Name     string // Person.DisplayName()
	ASCII    string // Person.ASCII, for matching
	Email    string // the address the role uses
}

// Directory is a snapshot of the Datatracker's liaison directory.
type Directory struct {
	// Groups holds every group of type sdo, in every state (the caller
	// decides what to do with concluded ones), in id order.
	Groups []Group
	// Managers maps a group id to its liaison managers (liaiman roles),
	// in role id order. Groups without managers have no entry.
	Managers map[int64][]Contact
	// Coordinators are the IAB's liaison_coordinator role holders.
	Coordinators []Contact
	// FetchedAt is when the snapshot was started.
	FetchedAt time.Time
}

// Group returns the SDO group with the given id.
func (d *Directory) Group(id int64) (Group, bool) {
	for _, g := range d.Groups {
		if g.ID == id {
			return g, true
		}
	}
	return Group{}, false
}

// DirectorySnapshot fetches all sdo groups, the liaiman roles on them and
// the IAB's liaison_coordinator roles, each resolved to the person's
// display name and the role's address. Persons are fetched fresh, once
// each per snapshot (and refresh the client's cache). It fails, and returns
// nothing, if any request fails or any answer is malformed, or if the
// Datatracker lists no sdo groups at all (an empty directory is far more
// likely a broken mirror than the truth).
func (c *Client) DirectorySnapshot(ctx context.Context) (*Directory, error) {
	d := &Directory{FetchedAt: c.now(), Managers: map[int64][]Contact{}}
	fail := func(err error) (*Directory, error) {
		return nil, fmt.Errorf("datatracker: directory snapshot: %w", err)
	}

	groups, err := c.Groups(ctx, url.Values{"type": {"sdo"}})
	if err != nil {
		return fail(err)
	}
	sdo := map[int64]bool{}
	for _, g := range groups {
		if g.Type != "" && g.Type != "sdo" { // the server ignored the filter
			continue
		}
		sdo[g.ID] = true
		d.Groups = append(d.Groups, g)
	}
	if len(d.Groups) == 0 {
		return fail(&Error{Kind: KindOther, URL: c.endpoint(pathGroup, "type=sdo"), Err: errors.New("no sdo groups listed")})
	}

	managers, err := c.Roles(ctx, url.Values{"name": {RoleLiaisonManager}, "group__type": {"sdo"}})
	if err != nil {
		return fail(err)
	}
	coordinators, err := c.Roles(ctx, url.Values{"group__acronym": {"iab"}, "name": {RoleLiaisonCoordinator}})
	if err != nil {
		return fail(err)
	}

	persons := map[int64]Person{}
	contact := func(r Role) (Contact, error) {
		p, ok := persons[r.PersonID]
		if !ok {
			var err error
			if p, err = c.person(ctx, r.PersonID, true); err != nil {
				return Contact{}, fmt.Errorf("role %d: %w", r.ID, err)
			}
			persons[r.PersonID] = p
		}
		return Contact{RoleID: r.ID, Role: r.Name, GroupID: r.GroupID, PersonID: p.ID,
			Name: p.DisplayName(), ASCII: p.ASCII, Email: r.Email}, nil
	}

	for _, r := range managers {
		if r.Name != RoleLiaisonManager || !sdo[r.GroupID] {
			c.log.LogAttrs(ctx, slog.LevelWarn, "datatracker: skipping role outside the filter",
				slog.Int64("role", r.ID), slog.String("name", r.Name), slog.Int64("group", r.GroupID))
			continue
		}
		ct, err := contact(r)
		if err != nil {
			return fail(err)
		}
		d.Managers[r.GroupID] = append(d.Managers[r.GroupID], ct)
	}
	for _, r := range coordinators {
		if r.Name != RoleLiaisonCoordinator {
			continue
		}
		g, err := c.Group(ctx, r.GroupID)
		if err != nil {
			return fail(fmt.Errorf("role %d: %w", r.ID, err))
		}
		if g.Acronym != "iab" {
			continue
		}
		ct, err := contact(r)
		if err != nil {
			return fail(err)
		}
		d.Coordinators = append(d.Coordinators, ct)
	}
	return d, nil
}
