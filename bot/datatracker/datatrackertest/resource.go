package datatrackertest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// item is one servable object: its id, the values of its filterable
// fields (several for many-to-many fields), and its JSON.
type item struct {
	id    int64
	attrs map[string][]string
	obj   map[string]any
}

// resource is one list endpoint.
type resource struct {
	// fields lists the filterable fields.
	fields []string
	// times lists filterable fields that also take __gt/__gte/__lt/__lte.
	times []string
	// items builds the objects from the data, in any order.
	items func(d *Data) []item
}

// resources maps list paths to their resource. The filter keys are the
// ones the Datatracker allows on these resources (a subset, enough for
// the client); any other key gives 400 as Tastypie does.
var resources = map[string]resource{
	"/api/v1/group/group/": {
		fields: []string{"id", "acronym", "name", "state", "type", "parent", "list_email", "time", "description"},
		times:  []string{"time"},
		items: func(d *Data) []item {
			out := make([]item, 0, len(d.Groups))
			for _, g := range d.Groups {
				out = append(out, item{id: g.ID, obj: g.json(), attrs: map[string][]string{
					"id":          {itoa(g.ID)},
					"acronym":     {g.Acronym},
					"name":        {g.Name},
					"state":       {orDefault(g.State, "active")},
					"type":        {orDefault(g.Type, "sdo")},
					"parent":      {itoa(g.ParentID)},
					"list_email":  {g.ListEmail},
					"time":        {orDefault(g.Time, placeholderTime)},
					"description": {g.Description},
				}})
			}
			return out
		},
	},
	"/api/v1/group/role/": {
		fields: []string{"id", "name", "group", "group__type", "group__acronym", "group__state", "person", "email"},
		items: func(d *Data) []item {
			groups := map[int64]Group{}
			for _, g := range d.Groups {
				groups[g.ID] = g
			}
			out := make([]item, 0, len(d.Roles))
			for _, r := range d.Roles {
				g := groups[r.GroupID]
				out = append(out, item{id: r.ID, obj: r.json(), attrs: map[string][]string{
					"id":             {itoa(r.ID)},
					"name":           {r.Name},
					"group":          {itoa(r.GroupID)},
					"group__type":    {orDefault(g.Type, "sdo")},
					"group__acronym": {g.Acronym},
					"group__state":   {orDefault(g.State, "active")},
					"person":         {itoa(r.PersonID)},
					"email":          {r.Email},
				}})
			}
			return out
		},
	},
	"/api/v1/person/person/": {
		fields: []string{"id", "name", "time"},
		times:  []string{"time"},
		items: func(d *Data) []item {
			out := make([]item, 0, len(d.Persons))
			for _, p := range d.Persons {
				out = append(out, item{id: p.ID, obj: p.json(), attrs: map[string][]string{
					"id":   {itoa(p.ID)},
					"name": {p.Name},
					"time": {orDefault(p.Time, placeholderTime)},
				}})
			}
			return out
		},
	},
	"/api/v1/liaisons/liaisonstatement/": {
		fields: []string{"id", "title", "state", "purpose", "deadline", "tags", "from_contact", "attachments",
			"from_groups", "from_groups__acronym", "to_groups", "to_groups__acronym"},
		items: func(d *Data) []item {
			groups := map[int64]Group{}
			for _, g := range d.Groups {
				groups[g.ID] = g
			}
			docs := map[int64][]string{}
			for _, a := range d.Attachments {
				docs[a.StatementID] = append(docs[a.StatementID], a.Document)
			}
			out := make([]item, 0, len(d.Statements))
			for _, s := range d.Statements {
				attrs := map[string][]string{
					"id":           {itoa(s.ID)},
					"title":        {s.Title},
					"state":        {orDefault(s.State, "posted")},
					"purpose":      {orDefault(s.Purpose, "info")},
					"deadline":     {s.Deadline},
					"tags":         s.Tags,
					"from_contact": {s.FromContact},
					"attachments":  docs[s.ID],
				}
				for _, id := range s.FromGroups {
					attrs["from_groups"] = append(attrs["from_groups"], itoa(id))
					attrs["from_groups__acronym"] = append(attrs["from_groups__acronym"], groups[id].Acronym)
				}
				for _, id := range s.ToGroups {
					attrs["to_groups"] = append(attrs["to_groups"], itoa(id))
					attrs["to_groups__acronym"] = append(attrs["to_groups__acronym"], groups[id].Acronym)
				}
				out = append(out, item{id: s.ID, obj: s.json(docs[s.ID]), attrs: attrs})
			}
			return out
		},
	},
	"/api/v1/liaisons/liaisonstatementevent/": {
		fields: []string{"id", "time", "type", "by", "statement", "desc"},
		times:  []string{"time"},
		items: func(d *Data) []item {
			out := make([]item, 0, len(d.Events))
			for _, e := range d.Events {
				out = append(out, item{id: e.ID, obj: e.json(), attrs: map[string][]string{
					"id":        {itoa(e.ID)},
					"time":      {e.Time},
					"type":      {e.Type},
					"by":        {itoa(e.By)},
					"statement": {itoa(e.StatementID)},
					"desc":      {e.Desc},
				}})
			}
			return out
		},
	},
	"/api/v1/liaisons/relatedliaisonstatement/": {
		fields: []string{"id", "source", "target", "relationship"},
		items: func(d *Data) []item {
			out := make([]item, 0, len(d.Related))
			for _, r := range d.Related {
				out = append(out, item{id: r.ID, obj: r.json(), attrs: map[string][]string{
					"id":           {itoa(r.ID)},
					"source":       {itoa(r.SourceID)},
					"target":       {itoa(r.TargetID)},
					"relationship": {orDefault(r.Relationship, "refold")},
				}})
			}
			return out
		},
	},
	"/api/v1/liaisons/liaisonstatementattachment/": {
		fields: []string{"id", "statement", "document", "removed"},
		items: func(d *Data) []item {
			out := make([]item, 0, len(d.Attachments))
			for _, a := range d.Attachments {
				out = append(out, item{id: a.ID, obj: a.json(), attrs: map[string][]string{
					"id":        {itoa(a.ID)},
					"statement": {itoa(a.StatementID)},
					"document":  {a.Document},
					"removed":   {strconv.FormatBool(a.Removed)},
				}})
			}
			return out
		},
	},
}

// filterError is a Tastypie-style 400.
type filterError string

func (e filterError) Error() string { return string(e) }

// lookups understood after "__" on a field.
var lookups = []string{"in", "exact", "gt", "gte", "lt", "lte"}

// matcher is one parsed filter.
type matcher struct {
	field  string
	lookup string // "", in, exact, gt, gte, lt, lte
	values []string
	at     time.Time // for time lookups
}

// parseFilters validates the query's filters against the resource.
func parseFilters(res resource, query [][2]string) ([]matcher, error) {
	var out []matcher
	for _, kv := range query {
		key, val := kv[0], kv[1]
		switch key {
		case "limit", "offset", "format", "callback":
			continue
		case "order_by":
			if val != "id" && val != "-id" {
				return nil, filterError(fmt.Sprintf("No matching '%s' field for ordering on.", val))
			}
			continue
		}
		m := matcher{field: key}
		for _, l := range lookups {
			if f, ok := strings.CutSuffix(key, "__"+l); ok {
				m.field, m.lookup = f, l
				break
			}
		}
		if !slices.Contains(res.fields, m.field) {
			return nil, filterError(fmt.Sprintf("The '%s' field does not allow filtering.", m.field))
		}
		switch m.lookup {
		case "in":
			m.values = strings.Split(val, ",")
		case "gt", "gte", "lt", "lte":
			if !slices.Contains(res.times, m.field) {
				return nil, filterError(fmt.Sprintf("The '%s' field does not allow '%s' lookups.", m.field, m.lookup))
			}
			t, err := parseTime(val)
			if err != nil {
				return nil, filterError(fmt.Sprintf("'%s' value has an invalid format.", val))
			}
			m.at = t
		default:
			m.values = []string{val}
		}
		if m.field == "removed" {
			for i, v := range m.values {
				switch strings.ToLower(v) {
				case "1", "true":
					m.values[i] = "true"
				case "0", "false":
					m.values[i] = "false"
				}
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// match reports whether it passes every filter.
func match(it item, ms []matcher) bool {
	for _, m := range ms {
		have := it.attrs[m.field]
		switch m.lookup {
		case "gt", "gte", "lt", "lte":
			if len(have) == 0 {
				return false
			}
			t, err := parseTime(have[0])
			if err != nil {
				return false
			}
			c := t.Compare(m.at)
			ok := m.lookup == "gt" && c > 0 || m.lookup == "gte" && c >= 0 ||
				m.lookup == "lt" && c < 0 || m.lookup == "lte" && c <= 0
			if !ok {
				return false
			}
		default:
			found := false
			for _, v := range m.values {
				if slices.Contains(have, strings.TrimSpace(v)) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
	}
	return true
}

// pacific is the zone of naive Datatracker times.
var pacific = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("America/Los_Angeles"); err == nil {
		return loc
	}
	return time.FixedZone("PST", -8*60*60)
})

// parseTime reads the time forms the fake serves and accepts in filters.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, l := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.ParseInLocation(l, s, pacific()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", s)
}
