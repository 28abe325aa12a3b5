package datatrackertest

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sort"
	"testing"
	"time"
)

func get(t *testing.T, s *Server, path string) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

type page struct {
	Meta struct {
		Limit      int     `json:"limit"`
		Next       *string `json:"next"`
		Offset     int     `json:"offset"`
		Previous   *string `json:"previous"`
		TotalCount int     `json:"total_count"`
	} `json:"meta"`
	Objects []map[string]any `json:"objects"`
}

func getPage(t *testing.T, s *Server, path string) page {
	t.Helper()
	code, _, body := get(t, s, path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, code, body)
	}
	var p page
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return p
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestDefaultData_RealGroups(t *testing.T) {
	d := DefaultData()
	byID := map[int64]Group{}
	sdo := 0
	for _, g := range d.Groups {
		if _, dup := byID[g.ID]; dup {
			t.Fatalf("duplicate group id %d", g.ID)
		}
		byID[g.ID] = g
		if g.Type == "sdo" {
			sdo++
		}
	}
	if sdo != 142 {
		t.Errorf("%d sdo groups, want 142", sdo)
	}
	checks := []struct {
		id            int64
		acronym, name string
		parent        int64
		state         string
	}{
		{62, "itu-t-sg-15", "ITU-T-SG-15", 51, "active"},
		{51, "itu-t", "ITU-T", 2057, "active"},
		{2025, "3gpp-tsgsa-sa3", "3GPP TSG SA WG3", 2023, "active"},
		{2063, "itu-t-fg-cloud", "ITU-T-FG-CLOUD", 51, "conclude"},
		{1885, "ieee-802-ec-omniran", "IEEE-802-EC-OMNIRAN", 0, "active"}, // parent ieee-802-ec has no known id
	}
	for _, c := range checks {
		g := byID[c.id]
		if g.Acronym != c.acronym || g.Name != c.name || g.ParentID != c.parent || g.State != c.state {
			t.Errorf("group %d = %+v, want %+v", c.id, g, c)
		}
	}
	persons := map[int64]bool{}
	for _, p := range d.Persons {
		persons[p.ID] = true
	}
	for _, r := range d.Roles {
		if _, ok := byID[r.GroupID]; !ok || !persons[r.PersonID] {
			t.Errorf("role %d points at a missing group or person", r.ID)
		}
	}
	statements := map[int64]bool{}
	for _, s := range d.Statements {
		statements[s.ID] = true
	}
	for _, e := range d.Events {
		if !statements[e.StatementID] || !persons[e.By] {
			t.Errorf("event %d points at a missing statement or person", e.ID)
		}
	}
	// DefaultData is a fresh copy each time.
	d.Groups[0].Acronym = "changed"
	if DefaultData().Groups[0].Acronym == "changed" {
		t.Error("DefaultData shares state between calls")
	}
}

func TestServer_TastypiePagination(t *testing.T) {
	s := NewServer(t)
	p := getPage(t, s, "/api/v1/group/group/?type=sdo&limit=20")
	if p.Meta.Limit != 20 || p.Meta.Offset != 0 || p.Meta.TotalCount != 142 || p.Meta.Previous != nil ||
		p.Meta.Next == nil || *p.Meta.Next != "/api/v1/group/group/?type=sdo&limit=20&offset=20" || len(p.Objects) != 20 {
		t.Fatalf("first page meta = %+v (%d objects)", p.Meta, len(p.Objects))
	}
	p = getPage(t, s, *p.Meta.Next)
	if p.Meta.Offset != 20 || p.Meta.Previous == nil || *p.Meta.Previous != "/api/v1/group/group/?type=sdo&limit=20&offset=0" {
		t.Fatalf("second page meta = %+v", p.Meta)
	}
	p = getPage(t, s, "/api/v1/group/group/?type=sdo&limit=20&offset=140")
	if p.Meta.Next != nil || len(p.Objects) != 2 {
		t.Fatalf("last page meta = %+v (%d objects)", p.Meta, len(p.Objects))
	}
	if p := getPage(t, s, "/api/v1/group/group/"); p.Meta.Limit != 20 || len(p.Objects) != 20 {
		t.Errorf("default limit page = %+v", p.Meta)
	}
	if p := getPage(t, s, "/api/v1/group/group/?limit=0"); p.Meta.Limit != 1000 || len(p.Objects) != 149 || p.Meta.Next != nil {
		t.Errorf("limit=0 page = %+v (%d objects)", p.Meta, len(p.Objects))
	}
	if code, _, _ := get(t, s, "/api/v1/group/group/?limit=x"); code != http.StatusBadRequest {
		t.Errorf("bad limit gave %d", code)
	}
}

func TestServer_ObjectShapes(t *testing.T) {
	s := NewServer(t)
	want := map[string][]string{
		"/api/v1/group/group/62/": {"acronym", "ad", "charter", "comments", "description", "id", "list_archive", "list_email",
			"list_subscribe", "meeting_seen_as_area", "name", "parent", "resource_uri", "state", "time", "type",
			"unused_states", "unused_tags", "used_roles", "uses_milestone_dates"},
		"/api/v1/person/person/900004/": {"ascii", "ascii_short", "biography", "consent", "id", "name", "name_from_draft",
			"photo", "photo_thumb", "plain", "pronouns_freetext", "pronouns_selectable", "resource_uri", "time", "user"},
		"/api/v1/person/email/avery.example@example.org/": {"active", "address", "origin", "person", "primary", "resource_uri", "time"},
		"/api/v1/liaisons/liaisonstatement/2106/": {"action_holder_contacts", "attachments", "body", "cc_contacts", "deadline",
			"from_contact", "from_groups", "id", "other_identifiers", "purpose", "resource_uri", "response_contacts", "state",
			"tags", "technical_contacts", "title", "to_contacts", "to_groups"},
		"/api/v1/group/role/20001/":                        {"email", "group", "id", "name", "person", "resource_uri"},
		"/api/v1/liaisons/liaisonstatementevent/12345/":    {"by", "desc", "id", "resource_uri", "statement", "time", "type"},
		"/api/v1/liaisons/relatedliaisonstatement/987/":    {"id", "relationship", "resource_uri", "source", "target"},
		"/api/v1/liaisons/liaisonstatementattachment/803/": {"document", "id", "removed", "resource_uri", "statement"},
	}
	objs := map[string]map[string]any{}
	for path, fields := range want {
		code, _, body := get(t, s, path)
		var obj map[string]any
		if code != http.StatusOK || json.Unmarshal(body, &obj) != nil {
			t.Fatalf("GET %s: %d %s", path, code, body)
		}
		if got := keys(obj); !slices.Equal(got, fields) {
			t.Errorf("%s fields\n got %v\nwant %v", path, got, fields)
		}
		if obj["resource_uri"] != path {
			t.Errorf("%s resource_uri = %v", path, obj["resource_uri"])
		}
		objs[path] = obj
	}
	g := objs["/api/v1/group/group/62/"]
	if g["parent"] != "/api/v1/group/group/51/" || g["type"] != "/api/v1/name/grouptypename/sdo/" ||
		g["used_roles"] != "[]" || g["ad"] != nil || g["description"] != "No description available" {
		t.Errorf("group 62 = %v", g)
	}
	st := objs["/api/v1/liaisons/liaisonstatement/2106/"]
	if st["from_contact"] != "tsbsg17@itu.int" || st["other_identifiers"] != nil || st["deadline"] != "2026-03-09" ||
		st["purpose"] != "/api/v1/name/liaisonstatementpurposename/action/" {
		t.Errorf("statement 2106 = %v", st)
	}
	ev := objs["/api/v1/liaisons/liaisonstatementevent/12345/"]
	if ev["time"] != "2026-01-30T14:02:11Z" || ev["by"] != "/api/v1/person/person/1/" ||
		ev["type"] != "/api/v1/name/liaisonstatementeventtypename/posted/" {
		t.Errorf("event 12345 = %v", ev)
	}
	if code, _, _ := get(t, s, "/api/v1/group/group/424242/"); code != http.StatusNotFound {
		t.Errorf("unknown group gave %d", code)
	}
	if code, _, _ := get(t, s, "/api/v1/person/email/nobody@example.org/"); code != http.StatusNotFound {
		t.Errorf("unknown email gave %d", code)
	}
}

func TestServer_Filters(t *testing.T) {
	s := NewServer(t)
	count := func(path string) int { return getPage(t, s, path).Meta.TotalCount }
	tests := map[string]int{
		"/api/v1/group/role/?name=liaiman&group__type=sdo":                          7,
		"/api/v1/group/role/?name=liaiman":                                          8,
		"/api/v1/group/role/?group__acronym=iab&name=liaison_coordinator":           4,
		"/api/v1/group/group/?type=sdo&state=conclude":                              10,
		"/api/v1/liaisons/liaisonstatement/?id__in=2106,2162,9":                     2,
		"/api/v1/liaisons/liaisonstatement/?to_groups__acronym=ccamp":               1,
		"/api/v1/liaisons/liaisonstatement/?tags=taken":                             2,
		"/api/v1/liaisons/liaisonstatementevent/?time__gte=2026-02-12T08:00:00Z":    4,
		"/api/v1/liaisons/liaisonstatementevent/?time__lt=2020-01-01T00:00:00Z":     2,
		"/api/v1/liaisons/liaisonstatementevent/?statement__in=1935,2006":           5,
		"/api/v1/liaisons/relatedliaisonstatement/?target__in=1935":                 1,
		"/api/v1/liaisons/liaisonstatementattachment/?statement=2006&removed=false": 1,
	}
	for path, want := range tests {
		if got := count(path); got != want {
			t.Errorf("%s: total_count %d, want %d", path, got, want)
		}
	}
	if code, _, body := get(t, s, "/api/v1/group/role/?nonsense=1"); code != http.StatusBadRequest {
		t.Errorf("unknown filter gave %d %s", code, body)
	}
	if code, _, _ := get(t, s, "/api/v1/group/role/?name__gte=a"); code != http.StatusBadRequest {
		t.Errorf("time lookup on a non-time field gave %d", code)
	}
	if code, _, _ := get(t, s, "/api/v1/group/group/?order_by=name"); code != http.StatusBadRequest {
		t.Errorf("order_by=name gave %d", code)
	}
}

func TestServer_FaultsAndLog(t *testing.T) {
	s := NewServer(t)
	s.FailNext(RateLimited("1"))
	s.FailRequest(3, MalformedJSON())
	s.FailRequest(4, ServerError())

	code, h, _ := get(t, s, "/api/v1/group/group/62/")
	if code != http.StatusTooManyRequests || h.Get("Retry-After") != "1" {
		t.Errorf("request 1: %d Retry-After %q", code, h.Get("Retry-After"))
	}
	if code, _, _ := get(t, s, "/api/v1/group/group/62/"); code != http.StatusOK {
		t.Errorf("request 2: %d", code)
	}
	code, _, body := get(t, s, "/api/v1/group/group/?type=sdo")
	if code != http.StatusOK || json.Valid(body) || len(body) == 0 {
		t.Errorf("request 3: %d, valid JSON %v", code, json.Valid(body))
	}
	if code, _, _ := get(t, s, "/api/v1/group/group/62/"); code != http.StatusInternalServerError {
		t.Errorf("request 4: %d", code)
	}
	reqs := s.Requests()
	if len(reqs) != 4 || reqs[2].Query.Get("type") != "sdo" || reqs[2].N != 3 || s.RequestCount("/api/v1/group/group/62/") != 3 {
		t.Errorf("log = %+v", reqs)
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 {
		t.Error("ResetRequests kept entries")
	}
}

func TestServer_Mutators(t *testing.T) {
	s := NewServer(t)
	id := s.SetManager(Group3GPP, Person{ID: 900777, Name: "New Manager"}, "new.manager@example.org")
	p := getPage(t, s, "/api/v1/group/role/?group=56&name=liaiman")
	if p.Meta.TotalCount != 1 || p.Objects[0]["id"] != float64(id) || p.Objects[0]["email"] != "/api/v1/person/email/new.manager@example.org/" {
		t.Errorf("after SetManager: %+v", p.Objects)
	}
	if code, _, _ := get(t, s, "/api/v1/person/person/900777/"); code != http.StatusOK {
		t.Errorf("new person not served: %d", code)
	}
	if !s.RenameGroup(GroupBBF, "bbf") || getPage(t, s, "/api/v1/group/group/?acronym=bbf").Meta.TotalCount != 1 {
		t.Error("RenameGroup")
	}
	if !s.RemoveGroup(GroupCableLabs) || getPage(t, s, "/api/v1/group/role/?group=66").Meta.TotalCount != 0 {
		t.Error("RemoveGroup kept the group's roles")
	}
	sid := s.AddStatement(Statement{Title: "New"})
	eid := s.AddEvent(Event{Time: FormatTime(time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)), Type: "submitted", By: PersonSystem, StatementID: sid})
	if p := getPage(t, s, "/api/v1/liaisons/liaisonstatementevent/?statement="+itoa(sid)); p.Meta.TotalCount != 1 || p.Objects[0]["id"] != float64(eid) {
		t.Errorf("AddEvent: %+v", p.Objects)
	}
}
