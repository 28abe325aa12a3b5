package commands_test

import (
	"strings"
	"testing"
)

func TestShow_LinksToTheWebBoardWhenConfigured(t *testing.T) {
	h := newHarness(t)
	h.do(as(""), `submit to=3GPP from=opsawg purpose=info title="Web link" body="x"`)
	if out := h.do(as(""), "show LS-1"); strings.Contains(out, "/statements/") {
		t.Errorf("a link without a public URL:\n%s", out)
	}
	h.router.PublicURL = "https://liaisons.example.org"
	mustContain(t, h.do(as(""), "show LS-1"), "https://liaisons.example.org/statements/LS-1")
}
