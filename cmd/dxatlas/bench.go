package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"sync"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/demo"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/server"
	"github.com/dxatlas/dxatlas/internal/store"
)

// cmdBench runs load tests against a real server on 127.0.0.1.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "library" {
		return benchLibrary(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "rush" {
		return errors.New("usage: dxatlas bench rush|library [flags]")
	}
	return benchRush(ctx, args[1:], stdout, stderr)
}

// benchRush is the deadline rush: many applicants saving drafts at once
// through the JSON API, then all submitting. It counts every acknowledged
// save afterwards, so a lost save is caught, not guessed.
func benchRush(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench rush", stderr)
	var d dbFlags
	d.register(fs)
	clients := fs.Int("clients", 200, "concurrent applicants")
	duration := fs.Duration("duration", 20*time.Second, "how long to save drafts")
	rate := fs.Float64("rate", 1000, "target draft saves per second across all clients (open loop); 0 = as fast as possible (closed loop)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the save phase to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if d.database == "" && d.data == "./dxatlas-data" {
		dir, err := os.MkdirTemp("", "dxatlas-rush-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		d.data = dir
	}
	log := newLogger(stderr, "warn")
	a, closeDB, err := d.open(ctx, log)
	if err != nil {
		return err
	}
	defer closeDB()
	h, err := server.Handler(a, server.Options{})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	// A call and one applicant, token and draft per client.
	now := time.Now().UTC()
	slug := fmt.Sprintf("rush-%d", now.UnixNano())
	opens, closes := now.Add(-time.Hour), now.Add(24*time.Hour)
	admin, err := a.AddUser(ctx, nil, "admin-"+slug+"@bench.invalid", "Bench", store.RoleAdmin, slug)
	if err != nil {
		return describe(a, err)
	}
	if _, err := a.CreateCall(ctx, &admin, app.CallInput{Slug: &slug, Title: store.LocalText{"en": "Deadline rush"},
		OpensAt: &opens, ClosesAt: &closes, Timezone: ptr("UTC"), ReviewersPerCase: ptr(3)}); err != nil {
		return describe(a, err)
	}
	samples, err := demo.Cases()
	if err != nil {
		return err
	}
	type seat struct {
		token, id string
		doc       domain.Case
		acked     int // last save number the server acknowledged
	}
	seats := make([]*seat, *clients)
	for i := range seats {
		u := store.User{Email: fmt.Sprintf("rush%d-%s@bench.invalid", i, slug), Name: "Applicant", Role: store.RoleApplicant, VerifiedAt: &now, CreatedAt: now}
		if err := a.DB.CreateUser(ctx, &u); err != nil {
			return err
		}
		tok, err := a.IssueToken(ctx, u, "rush")
		if err != nil {
			return err
		}
		v, err := a.CreateCase(ctx, &u, slug, domain.Case{})
		if err != nil {
			return describe(a, err)
		}
		seats[i] = &seat{token: tok, id: v.ID, doc: samples[i%len(samples)]}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients, MaxConnsPerHost: *clients}}
	do := func(method, url, token string, body []byte) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}

	mode := "closed loop"
	if *rate > 0 {
		mode = fmt.Sprintf("open loop at %.0f saves/s", *rate)
	}
	fmt.Fprintf(stdout, "deadline rush: %d clients for %s on %s, %s, over HTTP on %s\n", *clients, *duration, a.DB.Dialect(), mode, base)
	var mu sync.Mutex
	var lat []time.Duration
	failures := 0
	stop := time.Now().Add(*duration)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer f.Close()
	}
	var wg sync.WaitGroup
	start := time.Now()
	for _, s := range seats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			fails := 0
			// Open loop: each client saves on a fixed schedule, and latency
			// is measured from the scheduled time, so a slow server cannot
			// hide its queueing (no coordinated omission).
			var every time.Duration
			if *rate > 0 {
				every = time.Duration(float64(len(seats)) / *rate * float64(time.Second))
			}
			next := start.Add(time.Duration(rand.Int64N(int64(every) + 1)))
			for n := 1; time.Now().Before(stop); n++ {
				doc := s.doc
				doc.Lessons = fmt.Sprintf("save %d", n)
				body, _ := json.Marshal(doc)
				t := time.Now()
				if every > 0 {
					if d := time.Until(next); d > 0 {
						time.Sleep(d)
					}
					t = next
					next = next.Add(every)
				}
				code, err := do(http.MethodPut, base+"/api/v1/cases/"+s.id, s.token, body)
				mine = append(mine, time.Since(t))
				if err != nil || code != http.StatusOK {
					fails++
					continue
				}
				s.acked = n
			}
			mu.Lock()
			lat = append(lat, mine...)
			failures += fails
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	pprof.StopCPUProfile()
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	fmt.Fprintf(stdout, "draft saves: %d in %s = %.0f/s; latency p50 %s p95 %s p99 %s max %s; failed %d\n",
		len(lat), elapsed.Round(time.Millisecond), float64(len(lat))/elapsed.Seconds(),
		pct(.50).Round(time.Microsecond), pct(.95).Round(time.Microsecond), pct(.99).Round(time.Microsecond), pct(1).Round(time.Microsecond), failures)

	// Count: every case must hold the last save the server acknowledged.
	lost := 0
	for _, s := range seats {
		c, err := a.DB.CaseByID(ctx, s.id)
		if err != nil {
			return err
		}
		var doc domain.Case
		if err := json.Unmarshal(c.Doc, &doc); err != nil {
			return err
		}
		if doc.Lessons != fmt.Sprintf("save %d", s.acked) {
			lost++
		}
	}
	fmt.Fprintf(stdout, "lost saves: %d of %d cases checked\n", lost, len(seats))

	// Then everyone submits at once, twice (a double click): one version each.
	t := time.Now()
	var subFail int
	for round := 0; round < 2; round++ {
		var wg sync.WaitGroup
		for _, s := range seats {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, err := do(http.MethodPost, base+"/api/v1/cases/"+s.id+"/submit", s.token, nil)
				if err != nil || code != http.StatusOK {
					mu.Lock()
					subFail++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
	versions := 0
	for _, s := range seats {
		c, err := a.DB.CaseByID(ctx, s.id)
		if err != nil {
			return err
		}
		versions += c.Version
	}
	fmt.Fprintf(stdout, "submissions: %d clients × 2 in %s; failed %d; versions stored %d (want %d)\n",
		len(seats), time.Since(t).Round(time.Millisecond), subFail, versions, len(seats))
	if lost > 0 || versions != len(seats) {
		return &exitError{code: 1, msg: "data was lost or duplicated"}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
