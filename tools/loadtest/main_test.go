package main

import (
	"fmt"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// msList is 1ms, 2ms, … nms, shuffled: percentiles must not depend on the
// order the results came in.
func msList(n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(i+1) * time.Millisecond
	}
	r := mrand.New(mrand.NewPCG(1, 2))
	r.Shuffle(n, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func TestPercentiles_NearestRank(t *testing.T) {
	// The p-th percentile of n values is the ceil(p·n)-th smallest: at
	// least p of the requests took that long or less.
	for _, tc := range []struct {
		n    int
		want string
	}{
		{1, "1.0ms\t1.0ms\t1.0ms\t1.0ms\t"},
		{2, "1.0ms\t2.0ms\t2.0ms\t2.0ms\t"},
		{7, "4.0ms\t7.0ms\t7.0ms\t7.0ms\t"},
		{10, "5.0ms\t9.0ms\t10.0ms\t10.0ms\t"},
		{17, "9.0ms\t16.0ms\t17.0ms\t17.0ms\t"},
		{100, "50.0ms\t90.0ms\t99.0ms\t100.0ms\t"},
		{1001, "501.0ms\t901.0ms\t991.0ms\t1001.0ms\t"},
	} {
		if got := percentiles(msList(tc.n)); got != tc.want {
			t.Errorf("percentiles of 1..%d ms = %q, want %q", tc.n, got, tc.want)
		}
	}
	if got := percentiles(nil); got != "-\t-\t-\t-\t" {
		t.Errorf("no requests: %q", got)
	}
}

func TestParseMix_CumulativeWeights(t *testing.T) {
	mix, err := parseMix("contact=40, list=20,show=0,submit=15")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(mix); got != "[{contact 40} {list 60} {show 60} {submit 75}]" {
		t.Errorf("mix = %s", got)
	}
	for _, bad := range []string{"contact", "contact=x", "contact=-1", "search=10", "contact=0,list=0", ""} {
		if _, err := parseMix(bad); err == nil || !strings.HasPrefix(err.Error(), "-mix: ") {
			t.Errorf("parseMix(%q) = %v, want a -mix error", bad, err)
		}
	}
}

func TestPick_FollowsTheWeights(t *testing.T) {
	mix, err := parseMix("contact=50,list=30,show=0,submit=20")
	if err != nil {
		t.Fatal(err)
	}
	r := mrand.New(mrand.NewPCG(7, 7))
	const n = 20000
	count := map[string]int{}
	for range n {
		count[pick(mix, r)]++
	}
	for kind, want := range map[string]float64{"contact": 0.5, "list": 0.3, "show": 0, "submit": 0.2} {
		if got := float64(count[kind]) / n; math.Abs(got-want) > 0.02 {
			t.Errorf("%s picked %.3f of the time, want %.2f", kind, got, want)
		}
	}
}

func TestReport_CountsAndRatios(t *testing.T) {
	fake := newFakeSlack()
	defer fake.Close()
	fake.expect("late-ok", "Submitted LS-")
	fake.expect("late-busy", "Submitted LS-")
	fake.expect("late-lost", "Submitted LS-")
	fake.answers["late-ok"] = []string{`{"text":"Submitted LS-4"}`}
	fake.answers["late-busy"] = []string{`{"text":"database is locked"}`}
	l := &loader{fake: fake, window: 10 * time.Second, results: []result{
		{kind: "contact", at: 1 * time.Second, latency: 10 * time.Millisecond},
		{kind: "contact", at: 2 * time.Second, latency: 30 * time.Millisecond, problem: "HTTP 500"},
		{kind: "list", at: 12 * time.Second, latency: 20 * time.Millisecond, busy: true, problem: "SQLITE_BUSY"},
		{kind: "submit", at: 19 * time.Second, latency: 40 * time.Millisecond, late: true},
	}}
	r := l.report(20 * time.Second)
	var b strings.Builder
	r.print(&b, []memSample{{when: "end", rss: 3 << 20, heapInuse: -1, goroutines: 12, outbox: 0}})
	out := b.String()
	for _, want := range []string{
		// 4 requests in 20 s; 2 errors of replies plus 2 late answers
		// gone wrong; busy: one reply, one late answer.
		"4 requests in 20s: 0 requests/s; 4 errors; SQLITE_BUSY/locked: 2 in replies, ? in the server log; 1 late answers",
		"  contact: HTTP 500: 1\n  late answer: SQLITE_BUSY: 1\n  late answer: never answered: 1\n  list: SQLITE_BUSY: 1\n",
		"server log: not read",
		"3.0 MiB",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// Per command: requests, errors, p50, p90, p99, max.
	rows := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 6 || len(f) == 7 {
			rows[f[0]] = f[1:]
		}
	}
	for kind, want := range map[string]string{
		"contact": "2 1 10.0ms 30.0ms 30.0ms 30.0ms",
		"list":    "1 1 20.0ms 20.0ms 20.0ms 20.0ms",
		"all":     "4 4 20.0ms 40.0ms 40.0ms 40.0ms",
	} {
		if got := strings.Join(rows[kind], " "); got != want {
			t.Errorf("%s row %q, want %q:\n%s", kind, got, want, out)
		}
	}
	// Latency over time: two 10 s windows.
	for _, want := range []string{"0s–10s  2  0  10.0ms  30.0ms", "10s–20s  2  0  20.0ms  40.0ms"} {
		if !strings.Contains(strings.Join(strings.Fields(out), "  "), strings.Join(strings.Fields(want), "  ")) {
			t.Errorf("windows lack %q:\n%s", want, out)
		}
	}
}

func TestPrintWindows_RatesPerWindow(t *testing.T) {
	var all []result
	for i := range 30 { // 30 requests over 25 s: 12, 12, 6 in 10 s windows
		all = append(all, result{at: time.Duration(i) * 25 * time.Second / 30, latency: time.Duration(i+1) * time.Millisecond})
	}
	r := &report{elapsed: 25 * time.Second, window: 10 * time.Second, all: all}
	var b strings.Builder
	r.printWindows(&b)
	got := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{
		"sent in requests requests/s p50 p90 p99 max",
		"0s–10s 12 1 6.0ms 11.0ms 12.0ms 12.0ms",
		"10s–20s 12 1 18.0ms 23.0ms 24.0ms 24.0ms",
		"20s–25s 6 1 27.0ms 30.0ms 30.0ms 30.0ms",
	}
	for i := range got {
		got[i] = strings.Join(strings.Fields(got[i]), " ")
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("windows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMemoryOf_ReadsTheMetrics(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "# HELP go_goroutines Number of goroutines.\n# TYPE go_goroutines gauge\ngo_goroutines 42\n"+
			"go_memstats_heap_inuse_bytes 1.2582912e+07\nprocess_resident_memory_bytes 3.3554432e+07\nliaisonbot_outbox_pending 3\n")
	}))
	defer srv.Close()
	m := memoryOf(srv.URL, nil)
	if m.goroutines != 42 || m.heapInuse != 12<<20 || m.rss != 32<<20 || m.outbox != 3 {
		t.Errorf("memory %+v", m)
	}
	if got := fmt.Sprintf("%s %s %s", mib(m.heapInuse), num(m.outbox), mib(-1)); got != "12.0 MiB 3 ?" {
		t.Errorf("formatted %q", got)
	}
	// Nothing there: unknown, not zero.
	if m := memoryOf("http://127.0.0.1:1", nil); m.rss != -1 || m.goroutines != -1 || m.outbox != -1 {
		t.Errorf("unreachable server: %+v", m)
	}
}

func TestVmRSS_OfThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc here")
	}
	rss, err := vmRSS(os.Getpid())
	if err != nil || rss < 1<<20 || rss%1024 != 0 {
		t.Errorf("VmRSS %d, %v", rss, err)
	}
	if _, err := vmRSS(-1); err == nil {
		t.Error("no error for a process that does not exist")
	}
}
