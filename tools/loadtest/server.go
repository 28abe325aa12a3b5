package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is a liaisonbot binary this tool started.
type server struct {
	bin, dir, logPath, base, secret string
	cmd                             *exec.Cmd
	exited                          chan struct{}
	keep                            bool
}

// startServer builds (unless -bin) and starts "liaisonbot serve" on a
// temporary database with Slack over HTTP pointed at the fake.
func startServer(ctx context.Context, o options, fake *fakeSlack, stderr io.Writer) (*server, error) {
	dir, err := os.MkdirTemp("", "liaisonbot-loadtest-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir, bin: o.bin, logPath: filepath.Join(dir, "server.log"), exited: make(chan struct{})}
	ok := false
	defer func() {
		if !ok {
			s.cleanup()
		}
	}()
	if s.bin == "" {
		s.bin = filepath.Join(dir, "liaisonbot")
		root, err := moduleRoot()
		if err != nil {
			return nil, err
		}
		build := exec.CommandContext(ctx, "go", "build", "-o", s.bin, "./cmd/liaisonbot")
		build.Dir, build.Stdout, build.Stderr = root, stderr, stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("go build ./cmd/liaisonbot: %w", err)
		}
	}
	secret := make([]byte, 16)
	rand.Read(secret)
	s.secret = hex.EncodeToString(secret)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	s.base = "http://" + addr
	logf, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(s.bin, "serve")
	s.cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir,
		"LIAISONBOT_DB=" + filepath.Join(dir, "liaisonbot.db"), "LIAISONBOT_ADDR=" + addr, "LIAISONBOT_LOG_LEVEL=info",
		"SLACK_BOT_TOKEN=xoxb-loadtest", "SLACK_SIGNING_SECRET=" + s.secret, "SLACK_API_URL=" + fake.URL + "/api/",
		"LIAISONBOT_SLACK_CHANNEL=CLIAISON", "LIAISONBOT_SLACK_PACE=" + o.pace.String(),
	}
	s.cmd.Env = append(s.cmd.Env, o.env...)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	go func() {
		s.cmd.Wait()
		logf.Close()
		close(s.exited)
	}()
	c := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case <-s.exited:
			b, _ := os.ReadFile(s.logPath)
			return nil, fmt.Errorf("liaisonbot exited at start (%s):\n%s", s.cmd.ProcessState, b)
		default:
		}
		if resp, err := c.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			return nil, errors.New("liaisonbot not healthy after 60s; see " + s.logPath)
		}
	}
	ok = true
	return s, nil
}

// moduleRoot is the directory of the main module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run it inside the liaisonbot module (go run ./tools/loadtest)")
	}
	return filepath.Dir(gomod), nil
}

// stop sends SIGTERM and reports how the server stopped.
func (s *server) stop(w io.Writer) {
	start := time.Now()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		fmt.Fprintf(w, "server stopped on SIGTERM in %s (%s)\n", time.Since(start).Round(time.Millisecond), s.cmd.ProcessState)
	case <-time.After(60 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
		fmt.Fprintln(w, "server did not stop within 60s of SIGTERM: killed")
	}
}

func (s *server) cleanup() {
	if s.cmd != nil && s.cmd.Process != nil {
		select {
		case <-s.exited:
		default:
			s.cmd.Process.Kill()
			<-s.exited
		}
	}
	if !s.keep {
		os.RemoveAll(s.dir)
	}
}

// memSample is the server's memory at one moment.
type memSample struct {
	when       string
	rss        int64 // bytes; -1 unknown
	heapInuse  int64
	goroutines int64
	outbox     int64 // notices pending
}

func (m memSample) named(when string) memSample { m.when = when; return m }

// memoryOf reads the server's RSS (VmRSS of /proc/<pid>/status when this
// tool started it, else process_resident_memory_bytes) and its Go heap in
// use, goroutines and outbox depth from /metrics.
func memoryOf(base string, s *server) memSample {
	m := memSample{rss: -1, heapInuse: -1, goroutines: -1, outbox: -1}
	metrics := map[string]int64{}
	if resp, err := http.Get(base + "/metrics"); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, line := range strings.Split(string(b), "\n") {
			name, v, ok := strings.Cut(line, " ")
			if !ok || strings.HasPrefix(line, "#") {
				continue
			}
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				metrics[name] = int64(f)
			}
		}
	}
	get := func(name string) int64 {
		if v, ok := metrics[name]; ok {
			return v
		}
		return -1
	}
	m.heapInuse, m.goroutines, m.outbox = get("go_memstats_heap_inuse_bytes"), get("go_goroutines"), get("liaisonbot_outbox_pending")
	m.rss = get("process_resident_memory_bytes")
	if s != nil {
		if rss, err := vmRSS(s.cmd.Process.Pid); err == nil {
			m.rss = rss
		}
	}
	return m
}

// vmRSS reads VmRSS from /proc/<pid>/status.
func vmRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) == 2 && f[1] == "kB" {
				n, err := strconv.ParseInt(f[0], 10, 64)
				return n * 1024, err
			}
		}
	}
	return 0, errors.New("no VmRSS")
}
