package datatracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
)

// StatementAttachment links a statement to an attachment document
// (/api/v1/liaisons/liaisonstatementattachment/ID/).
type StatementAttachment struct {
	ID           int64
	StatementID  int64
	DocumentName string // e.g. "liaison-2012-05-31-3gpp-mmusic-…-attachment-1"
	Removed      bool
	// Document is the document's title and file, when StatementsSince
	// could read it (zero otherwise: the name is all there is).
	Document Document
}

// attachmentJSON is the API shape of a statement attachment.
type attachmentJSON struct {
	ID        int64  `json:"id"`
	Statement string `json:"statement"`
	Document  string `json:"document"`
	Removed   bool   `json:"removed"`
}

func decodeAttachment(raw json.RawMessage) (StatementAttachment, int64, error) {
	var j attachmentJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return StatementAttachment{}, 0, fmt.Errorf("statement attachment: %w", err)
	}
	if j.ID <= 0 {
		return StatementAttachment{}, 0, errors.New("statement attachment: missing id")
	}
	a := StatementAttachment{ID: j.ID, Removed: j.Removed}
	fail := func(err error) (StatementAttachment, int64, error) {
		return StatementAttachment{}, 0, fmt.Errorf("statement attachment %d: %w", j.ID, err)
	}
	var err error
	if a.StatementID, err = requiredID("statement", j.Statement); err != nil {
		return fail(err)
	}
	if a.DocumentName, err = requiredSlug("document", j.Document); err != nil {
		return fail(err)
	}
	return a, a.ID, nil
}

// StatementAttachments lists statement attachments matching filter, e.g.
// url.Values{"statement": {"2106"}}. Removed ones are included unless the
// filter says removed=false.
func (c *Client) StatementAttachments(ctx context.Context, filter url.Values) ([]StatementAttachment, error) {
	return list(ctx, c, pathAttachment, filter, decodeAttachment)
}
