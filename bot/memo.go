package bot

import (
	"context"
	"sync"
)

// Memo keeps what adapters made of one message — its Block Kit JSON, its
// Zulip Markdown — so that a message answered again and again (the
// directory's answers: contact, orgs, help) is rendered and encoded once
// per platform. The router attaches a Memo to the messages it keeps
// (Message.Memo) and drops both together when what they were made from
// changes; an adapter asks Remember for its rendering under a key that
// names everything else the rendering depends on.
//
// The zero Memo is ready to use; a Memo must not be copied after first
// use. It is safe for concurrent use.
type Memo struct {
	mu sync.Mutex
	m  map[string]any
}

// memoCap bounds the renderings one message keeps (the keys are the
// platform's variants: a handful).
const memoCap = 32

// Remember returns what is kept under key, or makes it with make, keeps
// it (unless make fails) and returns it. On a nil Memo it just calls make.
// make runs outside the lock: two callers may both make it the first
// time; either result is kept.
func (m *Memo) Remember(key string, make func() (any, error)) (any, error) {
	if m == nil {
		return make()
	}
	m.mu.Lock()
	v, ok := m.m[key]
	m.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := make()
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.m == nil || len(m.m) >= memoCap {
		m.m = map[string]any{}
	}
	m.m[key] = v
	m.mu.Unlock()
	return v, nil
}

// QuickHandler is a Handler that can tell, before running a request, that
// it will answer at once: from memory, without waiting on the network or
// on a write. An adapter may then run such a request on the goroutine of
// the platform's own request, instead of racing it against the platform's
// deadline (which costs a goroutine and a timer, and is needed only for
// what may be slow).
type QuickHandler interface {
	Handler
	// Quick reports whether req will be answered at once. It must not
	// change req, and it must itself be quick (no network, no write).
	Quick(ctx context.Context, req *Request) bool
}
