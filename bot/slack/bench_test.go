package slack

import (
	"fmt"
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

// BenchmarkSlashList is a signed "/liaison list open" and "/liaison search
// …" through the same chain, over 40 statements submitted by slash
// command: commands that read the statements race Slack's budget on a
// goroutine of their own.
func BenchmarkSlashList(b *testing.B) {
	e := newTestEnv(b)
	for i := range 40 {
		text := fmt.Sprintf(`submit to=3GPP from=opsawg purpose=info title="Bench statement %d" body="Benchmark statement number %d about QUIC."`, i, i)
		if w := e.slash("USUB", "C1", text); w.Code != 200 || !strings.Contains(w.Body.String(), "Submitted LS-") {
			b.Fatalf("submit: %d %s", w.Code, w.Body)
		}
	}
	for _, text := range []string{"list open", "search QUIC"} {
		b.Run(strings.Fields(text)[0], func(b *testing.B) {
			body := slashForm("USUB", "C1", text, e.fake.ResponseURL("bench")).Encode()
			hdr := http.Header{}
			sign(hdr, testSecret, body, time.Now())
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(body))
				req.Header = hdr.Clone()
				req.Header.Set("Content-Type", formType)
				w := httptest.NewRecorder()
				e.mux.ServeHTTP(w, req)
				if w.Code != 200 || !strings.Contains(w.Body.String(), "LS-") {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
