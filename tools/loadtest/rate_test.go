package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

func TestRateResult_PrintsRateLatenciesAndErrors(t *testing.T) {
	r := &rateResult{sent: 7, elapsed: 2 * time.Second, errors: map[string]int{"HTTP 503": 2, "transport error": 1}}
	for _, ms := range []int{70, 10, 60, 20, 50, 30, 40} { // the order they came in
		r.latencies = append(r.latencies, time.Duration(ms)*time.Millisecond)
	}
	var b strings.Builder
	r.print(&b, rateOptions{text: "contact 3gpp", rate: 5, workers: 4, users: 50})
	want := `sent 7 signed "/liaison contact 3gpp" in 2s: 3.5 requests/s achieved (target 5/s), 4 workers, 50 users
latency  p50 40.00ms  p90 70.00ms  p99 70.00ms  max 70.00ms
errors   3 (HTTP 503: 2, transport error: 1)
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	// No errors, and percentiles by nearest rank over 1..100 ms.
	r = &rateResult{sent: 100, elapsed: 10 * time.Second, errors: map[string]int{}}
	for i := 100; i >= 1; i-- {
		r.latencies = append(r.latencies, time.Duration(i)*time.Millisecond)
	}
	b.Reset()
	r.print(&b, rateOptions{text: "list", rate: 10, workers: 1, users: 1})
	for _, w := range []string{"10.0 requests/s achieved (target 10/s)", "p50 50.00ms  p90 90.00ms  p99 99.00ms  max 100.00ms", "errors   0\n"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, b.String())
		}
	}
	// Nothing sent: no division by zero, no index out of range.
	b.Reset()
	(&rateResult{elapsed: time.Second, errors: map[string]int{}}).print(&b, rateOptions{text: "x", rate: 1})
	if !strings.Contains(b.String(), "p50 0.00ms") {
		t.Errorf("empty run:\n%s", b.String())
	}
}

func TestRun_RateAndClientsRunsReadTheirOwnFlags(t *testing.T) {
	var errOut strings.Builder
	if err := run(context.Background(), []string{"rate", "-h"}, io.Discard, &errOut); err != nil || !strings.Contains(errOut.String(), "loadtest rate") {
		t.Errorf("rate -h: %v\n%s", err, errOut.String())
	}
	errOut.Reset()
	if err := run(context.Background(), []string{"clients", "-h"}, io.Discard, &errOut); err != nil || !strings.Contains(errOut.String(), "concurrent clients") {
		t.Errorf("clients -h: %v\n%s", err, errOut.String())
	}
	if err := run(context.Background(), []string{"rate", "-rate", "0"}, io.Discard, io.Discard); err == nil {
		t.Error("a rate of 0 was accepted")
	}
	if err := run(context.Background(), []string{"-clients", "0"}, io.Discard, io.Discard); err == nil {
		t.Error("0 clients were accepted")
	}
}
