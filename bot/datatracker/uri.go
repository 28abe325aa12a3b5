package datatracker

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// API paths of the resources the client reads.
const (
	pathGroup        = "/api/v1/group/group/"
	pathRole         = "/api/v1/group/role/"
	pathPerson       = "/api/v1/person/person/"
	pathEmail        = "/api/v1/person/email/"
	pathStatement    = "/api/v1/liaisons/liaisonstatement/"
	pathEvent        = "/api/v1/liaisons/liaisonstatementevent/"
	pathRelated      = "/api/v1/liaisons/relatedliaisonstatement/"
	pathAttachment   = "/api/v1/liaisons/liaisonstatementattachment/"
	emailURIFragment = "/person/email/"
)

// lastSegment returns the last non-empty path segment of a resource URI
// (a path like "/api/v1/group/group/62/" or a full URL), still escaped.
func lastSegment(uri string) (string, error) {
	s := strings.TrimSpace(uri)
	if s == "" {
		return "", errors.New("empty URI")
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, "/")
	i := strings.LastIndexByte(s, '/')
	if i < 0 || i == len(s)-1 {
		return "", fmt.Errorf("URI %q has no final segment", uri)
	}
	return s[i+1:], nil
}

// IDFromURI returns the numeric id at the end of a resource URI, e.g. 62
// for "/api/v1/group/group/62/".
func IDFromURI(uri string) (int64, error) {
	seg, err := lastSegment(uri)
	if err != nil {
		return 0, err
	}
	id, err := strconv.ParseInt(seg, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("URI %q does not end in a positive id", uri)
	}
	return id, nil
}

// SlugFromURI returns the unescaped key at the end of a resource URI, e.g.
// "liaiman" for "/api/v1/name/rolename/liaiman/" or a document name for
// "/api/v1/doc/document/<name>/".
func SlugFromURI(uri string) (string, error) {
	seg, err := lastSegment(uri)
	if err != nil {
		return "", err
	}
	s, err := url.PathUnescape(seg)
	if err != nil {
		return "", fmt.Errorf("URI %q: %w", uri, err)
	}
	if s == "" {
		return "", fmt.Errorf("URI %q has an empty key", uri)
	}
	return s, nil
}

// EmailFromURI returns the address in an email resource URI, e.g.
// "csp@csperkins.org" for "/api/v1/person/email/csp@csperkins.org/". The
// address is URL-unescaped.
func EmailFromURI(uri string) (string, error) {
	s := strings.TrimSpace(uri)
	i := strings.Index(s, emailURIFragment)
	if i < 0 {
		return "", fmt.Errorf("URI %q is not an email resource", uri)
	}
	s = strings.TrimSuffix(s[i+len(emailURIFragment):], "/")
	addr, err := url.PathUnescape(s)
	if err != nil {
		return "", fmt.Errorf("URI %q: %w", uri, err)
	}
	if addr == "" || strings.ContainsAny(addr, "/ \t\r\n") || !strings.Contains(addr, "@") {
		return "", fmt.Errorf("URI %q does not hold an address", uri)
	}
	return addr, nil
}

// isEmailURI reports whether s looks like an email resource URI rather than
// a mailbox string.
func isEmailURI(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "/") && strings.Contains(s, emailURIFragment) ||
		strings.HasPrefix(s, "http") && strings.Contains(s, "/api/v1"+emailURIFragment)
}

// idsFromURIs converts a list of resource URIs to ids.
func idsFromURIs(field string, uris []string) ([]int64, error) {
	if len(uris) == 0 {
		return nil, nil
	}
	out := make([]int64, 0, len(uris))
	for _, u := range uris {
		id, err := IDFromURI(u)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", field, err)
		}
		out = append(out, id)
	}
	return out, nil
}

// slugsFromURIs converts a list of resource URIs to their keys.
func slugsFromURIs(field string, uris []string) ([]string, error) {
	if len(uris) == 0 {
		return nil, nil
	}
	out := make([]string, 0, len(uris))
	for _, u := range uris {
		s, err := SlugFromURI(u)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", field, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// optionalID converts a nullable foreign key to an id, 0 for null.
func optionalID(field string, uri *string) (int64, error) {
	if uri == nil || *uri == "" {
		return 0, nil
	}
	id, err := IDFromURI(*uri)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", field, err)
	}
	return id, nil
}

// requiredID converts a non-null foreign key to an id.
func requiredID(field, uri string) (int64, error) {
	id, err := IDFromURI(uri)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", field, err)
	}
	return id, nil
}

// requiredSlug converts a non-null name foreign key to its slug.
func requiredSlug(field, uri string) (string, error) {
	s, err := SlugFromURI(uri)
	if err != nil {
		return "", fmt.Errorf("%s: %w", field, err)
	}
	return s, nil
}

// optionalSlug converts a nullable name foreign key to its slug, "" for null.
func optionalSlug(field string, uri *string) (string, error) {
	if uri == nil || *uri == "" {
		return "", nil
	}
	return requiredSlug(field, *uri)
}

// detailPath returns the detail path of an object with a numeric id.
func detailPath(list string, id int64) string {
	return list + strconv.FormatInt(id, 10) + "/"
}
