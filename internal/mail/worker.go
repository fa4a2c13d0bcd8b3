package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
)

// Outbox is the part of the store the worker needs.
type Outbox interface {
	// ClaimOutbox leases up to limit unsent, not given-up messages whose
	// next attempt is due at now and that no one else holds, until
	// now+lease, and counts the attempt: the Attempts of a returned message
	// include the one about to be made.
	ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]store.OutboxMessage, error)
	// MarkOutboxSent records a delivery and releases the lease.
	MarkOutboxSent(ctx context.Context, id int64, at time.Time) error
	// MarkOutboxFailed records a failed attempt and releases the lease; the
	// message is due again at next, or never if permanent.
	MarkOutboxFailed(ctx context.Context, id int64, errText string, next time.Time, permanent bool) error
}

// Retry policy.
const (
	BackoffBase = 30 * time.Second
	BackoffCap  = 6 * time.Hour
	// MaxAttempts is how many attempts a message gets before it is given up.
	MaxAttempts = 10
)

// Backoff is the wait after the attempt-th failed attempt (1 = the first):
// 30 s, doubling each time, up to 6 h, shortened by a random jitter of up
// to a quarter so that messages that failed together (a server outage) do
// not all come back at the same moment.
func Backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := BackoffCap
	// Past 20 doublings the shift would overflow; the cap is long reached.
	if attempt <= 20 {
		d = min(BackoffBase<<(attempt-1), BackoffCap)
	}
	return d - rand.N(d/4+1)
}

// Defaults of a new Worker.
const (
	DefaultBatch       = 10
	DefaultSendTimeout = time.Minute
	// DefaultLease outlasts a whole batch of sends that all time out, so a
	// lease does not run out while its holder is still working.
	DefaultLease = 15 * time.Minute
	// markTimeout bounds recording an outcome once the worker is stopping.
	markTimeout = 30 * time.Second
	// maxErrText bounds the error text stored with a failed attempt.
	maxErrText = 1000
)

// Worker delivers outbox messages. Several workers, in one process or on
// several nodes, may share one outbox: the lease taken by ClaimOutbox keeps
// them from holding the same message at once.
//
// The exported fields may be changed after NewWorker and before the first
// run; a zero or negative value stands for the default.
type Worker struct {
	ob    Outbox
	t     Transport
	clock func() time.Time
	log   *slog.Logger

	// Batch is how many messages one run claims at most.
	Batch int
	// Lease is how long a claimed message stays reserved to this worker.
	Lease time.Duration
	// SendTimeout bounds one delivery attempt. A delivery starts only while
	// at least this much of the lease is left, so another worker cannot
	// take the message over in the middle of its delivery.
	SendTimeout time.Duration
	// MaxAttempts is how many attempts a message gets before it is given
	// up.
	MaxAttempts int

	wake chan struct{}

	mu sync.Mutex
	// unmarked holds messages delivered whose "sent" mark did not reach the
	// store; they are marked, never delivered again, on a later run.
	unmarked map[int64]time.Time
}

// NewWorker returns a worker that delivers ob's messages through t. clock
// is the one clock of the deployment (nil = time.Now); log nil =
// slog.Default().
func NewWorker(ob Outbox, t Transport, clock func() time.Time, log *slog.Logger) *Worker {
	if clock == nil {
		clock = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Worker{
		ob:          ob,
		t:           t,
		clock:       clock,
		log:         log,
		Batch:       DefaultBatch,
		Lease:       DefaultLease,
		SendTimeout: DefaultSendTimeout,
		MaxAttempts: MaxAttempts,
		wake:        make(chan struct{}, 1),
		unmarked:    make(map[int64]time.Time),
	}
}

// Notify wakes Run at once, so that a message enqueued just now goes out
// without waiting for the next tick. It never blocks.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers due messages every interval, and whenever Notify is called,
// until ctx is done. A full batch is followed at once by another run. When
// ctx ends, a delivery under way is completed (within SendTimeout) and
// recorded before Run returns.
func (w *Worker) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Minute
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		_, claimed, err := w.runOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			w.log.ErrorContext(ctx, "mail worker", "err", err)
		} else if claimed >= w.settings().batch {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-tick.C:
		}
	}
}

// RunOnce claims one batch of due messages and tries to deliver each. It
// returns how many were delivered. Delivery failures are recorded on the
// messages, not returned; the error reports a store failure or the end of
// ctx. RunOnce may be called from several goroutines at once.
func (w *Worker) RunOnce(ctx context.Context) (sent int, err error) {
	sent, _, err = w.runOnce(ctx)
	return sent, err
}

// settings are the exported fields, with defaults for unusable values.
type settings struct {
	batch       int
	lease, send time.Duration
	maxAttempts int
}

func (w *Worker) settings() settings {
	s := settings{batch: w.Batch, lease: w.Lease, send: w.SendTimeout, maxAttempts: w.MaxAttempts}
	if s.batch < 1 {
		s.batch = DefaultBatch
	}
	if s.send <= 0 {
		s.send = DefaultSendTimeout
	}
	if s.lease <= 0 {
		s.lease = DefaultLease
	}
	if s.maxAttempts < 1 {
		s.maxAttempts = MaxAttempts
	}
	return s
}

func (w *Worker) runOnce(ctx context.Context) (sent, claimed int, err error) {
	set := w.settings()
	errs := []error{w.markUnmarked(ctx)}
	now := w.clock()
	msgs, err := w.ob.ClaimOutbox(ctx, now, set.batch, set.lease)
	if err != nil {
		return 0, 0, errors.Join(append(errs, fmt.Errorf("claim outbox: %w", err))...)
	}
	leaseEnd := now.Add(set.lease)
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			// The rest stay leased and are claimed again when it expires.
			errs = append(errs, err)
			break
		}
		if at, ok := w.deliveredAt(m.ID); ok {
			errs = append(errs, w.markSent(ctx, m, at))
			continue
		}
		if w.clock().Add(set.send).After(leaseEnd) {
			w.log.WarnContext(ctx, "mail lease too short for the batch; the rest waits for its expiry",
				"left", len(msgs)-i, "lease", set.lease)
			break
		}
		ok, err := w.deliver(ctx, set, m)
		if ok {
			sent++
		}
		errs = append(errs, err)
	}
	return sent, len(msgs), errors.Join(errs...)
}

// deliver makes one attempt at m and records its outcome. ok reports a
// delivery; err a failure to record the outcome.
func (w *Worker) deliver(ctx context.Context, set settings, m store.OutboxMessage) (ok bool, err error) {
	// A delivery under way is not cut short when ctx ends: the server may
	// already hold the message, and an unconfirmed delivery would be
	// repeated. SendTimeout bounds the wait instead.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), set.send)
	sendErr := w.t.Send(sctx, Message{To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML, Key: m.Key})
	cancel()
	if sendErr == nil {
		return true, w.markSent(ctx, m, w.clock())
	}

	now := w.clock()
	next, permanent, text := now, false, sendErr.Error()
	switch {
	case IsPermanent(sendErr):
		permanent = true
	case m.Attempts >= set.maxAttempts:
		permanent = true
		text = fmt.Sprintf("gave up after %d attempts: %s", m.Attempts, text)
	default:
		next = now.Add(Backoff(m.Attempts))
	}
	log := w.log.With("id", m.ID, "key", m.Key, "to", m.To, "attempt", m.Attempts, "err", sendErr)
	if permanent {
		log.ErrorContext(ctx, "mail failed for good")
	} else {
		log.WarnContext(ctx, "mail failed; will retry", "next", next)
	}
	mctx, mcancel := recordCtx(ctx)
	defer mcancel()
	if err := w.ob.MarkOutboxFailed(mctx, m.ID, truncate(text, maxErrText), next, permanent); err != nil {
		return false, fmt.Errorf("mark message %d failed: %w", m.ID, err)
	}
	return false, nil
}

// markSent records m as delivered at at, or remembers it for a later run
// when the store cannot be reached, so that it is not delivered twice.
func (w *Worker) markSent(ctx context.Context, m store.OutboxMessage, at time.Time) error {
	mctx, cancel := recordCtx(ctx)
	defer cancel()
	if err := w.ob.MarkOutboxSent(mctx, m.ID, at); err != nil {
		w.mu.Lock()
		if errors.Is(err, store.ErrNotFound) {
			delete(w.unmarked, m.ID) // gone from the outbox: nothing left to mark
		} else {
			w.unmarked[m.ID] = at
		}
		w.mu.Unlock()
		return fmt.Errorf("mark message %d sent: %w", m.ID, err)
	}
	w.mu.Lock()
	delete(w.unmarked, m.ID)
	w.mu.Unlock()
	w.log.InfoContext(ctx, "mail sent", "id", m.ID, "key", m.Key, "to", m.To, "attempt", m.Attempts)
	return nil
}

// markUnmarked retries the marks that failed in earlier runs.
func (w *Worker) markUnmarked(ctx context.Context) error {
	w.mu.Lock()
	pending := make(map[int64]time.Time, len(w.unmarked))
	for id, at := range w.unmarked {
		pending[id] = at
	}
	w.mu.Unlock()
	var errs []error
	for id, at := range pending {
		errs = append(errs, w.markSent(ctx, store.OutboxMessage{ID: id}, at))
	}
	return errors.Join(errs...)
}

func (w *Worker) deliveredAt(id int64) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	at, ok := w.unmarked[id]
	return at, ok
}

// recordCtx is for writing an outcome that has already happened: it
// survives the cancellation of ctx, within a bound.
func recordCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
