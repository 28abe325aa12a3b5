package datatrackertest

import (
	"slices"
	"strings"
)

// FailRequest makes the server's nth request (1-based, counting every
// request since the server started) fail with f.
func (s *Server) FailRequest(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[n] = f
}

// FailNext makes the next request fail with f.
func (s *Server) FailNext(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[s.n+1] = f
}

// SetLoopingNext makes every list answer's "next" point at the request
// itself, so a client that follows it blindly never stops.
func (s *Server) SetLoopingNext(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loopNext = on
}

// Requests returns the requests seen so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// RequestCount returns how many requests had a path starting with prefix
// ("" counts all).
func (s *Server) RequestCount(prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// ResetRequests forgets the request log (the request numbering used by
// FailRequest carries on).
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Data returns a copy of the data being served.
func (s *Server) Data() *Data {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.Clone()
}

// Update runs f on the served data under the server's lock.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

// SetManager replaces every liaison manager (liaiman role) of the group
// with p, using address email. The person is added if new. It returns the
// new role's id.
func (s *Server) SetManager(groupID int64, p Person, email string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.data
	d.Roles = slices.DeleteFunc(d.Roles, func(r Role) bool { return r.GroupID == groupID && r.Name == "liaiman" })
	return d.addRole(Role{Name: "liaiman", GroupID: groupID, PersonID: p.ID, Email: email}, p)
}

// AddRole adds a role (its ID is assigned if 0) and the person if new. It
// returns the role's id.
func (s *Server) AddRole(r Role, p Person) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.addRole(r, p)
}

// RemoveRoles removes the roles called name on the group ("" removes all
// of the group's roles).
func (s *Server) RemoveRoles(groupID int64, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.Roles = slices.DeleteFunc(s.data.Roles, func(r Role) bool {
		return r.GroupID == groupID && (name == "" || r.Name == name)
	})
}

// RenameGroup changes a group's acronym. It reports whether the group exists.
func (s *Server) RenameGroup(id int64, acronym string) bool {
	return s.updateGroup(id, func(g *Group) { g.Acronym = acronym })
}

// SetGroupState changes a group's state slug (active, conclude, …).
func (s *Server) SetGroupState(id int64, state string) bool {
	return s.updateGroup(id, func(g *Group) { g.State = state })
}

// RenamePerson changes a person's name and plain name.
func (s *Server) RenamePerson(id int64, name, plain string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.data.Persons {
		if s.data.Persons[i].ID == id {
			s.data.Persons[i].Name, s.data.Persons[i].Plain = name, plain
			s.data.Persons[i].ASCII = ""
			return true
		}
	}
	return false
}

// RemoveGroup deletes a group and its roles. It reports whether it existed.
func (s *Server) RemoveGroup(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.data
	n := len(d.Groups)
	d.Groups = slices.DeleteFunc(d.Groups, func(g Group) bool { return g.ID == id })
	d.Roles = slices.DeleteFunc(d.Roles, func(r Role) bool { return r.GroupID == id })
	return len(d.Groups) != n
}

// AddGroup adds a group (its ID is assigned if 0) and returns its id.
func (s *Server) AddGroup(g Group) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g.ID == 0 {
		g.ID = nextID(s.data.Groups, func(g Group) int64 { return g.ID })
	}
	s.data.Groups = append(s.data.Groups, g)
	return g.ID
}

// AddStatement adds or replaces a statement (its ID is assigned if 0) and
// returns its id.
func (s *Server) AddStatement(st Statement) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.data
	if st.ID == 0 {
		st.ID = nextID(d.Statements, func(s Statement) int64 { return s.ID })
	}
	d.Statements = slices.DeleteFunc(d.Statements, func(x Statement) bool { return x.ID == st.ID })
	d.Statements = append(d.Statements, st)
	return st.ID
}

// AddEvent adds a statement event (its ID is assigned if 0) and returns its id.
func (s *Server) AddEvent(e Event) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.ID == 0 {
		e.ID = nextID(s.data.Events, func(e Event) int64 { return e.ID })
	}
	s.data.Events = append(s.data.Events, e)
	return e.ID
}

// AddRelated adds a statement relation (its ID is assigned if 0) and
// returns its id.
func (s *Server) AddRelated(r Related) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.ID == 0 {
		r.ID = nextID(s.data.Related, func(r Related) int64 { return r.ID })
	}
	s.data.Related = append(s.data.Related, r)
	return r.ID
}

// AddAttachment adds a statement attachment (its ID is assigned if 0) and
// returns its id.
func (s *Server) AddAttachment(a Attachment) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.ID == 0 {
		a.ID = nextID(s.data.Attachments, func(a Attachment) int64 { return a.ID })
	}
	s.data.Attachments = append(s.data.Attachments, a)
	return a.ID
}

func (s *Server) updateGroup(id int64, f func(*Group)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.data.Groups {
		if s.data.Groups[i].ID == id {
			f(&s.data.Groups[i])
			return true
		}
	}
	return false
}

// addRole adds r, assigning an id if needed, and p if it is a new person.
func (d *Data) addRole(r Role, p Person) int64 {
	if r.ID == 0 {
		r.ID = nextID(d.Roles, func(r Role) int64 { return r.ID })
	}
	if p.ID != 0 && !slices.ContainsFunc(d.Persons, func(x Person) bool { return x.ID == p.ID }) {
		d.Persons = append(d.Persons, p)
	}
	if r.PersonID == 0 {
		r.PersonID = p.ID
	}
	d.Roles = append(d.Roles, r)
	return r.ID
}

// nextID returns one more than the largest id in rows.
func nextID[T any](rows []T, id func(T) int64) int64 {
	var m int64
	for _, r := range rows {
		m = max(m, id(r))
	}
	return m + 1
}
