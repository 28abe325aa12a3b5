package slack

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// BenchmarkSlashContact is a signed "/liaison contact 3gpp" through the
// real HTTP handler chain: signature check, parsing, the user cache, the
// real router on a real SQLite file, Block Kit rendering and encoding.
func BenchmarkSlashContact(b *testing.B) {
	e := newTestEnv(b)
	body := slashForm("USUB", "C1", "contact 3gpp", e.fake.ResponseURL("bench")).Encode()
	hdr := http.Header{}
	sign(hdr, testSecret, body, time.Now())
	// Warm the user cache (one users.info).
	if w := e.post("/slack/commands", formType, body); w.Code != 200 {
		b.Fatalf("status %d", w.Code)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(body))
		req.Header = hdr.Clone()
		req.Header.Set("Content-Type", formType)
		w := httptest.NewRecorder()
		e.mux.ServeHTTP(w, req)
		if w.Code != 200 || w.Body.Len() < 1000 {
			b.Fatalf("status %d, %d bytes", w.Code, w.Body.Len())
		}
	}
}
