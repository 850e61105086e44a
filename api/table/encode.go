package table

import (
	"bytes"
	"encoding/json"
	"io"
)

// jsonMarshal encodes like the API: no HTML escaping, no trailing newline.
func jsonMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// Encode is jsonMarshal for derived bodies built by hand-written operations.
func Encode(v any) ([]byte, error) { return jsonMarshal(v) }

// rawJSON is a body already encoded.
type rawJSON interface{ RawJSON() []byte }

// MarshalJSONTo writes v as JSON: pre-encoded bodies as they are (then
// their pooled buffer is released), anything else with encoding/json (no
// HTML escaping). It is the API's JSON format.
func MarshalJSONTo(w io.Writer, v any) error {
	if r, ok := v.(rawJSON); ok {
		_, err := w.Write(r.RawJSON())
		if rel, ok := v.(interface{ Release() }); ok {
			rel.Release()
		}
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
