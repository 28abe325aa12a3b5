package datatracker

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	dtt "github.com/ietf-tools/liaisonbot/bot/datatracker/datatrackertest"
)

func TestDirectorySnapshot_GroupsManagersCoordinators(t *testing.T) {
	srv := dtt.NewServer(t)
	fetched := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	c, _ := newTestClient(t, srv.URL, WithPageSize(25), WithClock(func() time.Time { return fetched }))

	d, err := c.DirectorySnapshot(context.Background())
	if err != nil {
		t.Fatalf("DirectorySnapshot: %v", err)
	}
	if !d.FetchedAt.Equal(fetched) {
		t.Errorf("FetchedAt = %v", d.FetchedAt)
	}
	if want := len(dtt.SDOGroups()); len(d.Groups) != want {
		t.Fatalf("got %d groups, want the %d sdo groups", len(d.Groups), want)
	}
	for _, g := range d.Groups {
		if g.Type != "sdo" {
			t.Errorf("group %d %s has type %q", g.ID, g.Acronym, g.Type)
		}
	}
	if g, ok := d.Group(dtt.GroupITUTFGCloud); !ok || g.State != "conclude" || g.ParentID != dtt.GroupITUT {
		t.Errorf("concluded group = %+v, %v; want it kept with state conclude and parent itu-t", g, ok)
	}
	if g, ok := d.Group(dtt.GroupITUTSG15); !ok || g.Acronym != "itu-t-sg-15" || g.ParentID != dtt.GroupITUT {
		t.Errorf("group 62 = %+v", g)
	}

	mgr := func(role, group, person int64, name, email string) Contact {
		return Contact{RoleID: role, Role: "liaiman", GroupID: group, PersonID: person, Name: name, ASCII: name, Email: email}
	}
	dana := mgr(20005, dtt.GroupITUT, dtt.PersonDana, "Dana Testperson", "dana.testperson@example.org")
	dana.ASCII = "Testperson Dana"
	dana2 := dana
	dana2.RoleID, dana2.GroupID, dana2.Email = 20006, dtt.GroupITUTSG15, "dana.t@example.net"
	want := map[int64][]Contact{
		dtt.Group3GPP:        {mgr(20001, dtt.Group3GPP, dtt.PersonAvery, "Avery Example", "avery.example@example.org")},
		dtt.GroupBBF:         {mgr(20002, dtt.GroupBBF, dtt.PersonBlake, "Blake Sample", "blake.sample@example.org")},
		dtt.GroupCableLabs:   {mgr(20003, dtt.GroupCableLabs, dtt.PersonBlake, "Blake Sample", "blake.sample@example.org"), mgr(20004, dtt.GroupCableLabs, dtt.PersonCasey, "Casey Placeholder", "casey.placeholder@example.com")},
		dtt.GroupITUT:        {dana},
		dtt.GroupITUTSG15:    {dana2},
		dtt.GroupITUTFGCloud: {mgr(20007, dtt.GroupITUTFGCloud, dtt.PersonEmery, "Emery Fictional", "emery.fictional@example.org")},
	}
	if !reflect.DeepEqual(d.Managers, want) {
		t.Errorf("managers\n got %+v\nwant %+v", d.Managers, want)
	}

	var names, emails []string
	for _, ct := range d.Coordinators {
		names = append(names, ct.Name)
		emails = append(emails, ct.Email)
		if ct.Role != "liaison_coordinator" || ct.GroupID != dtt.GroupIAB {
			t.Errorf("coordinator %+v", ct)
		}
	}
	if w := []string{"Suresh Krishnan", "Warren Kumari", "Yingzhen Qu", "Yaroslav Rosomakho"}; !slices.Equal(names, w) {
		t.Errorf("coordinators = %v, want %v", names, w)
	}
	if emails[0] != "suresh.krishnan@example.org" {
		t.Errorf("coordinator emails = %v", emails)
	}

	// Each person is fetched once even when they hold several roles.
	perPath := map[string]int{}
	for _, r := range srv.Requests() {
		perPath[r.Path]++
	}
	persons := 0
	for p, n := range perPath {
		if strings.HasPrefix(p, "/api/v1/person/person/") {
			persons++
			if n != 1 {
				t.Errorf("%s fetched %d times, want once", p, n)
			}
		}
	}
	if persons != 9 { // 5 managers + 4 coordinators
		t.Errorf("fetched %d distinct persons, want 9", persons)
	}
	// The role queries used the filters the Datatracker understands.
	var roleQueries []string
	for _, r := range srv.Requests() {
		if r.Path == "/api/v1/group/role/" {
			roleQueries = append(roleQueries, r.Query.Get("name")+"|"+r.Query.Get("group__type")+"|"+r.Query.Get("group__acronym"))
		}
	}
	if !slices.Contains(roleQueries, "liaiman|sdo|") || !slices.Contains(roleQueries, "liaison_coordinator||iab") {
		t.Errorf("role queries = %v", roleQueries)
	}
}

func TestDirectorySnapshot_SeesChanges(t *testing.T) {
	srv := dtt.NewServer(t)
	c, _ := newTestClient(t, srv.URL)
	ctx := context.Background()
	if _, err := c.DirectorySnapshot(ctx); err != nil {
		t.Fatal(err)
	}

	newRole := srv.SetManager(dtt.Group3GPP, dtt.Person{ID: 900050, Name: "Jordan Newmanager"}, "jordan.newmanager@example.org")
	srv.RenameGroup(dtt.GroupBBF, "bbf")
	srv.RemoveGroup(1858) // onf
	srv.RenamePerson(dtt.PersonBlake, "Blake Renamed", "")

	d, err := c.DirectorySnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Managers[dtt.Group3GPP]; len(got) != 1 || got[0].RoleID != newRole || got[0].Name != "Jordan Newmanager" ||
		got[0].Email != "jordan.newmanager@example.org" {
		t.Errorf("3gpp managers = %+v", got)
	}
	if g, _ := d.Group(dtt.GroupBBF); g.Acronym != "bbf" {
		t.Errorf("group 67 acronym = %q, want bbf", g.Acronym)
	}
	if _, ok := d.Group(1858); ok {
		t.Error("removed group 1858 still listed")
	}
	if got := d.Managers[dtt.GroupBBF]; len(got) != 1 || got[0].Name != "Blake Renamed" {
		t.Errorf("bbf managers = %+v, want the renamed person (persons are fetched fresh)", got)
	}
}

func TestDirectorySnapshot_FailsWholeOnBadPage(t *testing.T) {
	srv := dtt.NewServer(t)
	c, _ := newTestClient(t, srv.URL, WithPageSize(100))
	// Requests: 1-2 group pages, 3 liaiman roles page → malformed.
	srv.FailRequest(3, dtt.MalformedJSON())

	d, err := c.DirectorySnapshot(context.Background())
	var e *Error
	if d != nil || !errors.As(err, &e) || e.Kind != KindDecode {
		t.Fatalf("got %v, %v; want no directory and a decode error", d, err)
	}
	if r := srv.Requests()[2]; r.Path != "/api/v1/group/role/" || !strings.Contains(err.Error(), "/api/v1/group/role/") {
		t.Errorf("request 3 was %s; err = %v", r.Path, err)
	}
}

func TestDirectorySnapshot_NoSDOGroupsIsAnError(t *testing.T) {
	srv := dtt.NewServer(t)
	srv.Update(func(d *dtt.Data) {
		d.Groups = slices.DeleteFunc(d.Groups, func(g dtt.Group) bool { return g.Type == "sdo" })
	})
	c, _ := newTestClient(t, srv.URL)
	if d, err := c.DirectorySnapshot(context.Background()); d != nil || err == nil {
		t.Fatalf("got %v, %v; want an error for an empty directory", d, err)
	}
}

func TestDirectorySnapshot_MissingPersonFails(t *testing.T) {
	srv := dtt.NewServer(t)
	srv.Update(func(d *dtt.Data) {
		d.Persons = slices.DeleteFunc(d.Persons, func(p dtt.Person) bool { return p.ID == dtt.PersonEmery })
	})
	c, _ := newTestClient(t, srv.URL)
	d, err := c.DirectorySnapshot(context.Background())
	if d != nil || !IsNotFound(err) {
		t.Fatalf("got %v, %v; want a not-found error", d, err)
	}
}
