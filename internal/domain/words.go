package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/words"
)

// WordCount counts the words of s as UAX #29 word segmentation finds them:
// a segment counts when it holds a letter or a digit, and each Han,
// Hiragana or Katakana character counts as one word on its own, so that
// the same limits work for Chinese and Japanese as for languages written
// with spaces.
func WordCount(s string) int {
	// Segmenting invalid UTF-8 is undefined; replacing it first reads
	// the whole text.
	seg := words.FromString(strings.ToValidUTF8(s, "\uFFFD"))
	n := 0
	for seg.Next() {
		n += wordsIn(seg.Value())
	}
	return n
}

// wordsIn counts the words in one segment.
func wordsIn(b string) int {
	ideographs, other := 0, false
	for len(b) > 0 {
		r, size := utf8.DecodeRuneInString(b)
		b = b[size:]
		switch {
		case isIdeographic(r):
			ideographs++
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			other = true
		}
	}
	// A segment mixing both is a Katakana run with a prolonged-sound mark
	// or similar, not an extra word.
	if ideographs == 0 && other {
		return 1
	}
	return ideographs
}

func isIdeographic(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}
