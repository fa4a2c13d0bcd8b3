package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
)

// memOutbox is an in-memory Outbox with the store's semantics: a claim
// takes due, unsent, not given-up messages that no one holds, leases them
// and counts the attempt.
type memOutbox struct {
	mu     sync.Mutex
	nextID int64
	rows   []*memRow
}

type memRow struct {
	m           store.OutboxMessage
	lockedUntil time.Time
	gaveUp      bool
	sentMarks   int
}

// enqueue adds m, due at once; a repeated key is ignored.
func (o *memOutbox) enqueue(m Message, now time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, r := range o.rows {
		if r.m.Key == m.Key {
			return
		}
	}
	o.nextID++
	o.rows = append(o.rows, &memRow{m: store.OutboxMessage{
		ID: o.nextID, Key: m.Key, To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		CreatedAt: now, NextAttemptAt: now,
	}})
}

func (o *memOutbox) ClaimOutbox(_ context.Context, now time.Time, limit int, lease time.Duration) ([]store.OutboxMessage, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []store.OutboxMessage
	for _, r := range o.rows {
		if len(out) == limit {
			break
		}
		if r.m.SentAt != nil || r.gaveUp || r.m.NextAttemptAt.After(now) || !r.lockedUntil.Before(now) {
			continue
		}
		r.lockedUntil = now.Add(lease)
		r.m.Attempts++
		out = append(out, r.m)
	}
	return out, nil
}

func (o *memOutbox) row(id int64) (*memRow, error) {
	for _, r := range o.rows {
		if r.m.ID == id {
			return r, nil
		}
	}
	return nil, fmt.Errorf("outbox message %d: %w", id, store.ErrNotFound)
}

func (o *memOutbox) MarkOutboxSent(_ context.Context, id int64, at time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	r, err := o.row(id)
	if err != nil {
		return err
	}
	r.sentMarks++
	r.m.SentAt = &at
	r.lockedUntil = time.Time{}
	return nil
}

func (o *memOutbox) MarkOutboxFailed(_ context.Context, id int64, errText string, next time.Time, permanent bool) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	r, err := o.row(id)
	if err != nil {
		return err
	}
	r.m.LastError = errText
	r.m.NextAttemptAt = next
	r.gaveUp = permanent
	r.lockedUntil = time.Time{}
	return nil
}

// get returns a copy of message id's row.
func (o *memOutbox) get(t *testing.T, id int64) memRow {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	r, err := o.row(id)
	if err != nil {
		t.Fatal(err)
	}
	return *r
}

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *testClock {
	return &testClock{now: time.Date(2026, 6, 30, 21, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *testClock) advance(d time.Duration) { c.set(c.Now().Add(d)) }

// testLogger logs to the test's output, shown for failed tests and -v.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func testMessage(i int) Message {
	return Message{
		To:      fmt.Sprintf("applicant%d@example.org", i),
		Subject: fmt.Sprintf("تم استلام الحالة DX-2026-%04d", i),
		Text:    "شكرًا لكم.\n",
		HTML:    "<p>شكرًا لكم.</p>",
		Key:     fmt.Sprintf("receipt:DX-2026-%04d:v1:x", i),
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempt  int
		min, max time.Duration
	}{
		{attempt: -1, min: 22500 * time.Millisecond, max: 30 * time.Second},
		{attempt: 0, min: 22500 * time.Millisecond, max: 30 * time.Second},
		{attempt: 1, min: 22500 * time.Millisecond, max: 30 * time.Second},
		{attempt: 2, min: 45 * time.Second, max: time.Minute},
		{attempt: 3, min: 90 * time.Second, max: 2 * time.Minute},
		{attempt: 5, min: 6 * time.Minute, max: 8 * time.Minute},
		{attempt: 9, min: 96 * time.Minute, max: 128 * time.Minute},
		{attempt: 10, min: 192 * time.Minute, max: 256 * time.Minute},
		{attempt: 11, min: 270 * time.Minute, max: 6 * time.Hour}, // capped
		{attempt: 64, min: 270 * time.Minute, max: 6 * time.Hour},
		{attempt: 1 << 30, min: 270 * time.Minute, max: 6 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.attempt), func(t *testing.T) {
			distinct := map[time.Duration]bool{}
			for range 500 {
				d := Backoff(tt.attempt)
				if d < tt.min || d > tt.max {
					t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", tt.attempt, d, tt.min, tt.max)
				}
				distinct[d] = true
			}
			if len(distinct) < 2 {
				t.Errorf("Backoff(%d) has no jitter", tt.attempt)
			}
		})
	}
}

func TestWorkerSendsEachMessageOnce(t *testing.T) {
	const n = 40
	tests := []struct {
		name    string
		workers func(w *Worker, mk func() *Worker) [2]*Worker
	}{
		{name: "one worker, two goroutines", workers: func(w *Worker, _ func() *Worker) [2]*Worker { return [2]*Worker{w, w} }},
		{name: "two workers", workers: func(w *Worker, mk func() *Worker) [2]*Worker { return [2]*Worker{w, mk()} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, serverOptions{})
			tr := newSMTP(t, ts.config())
			clock := newClock()
			ob := &memOutbox{}
			for i := range n {
				ob.enqueue(testMessage(i), clock.Now())
			}
			mk := func() *Worker {
				w := NewWorker(ob, tr, clock.Now, testLogger(t))
				w.Batch = 3
				return w
			}
			workers := tt.workers(mk(), mk)

			var wg sync.WaitGroup
			var mu sync.Mutex
			total := 0
			for _, w := range workers {
				wg.Go(func() {
					for {
						sent, err := w.RunOnce(t.Context())
						if err != nil {
							t.Error(err)
							return
						}
						if sent == 0 {
							return
						}
						mu.Lock()
						total += sent
						mu.Unlock()
					}
				})
			}
			wg.Wait()

			if total != n {
				t.Errorf("workers report %d sent, want %d", total, n)
			}
			ids := map[string]int{}
			for _, r := range ts.messages() {
				ids[decodeMIME(t, r.Data).Header.Get("Message-Id")]++
			}
			if len(ids) != n {
				t.Errorf("server got %d distinct messages, want %d", len(ids), n)
			}
			for id, c := range ids {
				if c != 1 {
					t.Errorf("%s delivered %d times", id, c)
				}
			}
			for i := range int64(n) {
				if r := ob.get(t, i+1); r.m.SentAt == nil || r.sentMarks != 1 || r.m.Attempts != 1 {
					t.Errorf("message %d: sent %v, marks %d, attempts %d", i+1, r.m.SentAt, r.sentMarks, r.m.Attempts)
				}
			}
		})
	}
}

func TestWorkerRetriesTemporaryFailures(t *testing.T) {
	// The server answers 451 to the first two transactions, then recovers.
	ts := startServer(t, serverOptions{reject: func(stage string, n int) error {
		if stage == "data" && n <= 2 {
			return smtpError(451, "try again later")
		}
		return nil
	}})
	clock := newClock()
	ob := &memOutbox{}
	ob.enqueue(testMessage(1), clock.Now())
	w := NewWorker(ob, newSMTP(t, ts.config()), clock.Now, testLogger(t))

	for attempt := 1; attempt <= 2; attempt++ {
		start := clock.Now()
		sent, err := w.RunOnce(t.Context())
		if err != nil || sent != 0 {
			t.Fatalf("attempt %d: sent %d, err %v", attempt, sent, err)
		}
		r := ob.get(t, 1)
		if r.m.Attempts != attempt || r.gaveUp || r.m.SentAt != nil || !strings.Contains(r.m.LastError, "451") {
			t.Fatalf("attempt %d: row %+v", attempt, r)
		}
		lo, hi := start.Add(BackoffBase<<(attempt-1)*3/4), start.Add(BackoffBase<<(attempt-1))
		if r.m.NextAttemptAt.Before(lo) || r.m.NextAttemptAt.After(hi) {
			t.Fatalf("attempt %d: next attempt %v, want within [%v, %v]", attempt, r.m.NextAttemptAt, lo, hi)
		}
		// Not due yet: nothing is claimed.
		clock.set(r.m.NextAttemptAt.Add(-time.Second))
		if sent, err := w.RunOnce(t.Context()); sent != 0 || err != nil || ob.get(t, 1).m.Attempts != attempt {
			t.Fatalf("early run: sent %d, err %v, attempts %d", sent, err, ob.get(t, 1).m.Attempts)
		}
		clock.set(r.m.NextAttemptAt)
	}

	sent, err := w.RunOnce(t.Context())
	if err != nil || sent != 1 {
		t.Fatalf("after recovery: sent %d, err %v", sent, err)
	}
	r := ob.get(t, 1)
	if r.m.SentAt == nil || !r.m.SentAt.Equal(clock.Now()) || r.m.Attempts != 3 {
		t.Errorf("row %+v", r)
	}
	if got := len(ts.messages()); got != 1 {
		t.Errorf("server accepted %d messages, want 1", got)
	}
	clock.advance(BackoffCap)
	if sent, _ := w.RunOnce(t.Context()); sent != 0 {
		t.Errorf("a sent message went out again")
	}
}

func TestWorkerPermanentFailure(t *testing.T) {
	ts := startServer(t, serverOptions{reject: func(stage string, _ int) error {
		if stage == "rcpt" {
			return smtpError(550, "no such user")
		}
		return nil
	}})
	clock := newClock()
	ob := &memOutbox{}
	ob.enqueue(testMessage(1), clock.Now())
	w := NewWorker(ob, newSMTP(t, ts.config()), clock.Now, testLogger(t))

	if sent, err := w.RunOnce(t.Context()); sent != 0 || err != nil {
		t.Fatalf("sent %d, err %v", sent, err)
	}
	r := ob.get(t, 1)
	if !r.gaveUp || r.m.Attempts != 1 || !strings.Contains(r.m.LastError, "550") {
		t.Fatalf("row %+v", r)
	}
	clock.advance(BackoffCap)
	if _, err := w.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	if r := ob.get(t, 1); r.m.Attempts != 1 {
		t.Errorf("a refused message was tried again: attempts %d", r.m.Attempts)
	}
}

func TestWorkerGivesUp(t *testing.T) {
	ts := startServer(t, serverOptions{reject: func(stage string, _ int) error {
		if stage == "rcpt" {
			return smtpError(450, "mailbox busy")
		}
		return nil
	}})
	clock := newClock()
	ob := &memOutbox{}
	ob.enqueue(testMessage(1), clock.Now())
	w := NewWorker(ob, newSMTP(t, ts.config()), clock.Now, testLogger(t))

	for attempt := 1; attempt <= MaxAttempts+2; attempt++ {
		if _, err := w.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		r := ob.get(t, 1)
		wantAttempts := min(attempt, MaxAttempts)
		if r.m.Attempts != wantAttempts || r.gaveUp != (attempt >= MaxAttempts) {
			t.Fatalf("run %d: attempts %d, gave up %v", attempt, r.m.Attempts, r.gaveUp)
		}
		clock.advance(BackoffCap)
	}
	r := ob.get(t, 1)
	if want := fmt.Sprintf("gave up after %d attempts", MaxAttempts); !strings.HasPrefix(r.m.LastError, want) || !strings.Contains(r.m.LastError, "450") {
		t.Errorf("last error %q", r.m.LastError)
	}
	ts.mu.Lock()
	tries := ts.attempts["rcpt"]
	ts.mu.Unlock()
	if tries != MaxAttempts {
		t.Errorf("server saw %d attempts, want %d", tries, MaxAttempts)
	}
}

// slowTransport is a real transport during which the test clock moves on,
// as it would during a slow delivery.
type slowTransport struct {
	Transport
	clock *testClock
	takes time.Duration
}

func (s slowTransport) Send(ctx context.Context, m Message) error {
	err := s.Transport.Send(ctx, m)
	s.clock.advance(s.takes)
	return err
}

func TestWorkerStaysWithinItsLease(t *testing.T) {
	ts := startServer(t, serverOptions{})
	clock := newClock()
	ob := &memOutbox{}
	for i := range 3 {
		ob.enqueue(testMessage(i), clock.Now())
	}
	slow := slowTransport{Transport: newSMTP(t, ts.config()), clock: clock, takes: 10 * time.Minute}
	w := NewWorker(ob, slow, clock.Now, testLogger(t))
	w.Lease, w.SendTimeout = 15*time.Minute, time.Minute

	// Two sends take 20 minutes: the third would start with 5 minutes of a
	// 15-minute lease left... it does not start at all.
	if sent, err := w.RunOnce(t.Context()); sent != 2 || err != nil {
		t.Fatalf("sent %d, err %v; want 2", sent, err)
	}
	if r := ob.get(t, 3); r.m.SentAt != nil {
		t.Fatal("third message sent past the safe part of the lease")
	}
	// Another worker picks it up once the lease has expired.
	other := NewWorker(ob, newSMTP(t, ts.config()), clock.Now, testLogger(t))
	if sent, err := other.RunOnce(t.Context()); sent != 1 || err != nil {
		t.Fatalf("other worker: sent %d, err %v", sent, err)
	}
	if got := len(ts.messages()); got != 3 {
		t.Errorf("server accepted %d messages, want 3", got)
	}
}

// flakyOutbox loses the first "sent" marks, as a store that is briefly
// unreachable would.
type flakyOutbox struct {
	*memOutbox
	mu    sync.Mutex
	fails int
}

func (o *flakyOutbox) MarkOutboxSent(ctx context.Context, id int64, at time.Time) error {
	o.mu.Lock()
	fail := o.fails > 0
	if fail {
		o.fails--
	}
	o.mu.Unlock()
	if fail {
		return errors.New("database is unreachable")
	}
	return o.memOutbox.MarkOutboxSent(ctx, id, at)
}

func TestWorkerLostMarkDoesNotResend(t *testing.T) {
	ts := startServer(t, serverOptions{})
	clock := newClock()
	mem := &memOutbox{}
	mem.enqueue(testMessage(1), clock.Now())
	ob := &flakyOutbox{memOutbox: mem, fails: 2}
	w := NewWorker(ob, newSMTP(t, ts.config()), clock.Now, testLogger(t))

	sent, err := w.RunOnce(t.Context())
	if sent != 1 || err == nil {
		t.Fatalf("sent %d, err %v; want 1 and the mark's failure", sent, err)
	}
	// The lease expires; the message is claimed again but not re-sent. The
	// first mark retry fails too, the one for the reclaimed message works.
	clock.advance(w.Lease + time.Second)
	if _, err := w.RunOnce(t.Context()); err == nil {
		t.Fatal("want the second lost mark reported")
	}
	r := mem.get(t, 1)
	if r.m.SentAt == nil || r.sentMarks != 1 {
		t.Errorf("row %+v", r)
	}
	if got := len(ts.messages()); got != 1 {
		t.Errorf("server accepted %d messages, want 1", got)
	}
}

func TestWorkerStopped(t *testing.T) {
	ts := startServer(t, serverOptions{})
	clock := newClock()
	ob := &memOutbox{}
	ob.enqueue(testMessage(1), clock.Now())
	w := NewWorker(ob, newSMTP(t, ts.config()), clock.Now, testLogger(t))

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if sent, err := w.RunOnce(ctx); sent != 0 || !errors.Is(err, context.Canceled) {
		t.Fatalf("sent %d, err %v", sent, err)
	}
	clock.advance(w.Lease + time.Second)
	if sent, err := w.RunOnce(t.Context()); sent != 1 || err != nil {
		t.Fatalf("sent %d, err %v", sent, err)
	}
}

func TestWorkerUnsetFieldsMeanDefaults(t *testing.T) {
	ts := startServer(t, serverOptions{})
	clock := newClock()
	ob := &memOutbox{}
	for i := range 3 {
		ob.enqueue(testMessage(i), clock.Now())
	}
	w := NewWorker(ob, newSMTP(t, ts.config()), clock.Now, testLogger(t))
	w.Batch, w.Lease, w.SendTimeout, w.MaxAttempts = 0, 0, -1, 0
	if sent, err := w.RunOnce(t.Context()); sent != 3 || err != nil {
		t.Fatalf("sent %d, err %v", sent, err)
	}
}

func TestWorkerRunWakesOnNotify(t *testing.T) {
	ts := startServer(t, serverOptions{})
	clock := newClock()
	ob := &memOutbox{}
	w := NewWorker(ob, newSMTP(t, ts.config()), clock.Now, testLogger(t))
	w.Batch = 2

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, time.Hour) // the tick never comes during the test
	}()

	// Five messages, more than two batches, all go out on one Notify.
	for i := range 5 {
		ob.enqueue(testMessage(i), clock.Now())
	}
	w.Notify()
	for range 5 {
		<-ts.delivered
	}
	// Stopping does not cut a delivery short; its outcome is recorded
	// before Run returns.
	cancel()
	<-done
	for id := int64(1); id <= 5; id++ {
		if r := ob.get(t, id); r.m.SentAt == nil {
			t.Errorf("message %d not marked sent", id)
		}
	}
	if got := len(ts.messages()); got != 5 {
		t.Errorf("server accepted %d messages, want 5", got)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{s: "short", n: 10, want: "short"},
		{s: "exactly10!", n: 10, want: "exactly10!"},
		{s: "451 try again later", n: 3, want: "451"},
		{s: "خطأ", n: 3, want: "خ"}, // two-byte letters: the cut would split the second
		{s: "错误", n: 4, want: "错"},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			if got := truncate(tt.s, tt.n); got != tt.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
			}
		})
	}
}
