package main

import (
	"context"
	"fmt"
	"io"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/demo"
)

// seedDemo loads the demo call, accounts and sample cases, once (see
// demo.Seed, which the browser tests share).
func seedDemo(ctx context.Context, a *app.App) ([]demo.Account, error) { return demo.Seed(ctx, a) }

func printDemo(w io.Writer, baseURL string, accounts []demo.Account) {
	fmt.Fprintf(w, "\ndxatlas demo — open %s\n\nDemo accounts (for trying dxatlas only):\n", baseURL)
	for _, d := range accounts {
		fmt.Fprintf(w, "  %-12s %-32s password: %s\n", d.Role, d.Email, d.Password)
	}
	fmt.Fprintln(w, "\nMail is written to the log and listed for the admin at /en/admin/mail.")
	fmt.Fprintln(w)
}
