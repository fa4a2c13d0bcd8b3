package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// AddAttachment stores data as an attachment of a.CaseID named a.Name,
// setting a.ID, a.Size, a.SHA256 (computed from data) and a.CreatedAt if
// it is zero. The bytes are stored once per SHA-256, however many
// attachments share them. A name already used on the case is ErrConflict.
func (db *DB) AddAttachment(ctx context.Context, a *Attachment, data []byte) error {
	sum := sha256.Sum256(data)
	a.SHA256 = hex.EncodeToString(sum[:])
	a.Size = int64(len(data))
	a.CreatedAt = orNow(a.CreatedAt)
	what := fmt.Sprintf("add attachment %q to case %q", a.Name, a.CaseID)
	return db.Transact(ctx, func(tx *DB) error {
		if _, err := tx.exec(ctx, `INSERT INTO attachment_blobs (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
			a.SHA256, a.Size, data); err != nil {
			return wrapErr(err, what)
		}
		err := tx.writeRow(ctx, `
			INSERT INTO attachments (case_id, name, content_type, size, sha256, created_at)
			VALUES (?, ?, ?, ?, ?, ?)
			RETURNING id`,
			a.CaseID, a.Name, a.ContentType, a.Size, a.SHA256, tx.ts(a.CreatedAt)).Scan(&a.ID)
		if err != nil {
			return wrapErr(err, what)
		}
		return nil
	})
}

const attachmentCols = `id, case_id, name, content_type, size, sha256, created_at`

func scanAttachment(s rowScanner) (Attachment, error) {
	var a Attachment
	err := s.Scan(&a.ID, &a.CaseID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, timeCol{&a.CreatedAt})
	return a, err
}

// ListAttachments returns a case's attachments by name.
func (db *DB) ListAttachments(ctx context.Context, caseID string) ([]Attachment, error) {
	rows, err := db.query(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE case_id = ? ORDER BY name`, caseID)
	if err != nil {
		return nil, fmt.Errorf("attachments of case %q: %w", caseID, err)
	}
	return collect(rows, scanAttachment, fmt.Sprintf("attachments of case %q", caseID))
}

// Attachment returns the attachment of a case with that name.
func (db *DB) Attachment(ctx context.Context, caseID, name string) (Attachment, error) {
	a, err := scanAttachment(db.queryRow(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE case_id = ? AND name = ?`, caseID, name))
	if err != nil {
		return Attachment{}, wrapErr(err, fmt.Sprintf("attachment %q of case %q", name, caseID))
	}
	return a, nil
}

// AttachmentData returns the bytes with that SHA-256 (hex).
func (db *DB) AttachmentData(ctx context.Context, sum string) ([]byte, error) {
	var data []byte
	if err := db.queryRow(ctx, `SELECT data FROM attachment_blobs WHERE sha256 = ?`, sum).Scan(&data); err != nil {
		return nil, wrapErr(err, fmt.Sprintf("attachment data %s", sum))
	}
	return data, nil
}

// DeleteAttachment deletes an attachment of a case, and its bytes if no
// other attachment shares them.
func (db *DB) DeleteAttachment(ctx context.Context, caseID, name string) error {
	what := fmt.Sprintf("delete attachment %q of case %q", name, caseID)
	return db.Transact(ctx, func(tx *DB) error {
		var sum string
		err := tx.writeRow(ctx, `DELETE FROM attachments WHERE case_id = ? AND name = ? RETURNING sha256`, caseID, name).Scan(&sum)
		if err != nil {
			return wrapErr(err, what)
		}
		if _, err := tx.exec(ctx, `
			DELETE FROM attachment_blobs
			WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?)`, sum, sum); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	})
}

// CountAttachments returns the number of a case's attachments.
func (db *DB) CountAttachments(ctx context.Context, caseID string) (int, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT count(*) FROM attachments WHERE case_id = ?`, caseID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count attachments of case %q: %w", caseID, err)
	}
	return n, nil
}
