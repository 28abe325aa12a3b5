package datatracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Person is a Datatracker person (/api/v1/person/person/ID/).
type Person struct {
	ID          int64
	Name        string // full name, Unicode
	Plain       string // name-order correction, often ""
	ASCII       string
	ASCIIShort  string
	Time        time.Time
	ResourceURI string
}

// DisplayName is the name to show: Plain if set, else Name (else ASCII).
func (p Person) DisplayName() string {
	switch {
	case p.Plain != "":
		return p.Plain
	case p.Name != "":
		return p.Name
	}
	return p.ASCII
}

// personJSON is the API shape of a person.
type personJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Plain       string `json:"plain"`
	ASCII       string `json:"ascii"`
	ASCIIShort  string `json:"ascii_short"`
	Time        string `json:"time"`
	ResourceURI string `json:"resource_uri"`
}

func decodePerson(raw json.RawMessage) (Person, int64, error) {
	var j personJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return Person{}, 0, fmt.Errorf("person: %w", err)
	}
	if j.ID <= 0 {
		return Person{}, 0, errors.New("person: missing id")
	}
	p := Person{ID: j.ID, Name: j.Name, Plain: j.Plain, ASCII: j.ASCII, ASCIIShort: j.ASCIIShort, ResourceURI: j.ResourceURI}
	var err error
	if p.Time, err = optionalTime("time", j.Time); err != nil {
		return Person{}, 0, fmt.Errorf("person %d: %w", j.ID, err)
	}
	return p, p.ID, nil
}

// Person returns one person by id, from the cache when possible (many
// roles share people). An unknown id gives an error matching ErrNotFound.
func (c *Client) Person(ctx context.Context, id int64) (Person, error) {
	return c.person(ctx, id, false)
}

// person fetches a person; fresh bypasses (and refreshes) the cache.
func (c *Client) person(ctx context.Context, id int64, fresh bool) (Person, error) {
	p := detailPath(pathPerson, id)
	return cached(ctx, c, p, fresh, func(ctx context.Context) (Person, error) {
		return detail(ctx, c, p, decodePerson)
	})
}
