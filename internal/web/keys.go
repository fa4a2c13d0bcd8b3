package web

// T renders a text of the catalogue in the reader's language (falling back
// to English, never to a raw key).
func (rq *request) T(key string, args ...any) string { return rq.L.T(key, args...) }
