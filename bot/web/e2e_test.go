package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/web"
)

// browserEnv set to "required" makes a missing browser a failure (.ci/run
// sets it); otherwise the end-to-end test skips without one.
const browserEnv = "LIAISONBOT_TEST_BROWSER"

// artifactsEnv names a directory for the screenshots; by default they go
// to the test's temporary directory (removed after the test).
const artifactsEnv = "LIAISONBOT_TEST_ARTIFACTS"

// findBrowser returns the path of a Chromium, or "".
func findBrowser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser starts a headless Chromium with a fresh profile and returns its
// context.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := findBrowser()
	if path == "" {
		if os.Getenv(browserEnv) == "required" {
			t.Fatalf("no Chromium found (chromium, chromium-browser, google-chrome) and %s=required", browserEnv)
		}
		t.Skip("skipped: no Chromium found (install Debian's chromium to run it)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	return bctx
}

func artifactDir(t *testing.T) string {
	if d := os.Getenv(artifactsEnv); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// TestBoard_EndToEndInChromium loads the board in a real browser, filters
// it by organization with the form, opens a statement, follows its reply
// chain both ways, checks the page reads on a phone, and saves
// screenshots.
func TestBoard_EndToEndInChromium(t *testing.T) {
	ctx := browser(t)
	h := newHarness(t, web.Config{})
	f := h.boardFixture()
	question := f.overdue // incoming from 3GPP
	answer := h.put(&bot.Statement{From: "ccamp", To: "3GPP", Title: "Reply on 5G security", Purpose: bot.PurposeResponse,
		Related: question, State: bot.StatePosted, Submitted: fixedNow.Add(-24 * time.Hour),
		Body: "Dear colleagues,\nthank you for your liaison statement."})
	thanks := h.put(&bot.Statement{Direction: bot.Incoming, From: "3GPP", To: "ccamp", Title: "Thanks for the reply",
		Purpose: bot.PurposeResponse, Related: answer, State: bot.StatePosted, Submitted: fixedNow.Add(-time.Hour)})
	dir := artifactDir(t)
	shot := func(name string) {
		t.Helper()
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, buf, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	run := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, a); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	str := func(what string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	follow := func(what, css string) {
		t.Helper()
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
			t.Fatalf("%s (%s): %v", what, css, err)
		}
	}
	listed := func() []string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("ol.statements h3 a")).map(a => a.textContent.split(":")[0])`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	// The board.
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(h.srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	if h1 := str("heading", chromedp.Text(chromedp.CSS("h1"))); h1 != "Open statements" {
		t.Errorf("h1 %q", h1)
	}
	if got, want := listed(), refs(f.overdue, f.soon, f.later); !slices.Equal(got, want) {
		t.Errorf("board lists %q, want %q", got, want)
	}
	// The inline style sheet is applied (the Content-Security-Policy lets
	// exactly it through).
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header.site")).backgroundColor`))
	if err != nil || bg != "rgb(11, 37, 69)" {
		t.Errorf("style sheet not applied: header background %q (%v)", bg, err)
	}
	// Accessibility basics: every form control has a label, headings do
	// not skip a level, the page has a language.
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Array.from(document.querySelectorAll("select, input, textarea")).every(e => e.labels && e.labels.length > 0 && e.labels[0].textContent.trim() !== "")`))
	if err != nil || !ok {
		t.Errorf("a form control without a label (%v)", err)
	}
	checkHeadings := func(page string) {
		t.Helper()
		levels, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`Array.from(document.querySelectorAll("h1,h2,h3,h4,h5,h6")).map(h => +h.tagName[1])`))
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range levels {
			if (i == 0 && l != 1) || (i > 0 && l > levels[i-1]+1) {
				t.Errorf("%s: headings %v skip a level", page, levels)
				break
			}
		}
	}
	checkHeadings("board")
	shot("board.png")

	// Filter by organization with the form, as a person would.
	run("choose ITU-T", chromedp.SetValue(chromedp.ID("f-org"), "ITU-T"))
	follow("filter", "form.filters button[type=submit]")
	if loc := str("location", chromedp.Location()); !strings.Contains(loc, "org=ITU-T") {
		t.Errorf("after filtering: %s", loc)
	}
	if got, want := listed(), refs(f.itu); !slices.Equal(got, want) {
		t.Errorf("ITU-T lists %q, want %q", got, want)
	}
	run("choose 3GPP and any state", chromedp.SetValue(chromedp.ID("f-org"), "3GPP"))
	run("any state", chromedp.SetValue(chromedp.ID("f-state"), "all"))
	follow("filter", "form.filters button[type=submit]")
	if got := listed(); !slices.Contains(got, bot.Ref(answer)) || !slices.Contains(got, bot.Ref(question)) || slices.Contains(got, bot.Ref(f.itu)) {
		t.Errorf("3GPP, any state, lists %q", got)
	}
	shot("board-3gpp.png")

	// Open the reply, then follow its chain up and down.
	follow("open "+bot.Ref(answer), `ol.statements a[href="/statements/`+bot.Ref(answer)+`"]`)
	if h1 := str("heading", chromedp.Text(chromedp.CSS("h1"))); h1 != bot.Ref(answer)+": Reply on 5G security" {
		t.Errorf("statement page h1 %q", h1)
	}
	checkHeadings("statement")
	shot("statement.png")
	follow("what it answers", `a[href="/statements/`+bot.Ref(question)+`"]`)
	if h1 := str("heading", chromedp.Text(chromedp.CSS("h1"))); h1 != bot.Ref(question)+": LS on 5G security" {
		t.Errorf("after following the chain up: %q", h1)
	}
	follow("what answered it", `a[href="/statements/`+bot.Ref(answer)+`"]`)
	follow("what answered the answer", `a[href="/statements/`+bot.Ref(thanks)+`"]`)
	if h1 := str("heading", chromedp.Text(chromedp.CSS("h1"))); h1 != bot.Ref(thanks)+": Thanks for the reply" {
		t.Errorf("after following the chain down: %q", h1)
	}
	chain, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("h2#chain").nextElementSibling.nextElementSibling.textContent`))
	if err != nil || !strings.Contains(chain, bot.Ref(question)) || !strings.Contains(chain, bot.Ref(answer)) ||
		strings.Index(chain, bot.Ref(question)) > strings.Index(chain, bot.Ref(answer)) {
		t.Errorf("the chain above %s reads %q (%v)", bot.Ref(thanks), chain, err)
	}
	shot("reply-chain.png")

	// On a phone: nothing wider than the screen.
	run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	for _, path := range []string{"/", "/statements/" + bot.Ref(answer)} {
		if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(h.srv.URL+path)); err != nil {
			t.Fatal(err)
		}
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if err != nil || wide {
			w, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			t.Errorf("%s is wider than a phone: %d px (%v)", path, w, err)
		}
	}
	shot("statement-phone.png")
}
