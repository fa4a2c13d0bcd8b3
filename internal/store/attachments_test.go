package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/dxatlas/dxatlas/internal/store"
)

func TestAttachments(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call := mkCall(t, db, "att")
		owner := mkUser(t, db, "att@example.org")
		c1 := mkCase(t, db, "DX-2026-0001", call, owner)
		c2 := mkCase(t, db, "DX-2026-0002", call, owner)
		pdf := []byte("%PDF-1.7 report\x00\xff binary")
		sum := sha256.Sum256(pdf)
		wantSum := hex.EncodeToString(sum[:])

		a := store.Attachment{CaseID: c1.ID, Name: "report.pdf", ContentType: "application/pdf", CreatedAt: t0}
		if err := db.AddAttachment(ctx, &a, pdf); err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || a.SHA256 != wantSum || a.Size != int64(len(pdf)) {
			t.Fatalf("after AddAttachment: %+v", a)
		}
		// The same bytes under two more names.
		b := store.Attachment{CaseID: c1.ID, Name: "copy.pdf", ContentType: "application/pdf"}
		c := store.Attachment{CaseID: c2.ID, Name: "report.pdf", ContentType: "application/pdf"}
		for _, x := range []*store.Attachment{&b, &c} {
			if err := db.AddAttachment(ctx, x, pdf); err != nil {
				t.Fatal(err)
			}
		}
		png := []byte("\x89PNG image")
		d := store.Attachment{CaseID: c2.ID, Name: "photo.png", ContentType: "image/png"}
		if err := db.AddAttachment(ctx, &d, png); err != nil {
			t.Fatal(err)
		}

		blobs := func() int {
			var n int
			if err := db.QueryRow(ctx, `SELECT count(*) FROM attachment_blobs`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := blobs(); n != 2 {
			t.Errorf("%d blobs stored for 2 distinct contents, want 2", n)
		}

		t.Run("name taken on the case", func(t *testing.T) {
			dup := store.Attachment{CaseID: c1.ID, Name: "report.pdf", ContentType: "text/plain"}
			if err := db.AddAttachment(ctx, &dup, []byte("other")); !errors.Is(err, store.ErrConflict) {
				t.Errorf("AddAttachment = %v, want ErrConflict", err)
			}
			// The failed add left no blob behind.
			if n := blobs(); n != 2 {
				t.Errorf("%d blobs after a failed add, want 2", n)
			}
		})

		t.Run("read", func(t *testing.T) {
			got, err := db.Attachment(ctx, c1.ID, "report.pdf")
			if err != nil {
				t.Fatal(err)
			}
			if got != a {
				t.Errorf("Attachment = %+v, want %+v", got, a)
			}
			data, err := db.AttachmentData(ctx, got.SHA256)
			if err != nil || !bytes.Equal(data, pdf) {
				t.Errorf("AttachmentData = %q, %v", data, err)
			}
			list, err := db.ListAttachments(ctx, c1.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 2 || list[0].Name != "copy.pdf" || list[1].Name != "report.pdf" {
				t.Errorf("ListAttachments = %+v", list)
			}
			if n, err := db.CountAttachments(ctx, c2.ID); err != nil || n != 2 {
				t.Errorf("CountAttachments = %d, %v; want 2", n, err)
			}
			if _, err := db.Attachment(ctx, c1.ID, "photo.png"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Attachment of another case = %v, want ErrNotFound", err)
			}
			if _, err := db.AttachmentData(ctx, "00"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("AttachmentData(unknown) = %v, want ErrNotFound", err)
			}
		})

		t.Run("delete keeps shared bytes, drops orphans", func(t *testing.T) {
			steps := []struct {
				caseID, name string
				blobs        int
			}{
				{c1.ID, "report.pdf", 2},
				{c1.ID, "copy.pdf", 2},
				{c2.ID, "report.pdf", 1}, // last reference to the PDF
				{c2.ID, "photo.png", 0},
			}
			for _, s := range steps {
				if err := db.DeleteAttachment(ctx, s.caseID, s.name); err != nil {
					t.Fatal(err)
				}
				if n := blobs(); n != s.blobs {
					t.Errorf("after deleting %s/%s: %d blobs, want %d", s.caseID, s.name, n, s.blobs)
				}
			}
			if err := db.DeleteAttachment(ctx, c1.ID, "report.pdf"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("second delete = %v, want ErrNotFound", err)
			}
			if n, err := db.CountAttachments(ctx, c1.ID); err != nil || n != 0 {
				t.Errorf("CountAttachments = %d, %v", n, err)
			}
		})
	})
}
