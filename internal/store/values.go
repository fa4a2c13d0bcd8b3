package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// now is the current time as stored: UTC, whole milliseconds.
func now() time.Time { return norm(time.Now()) }

// norm brings t to the precision and zone in which it is stored, so that a
// value read back equals the value written on both databases.
func norm(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func normPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	n := norm(*t)
	return &n
}

// orNow returns t normalised, or now if t is zero.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return now()
	}
	return norm(t)
}

// ts is the argument for a timestamp column.
func (db *DB) ts(t time.Time) any {
	t = norm(t)
	if db.dialect == DialectSQLite {
		return t.UnixMilli()
	}
	return t
}

// tsPtr is the argument for a nullable timestamp column.
func (db *DB) tsPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return db.ts(*t)
}

// timeCol scans a timestamp column.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	t, err := scanTime(src)
	if err != nil {
		return err
	}
	if t == nil {
		return errors.New("scan timestamp: unexpected NULL")
	}
	*c.t = *t
	return nil
}

// nullTimeCol scans a nullable timestamp column.
type nullTimeCol struct{ t **time.Time }

func (c nullTimeCol) Scan(src any) error {
	t, err := scanTime(src)
	if err != nil {
		return err
	}
	*c.t = t
	return nil
}

func scanTime(src any) (*time.Time, error) {
	var t time.Time
	switch v := src.(type) {
	case nil:
		return nil, nil
	case int64:
		t = time.UnixMilli(v).UTC()
	case time.Time:
		t = v.UTC()
	default:
		return nil, fmt.Errorf("scan timestamp: unsupported type %T", src)
	}
	return &t, nil
}

// jsonArg is the argument for a JSON column: nil for an empty message.
func jsonArg(m json.RawMessage) any {
	if len(m) == 0 {
		return nil
	}
	return string(m)
}

// marshalArg encodes v for a JSON column.
func marshalArg(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// jsonCol scans a JSON column into a RawMessage (nil for NULL).
type jsonCol struct{ m *json.RawMessage }

func (c jsonCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.m = nil
	case []byte:
		*c.m = append(json.RawMessage(nil), v...)
	case string:
		*c.m = json.RawMessage(v)
	default:
		return fmt.Errorf("scan JSON: unsupported type %T", src)
	}
	return nil
}

// unmarshalCol scans a JSON column and decodes it into v.
type unmarshalCol struct{ v any }

func (c unmarshalCol) Scan(src any) error {
	var m json.RawMessage
	if err := (jsonCol{&m}).Scan(src); err != nil {
		return err
	}
	if len(m) == 0 {
		return nil
	}
	if err := json.Unmarshal(m, c.v); err != nil {
		return fmt.Errorf("scan JSON: %w", err)
	}
	return nil
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// collect scans all rows with scan and closes them.
func collect[T any](rows *sql.Rows, scan func(rowScanner) (T, error), what string) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// checkOne turns the result of a statement that must touch exactly one row
// into an error: ErrNotFound if it touched none.
func checkOne(res sql.Result, err error, what string) error {
	if err != nil {
		return wrapErr(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}
