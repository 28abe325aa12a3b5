package zuliptest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// realmHost is the host of Zulip's dummy API emails, user{id}@{host}.
const realmHost = "zulip.example.org"

// AddUser adds a user to the organization and returns it with its ID
// (assigned if zero) and defaults (Email user{id}@zulip.example.org,
// FullName "User {id}").
func (s *Server) AddUser(u User) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.ID == 0 {
		u.ID = s.nextUserID
	}
	if u.ID >= s.nextUserID {
		s.nextUserID = u.ID + 1
	}
	if s.userLocked(u.ID) != nil {
		s.t.Errorf("zuliptest: AddUser: user ID %d exists", u.ID)
	}
	if u.Email == "" {
		u.Email = fmt.Sprintf("user%d@%s", u.ID, realmHost)
	}
	if u.FullName == "" {
		u.FullName = fmt.Sprintf("User %d", u.ID)
	}
	s.users = append(s.users, &u)
	s.notifyLocked()
	return u
}

// AddChannel adds a channel and returns its ID; adding an existing name
// returns the existing ID.
func (s *Server) AddChannel(name string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addChannelLocked(name)
}

func (s *Server) addChannelLocked(name string) int64 {
	key := strings.ToLower(name)
	if id, ok := s.channels[key]; ok {
		return id
	}
	id := s.nextChannelID
	s.nextChannelID++
	s.channels[key] = id
	s.channelNames[id] = name
	return id
}

// userLocked returns the user with that ID, or nil; s.mu must be held.
func (s *Server) userLocked(id int64) *User {
	for _, u := range s.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// userByEmailLocked finds a user as GET /users/{email} does (Zulip 10+):
// by API email, by real email if visible, or by dummy user{id}@host.
func (s *Server) userByEmailLocked(email string) *User {
	for _, u := range s.users {
		if strings.EqualFold(u.Email, email) || (!u.EmailHidden && strings.EqualFold(u.deliveryEmail(), email)) {
			return u
		}
	}
	local, host, ok := strings.Cut(strings.ToLower(email), "@")
	if digits, isDummy := strings.CutPrefix(local, "user"); ok && isDummy && host == realmHost {
		if id, err := strconv.ParseInt(digits, 10, 64); err == nil {
			return s.userLocked(id)
		}
	}
	return nil
}

// userJSON is a user as the users endpoints return it.
func userJSON(u *User) map[string]any {
	role := 400
	var delivery any = u.deliveryEmail()
	if u.EmailHidden {
		delivery = nil
	}
	return map[string]any{
		"user_id": u.ID, "email": u.Email, "delivery_email": delivery, "full_name": u.FullName,
		"is_bot": u.IsBot, "is_active": !u.Deactivated, "role": role, "is_admin": false, "is_owner": false,
		"is_guest": false, "timezone": "", "avatar_url": nil, "avatar_version": 1,
		"date_joined": "2024-01-01T00:00:00+00:00",
	}
}

func (s *Server) handleOwnUser(w http.ResponseWriter, r *http.Request) {
	f, e := readForm(r)
	if e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	fields := userJSON(s.userLocked(s.Bot.ID))
	fields["max_message_id"] = s.nextMessageID - 1
	s.mu.Unlock()
	writeSuccess(w, fields, f.ignored())
}

func (s *Server) handleUserByEmail(w http.ResponseWriter, r *http.Request) {
	f, e := readForm(r)
	if e == nil {
		_, _, e = f.jsonBool("client_gravatar")
	}
	if e == nil {
		_, _, e = f.jsonBool("include_custom_profile_fields")
	}
	if e != nil {
		writeError(w, e)
		return
	}
	email := r.PathValue("email") // already unescaped
	s.mu.Lock()
	u := s.userByEmailLocked(email)
	var fields map[string]any
	if u != nil {
		fields = map[string]any{"user": userJSON(u)}
	}
	s.mu.Unlock()
	if u == nil {
		writeError(w, badRequest("No such user"))
		return
	}
	writeSuccess(w, fields, f.ignored())
}
