package mail

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestIsPermanent(t *testing.T) {
	base := errors.New("550 no such user")
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "nil", err: nil, want: false},
		{name: "plain error", err: base, want: false},
		{name: "marked", err: Permanent(base), want: true},
		{name: "marked, then wrapped", err: fmt.Errorf("send: %w", Permanent(base)), want: true},
		{name: "joined with a temporary one", err: errors.Join(context.DeadlineExceeded, Permanent(base)), want: true},
		{name: "context error", err: context.Canceled, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsPermanent(tt.err); got != tt.want {
				t.Errorf("IsPermanent = %v, want %v", got, tt.want)
			}
		})
	}
	if Permanent(nil) != nil {
		t.Error("Permanent(nil) is not nil")
	}
	if err := Permanent(base); !errors.Is(err, base) || err.Error() != base.Error() {
		t.Errorf("Permanent hides its cause: %v", err)
	}
}
