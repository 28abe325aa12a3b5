package datatracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
)

// RelationshipReference is the relationship slug the Datatracker's form
// always uses: the source statement refers to the target.
const RelationshipReference = "refold"

// RelatedStatement says that one statement refers to another
// (/api/v1/liaisons/relatedliaisonstatement/ID/).
type RelatedStatement struct {
	ID           int64
	SourceID     int64 // the referring statement
	TargetID     int64 // the statement referred to
	Relationship string
}

// relatedJSON is the API shape of a statement relation.
type relatedJSON struct {
	ID           int64  `json:"id"`
	Source       string `json:"source"`
	Target       string `json:"target"`
	Relationship string `json:"relationship"`
}

func decodeRelated(raw json.RawMessage) (RelatedStatement, int64, error) {
	var j relatedJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return RelatedStatement{}, 0, fmt.Errorf("related statement: %w", err)
	}
	if j.ID <= 0 {
		return RelatedStatement{}, 0, errors.New("related statement: missing id")
	}
	r := RelatedStatement{ID: j.ID}
	fail := func(err error) (RelatedStatement, int64, error) {
		return RelatedStatement{}, 0, fmt.Errorf("related statement %d: %w", j.ID, err)
	}
	var err error
	if r.SourceID, err = requiredID("source", j.Source); err != nil {
		return fail(err)
	}
	if r.TargetID, err = requiredID("target", j.Target); err != nil {
		return fail(err)
	}
	if r.Relationship, err = requiredSlug("relationship", j.Relationship); err != nil {
		return fail(err)
	}
	return r, r.ID, nil
}

// RelatedStatements lists statement relations matching filter, e.g.
// url.Values{"source": {"2006"}} or url.Values{"target__in": {"1935,2006"}}.
func (c *Client) RelatedStatements(ctx context.Context, filter url.Values) ([]RelatedStatement, error) {
	return list(ctx, c, pathRelated, filter, decodeRelated)
}
