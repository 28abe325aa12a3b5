package datatracker

import (
	"context"
	"sync"
	"time"
)

// cache holds detail objects (groups, persons) keyed on their resource
// URI. Concurrent lookups of the same key share one request. Failures are
// not cached.
type cache struct {
	mu      sync.Mutex
	entries map[string]*cacheEntry
}

type cacheEntry struct {
	ready   chan struct{} // closed when val/err are set
	val     any
	err     error
	expires time.Time
}

// lookup returns the cached value for key, fetching it if absent, expired
// or fresh is set. ttl <= 0 disables caching.
func (c *Client) lookup(ctx context.Context, key string, fresh bool, fetch func(context.Context) (any, error)) (any, error) {
	if c.cacheTTL <= 0 {
		return fetch(ctx)
	}
	c.cache.mu.Lock()
	e, ok := c.cache.entries[key]
	if ok && !fresh {
		select {
		case <-e.ready:
			if e.err == nil && c.now().Before(e.expires) {
				c.cache.mu.Unlock()
				return e.val, nil
			}
		default: // in flight: wait for it
			c.cache.mu.Unlock()
			select {
			case <-e.ready:
				if e.err != nil {
					return nil, e.err
				}
				return e.val, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
	e = &cacheEntry{ready: make(chan struct{})}
	c.cache.entries[key] = e
	c.cache.mu.Unlock()

	e.val, e.err = fetch(ctx)
	e.expires = c.now().Add(c.cacheTTL)
	c.cache.mu.Lock()
	if e.err != nil && c.cache.entries[key] == e {
		delete(c.cache.entries, key)
	}
	c.cache.mu.Unlock()
	close(e.ready)
	return e.val, e.err
}

// store puts a value fetched some other way (e.g. from a list) in the cache.
func (c *Client) store(key string, val any) {
	if c.cacheTTL <= 0 {
		return
	}
	e := &cacheEntry{ready: make(chan struct{}), val: val, expires: c.now().Add(c.cacheTTL)}
	close(e.ready)
	c.cache.mu.Lock()
	c.cache.entries[key] = e
	c.cache.mu.Unlock()
}

// ClearCache drops every cached group and person.
func (c *Client) ClearCache() {
	c.cache.mu.Lock()
	clear(c.cache.entries)
	c.cache.mu.Unlock()
}

// cached is lookup with a typed result.
func cached[T any](ctx context.Context, c *Client, key string, fresh bool, fetch func(context.Context) (T, error)) (T, error) {
	v, err := c.lookup(ctx, key, fresh, func(ctx context.Context) (any, error) { return fetch(ctx) })
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}
