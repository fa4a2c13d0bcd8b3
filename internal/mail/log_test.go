package mail

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

func TestLogTransport(t *testing.T) {
	var buf bytes.Buffer
	tr := LogTransport{Log: slog.New(slog.NewJSONHandler(&buf, nil))}
	clock := newClock()
	ob := &memOutbox{}
	m := newTestComposer().Verify("ar", "layla@example.org", "ليلى", "https://dxatlas.example.org/ar/account/verify?token=t1")
	ob.enqueue(m, clock.Now())
	w := NewWorker(ob, tr, clock.Now, testLogger(t))

	if sent, err := w.RunOnce(t.Context()); sent != 1 || err != nil {
		t.Fatalf("sent %d, err %v", sent, err)
	}
	if r := ob.get(t, 1); r.m.SentAt == nil {
		t.Error("not marked sent")
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("log line %q: %v", buf.String(), err)
	}
	want := map[string]string{"msg": "mail", "to": m.To, "subject": m.Subject, "key": m.Key, "text": m.Text}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if !strings.Contains(got["text"].(string), "https://dxatlas.example.org/ar/account/verify?token=t1") {
		t.Error("the logged text lacks the link the demo user needs")
	}
}
