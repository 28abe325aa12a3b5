package zulip

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// GetUserByEmail returns the user with that email (GET /users/{email}),
// either the real (delivery) email — found only if the user's email
// visibility lets the bot see it (Zulip 10+) — or the Zulip API email.
//
// Zulip answers an unknown or invisible email with HTTP 400 BAD_REQUEST
// ("No such user"); as the path is the endpoint's only input, that answer
// is returned as an error wrapping both ErrNotFound and the *Error.
func (c *Client) GetUserByEmail(ctx context.Context, email string) (*User, error) {
	const op = "get user by email"
	if email == "" {
		return nil, fmt.Errorf("zulip: %s: %w: empty email", op, ErrNotFound)
	}
	var resp struct {
		User *User `json:"user"`
	}
	err := c.do(ctx, call{op: op, method: http.MethodGet, path: "users/" + url.PathEscape(email), retry: retrySafe}, &resp)
	if e := asError(err); e != nil && e.HTTPStatus == http.StatusBadRequest && e.Code == CodeBadRequest {
		return nil, fmt.Errorf("%w: user %q (%w)", ErrNotFound, email, e)
	}
	if err != nil {
		return nil, err
	}
	if resp.User == nil {
		return nil, fmt.Errorf("zulip: %s: response has no user", op)
	}
	return resp.User, nil
}

// GetOwnUser returns the bot's own user (GET /users/me).
func (c *Client) GetOwnUser(ctx context.Context) (*User, error) {
	var u User
	if err := c.do(ctx, call{op: "get own user", method: http.MethodGet, path: "users/me", retry: retrySafe}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}
