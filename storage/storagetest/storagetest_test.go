package storagetest_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

func TestOpen_SeededOnTheTestsClockAndReopenable(t *testing.T) {
	ctx := context.Background()
	clock := storagetest.NewClock(time.Time{})
	path := filepath.Join(t.TempDir(), "x.db")
	db := storagetest.Open(t, storagetest.Path(path), storagetest.Now(clock.Now))
	d, err := db.Directory(ctx)
	if err != nil || d.OrgByAcronym("3GPP") == nil {
		t.Fatalf("not seeded with the bundled directory: %v", err)
	}
	if !db.Now().Equal(storagetest.Start) {
		t.Errorf("store's clock %v, want %v", db.Now(), storagetest.Start)
	}
	clock.Add(time.Hour)
	if !db.Now().Equal(storagetest.Start.Add(time.Hour)) {
		t.Errorf("store's clock did not follow the test's: %v", db.Now())
	}
	if _, err := db.Subscribe(ctx, "slack", "C1", 0, "test"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	again := storagetest.Open(t, storagetest.Path(path), storagetest.Unseeded())
	if ids, err := again.Subscriptions(ctx, "slack", "C1"); err != nil || len(ids) != 1 {
		t.Errorf("reopened database lost its subscription: %v %v", ids, err)
	}

	empty := storagetest.Open(t, storagetest.Unseeded())
	if d, err := empty.Directory(ctx); err != nil || len(d.Orgs) != 0 {
		t.Errorf("Unseeded database has %d organizations (%v)", len(d.Orgs), err)
	}
}
