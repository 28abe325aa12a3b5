package datatracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Group is a Datatracker group (/api/v1/group/group/ID/), e.g. an SDO.
type Group struct {
	ID            int64
	Acronym       string // lower case, as the API returns it
	Name          string
	ParentID      int64  // 0 if none
	State         string // slug: active, conclude, …
	Type          string // slug: sdo, wg, iab, …
	Time          time.Time
	ListEmail     string
	ListArchive   string
	ListSubscribe string
	Description   string // the API's computed field; may be "No description available"
	Comments      string
	Charter       string // charter document name, "" if none
	ResourceURI   string
}

// NoDescription is the literal the API puts in Group.Description when a
// group has neither a description nor a charter.
const NoDescription = "No description available"

// groupJSON is the API shape of a group.
type groupJSON struct {
	ID            int64   `json:"id"`
	Acronym       string  `json:"acronym"`
	Name          string  `json:"name"`
	Parent        *string `json:"parent"`
	State         *string `json:"state"`
	Type          *string `json:"type"`
	Time          string  `json:"time"`
	ListEmail     string  `json:"list_email"`
	ListArchive   string  `json:"list_archive"`
	ListSubscribe string  `json:"list_subscribe"`
	Description   string  `json:"description"`
	Comments      string  `json:"comments"`
	Charter       *string `json:"charter"`
	ResourceURI   string  `json:"resource_uri"`
}

func decodeGroup(raw json.RawMessage) (Group, int64, error) {
	var j groupJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return Group{}, 0, fmt.Errorf("group: %w", err)
	}
	if j.ID <= 0 {
		return Group{}, 0, errors.New("group: missing id")
	}
	g := Group{
		ID: j.ID, Acronym: j.Acronym, Name: j.Name,
		ListEmail: j.ListEmail, ListArchive: j.ListArchive, ListSubscribe: j.ListSubscribe,
		Description: j.Description, Comments: j.Comments, ResourceURI: j.ResourceURI,
	}
	var err error
	if g.ParentID, err = optionalID("parent", j.Parent); err != nil {
		return Group{}, 0, fmt.Errorf("group %d: %w", j.ID, err)
	}
	if g.State, err = optionalSlug("state", j.State); err != nil {
		return Group{}, 0, fmt.Errorf("group %d: %w", j.ID, err)
	}
	if g.Type, err = optionalSlug("type", j.Type); err != nil {
		return Group{}, 0, fmt.Errorf("group %d: %w", j.ID, err)
	}
	if g.Charter, err = optionalSlug("charter", j.Charter); err != nil {
		return Group{}, 0, fmt.Errorf("group %d: %w", j.ID, err)
	}
	if g.Time, err = optionalTime("time", j.Time); err != nil {
		return Group{}, 0, fmt.Errorf("group %d: %w", j.ID, err)
	}
	return g, g.ID, nil
}

// Groups lists groups matching filter, e.g. url.Values{"type": {"sdo"}}
// (all states) or with "state": {"active"}. Every group returned is also
// put in the detail cache.
func (c *Client) Groups(ctx context.Context, filter url.Values) ([]Group, error) {
	gs, err := list(ctx, c, pathGroup, filter, decodeGroup)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		c.store(detailPath(pathGroup, g.ID), g)
	}
	return gs, nil
}

// Group returns one group by id, from the cache when possible. An unknown
// id gives an error matching ErrNotFound.
func (c *Client) Group(ctx context.Context, id int64) (Group, error) {
	p := detailPath(pathGroup, id)
	return cached(ctx, c, p, false, func(ctx context.Context) (Group, error) {
		return detail(ctx, c, p, decodeGroup)
	})
}
