package datatracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

const pathDocument = "/api/v1/doc/document/"

// Document is a liaison attachment's document (/api/v1/doc/document/NAME/):
// its title ("LS on … (Word document)") and its file.
type Document struct {
	Name             string
	Title            string
	UploadedFilename string // the file under LiaisonFilesURL
	ExternalURL      string
}

// LiaisonFilesURL is where the Datatracker serves liaison attachments'
// files (the ietfdata library's download URL).
const LiaisonFilesURL = "https://www.ietf.org/lib/dt/documents/LIAISON/"

// URL is where the document's file is: its external URL, else its
// uploaded file, else "".
func (d Document) URL() string {
	switch {
	case d.ExternalURL != "":
		return d.ExternalURL
	case d.UploadedFilename != "":
		return LiaisonFilesURL + url.PathEscape(d.UploadedFilename)
	}
	return ""
}

type documentJSON struct {
	Name             string `json:"name"`
	Title            string `json:"title"`
	UploadedFilename string `json:"uploaded_filename"`
	ExternalURL      string `json:"external_url"`
}

func decodeDocument(raw json.RawMessage) (Document, int64, error) {
	var j documentJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return Document{}, 0, fmt.Errorf("document: %w", err)
	}
	if j.Name == "" {
		return Document{}, 0, errors.New("document: missing name")
	}
	return Document{Name: j.Name, Title: strings.TrimSpace(j.Title), UploadedFilename: strings.TrimSpace(j.UploadedFilename),
		ExternalURL: strings.TrimSpace(j.ExternalURL)}, 0, nil
}

// Document returns one document by name (cached). An unknown name gives
// an error matching ErrNotFound.
func (c *Client) Document(ctx context.Context, name string) (Document, error) {
	p := pathDocument + url.PathEscape(name) + "/"
	return cached(ctx, c, p, false, func(ctx context.Context) (Document, error) {
		return detail(ctx, c, p, decodeDocument)
	})
}
