package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/paxkit/paxkit/internal/apidef"
)

func TestReadBody(t *testing.T) {
	const limit = 10
	timeout := iotest.ErrReader(os.ErrDeadlineExceeded)
	tests := []struct {
		name   string
		body   io.Reader
		length int64 // Content-Length; -1 when the body is chunked
		want   string
		fails  bool
		kind   apidef.Kind // of the failure
	}{
		{"announced length", strings.NewReader("0123456789"), 10, "0123456789", false, 0},
		{"chunked", strings.NewReader("01234"), -1, "01234", false, 0},
		{"chunked at the limit", strings.NewReader("0123456789"), -1, "0123456789", false, 0},
		{"chunked over the limit", strings.NewReader("0123456789A"), -1, "", true, apidef.TooLarge},
		{"announced over the limit", strings.NewReader("0123456789A"), 11, "", true, apidef.TooLarge},
		{"shorter than announced", strings.NewReader("0123"), 8, "", true, apidef.Invalid},
		{"timed out with a length", io.MultiReader(strings.NewReader("01"), timeout), 8, "", true, apidef.RequestTimeout},
		{"timed out chunked", io.MultiReader(strings.NewReader("01"), timeout), -1, "", true, apidef.RequestTimeout},
		{"empty", http.NoBody, 0, "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest("POST", "/", nil)
			if err != nil {
				t.Fatal(err)
			}
			r.Body, r.ContentLength = io.NopCloser(tt.body), tt.length
			if tt.body == http.NoBody {
				r.Body = http.NoBody
			}
			got, f := readBody(r, limit)
			switch {
			case tt.fails && (f == nil || f.Kind != tt.kind):
				t.Fatalf("failure %+v, want kind %v", f, tt.kind)
			case !tt.fails && f != nil:
				t.Fatalf("failure %+v", f)
			case string(got) != tt.want:
				t.Fatalf("body %q, want %q", got, tt.want)
			}
			if tt.fails {
				return
			}
			// The handler reads the same bytes again.
			again, err := io.ReadAll(r.Body)
			if err != nil || !bytes.Equal(again, got) {
				t.Fatalf("body read again: %q, %v", again, err)
			}
		})
	}
}

func TestReadAtMostKeepsTheCause(t *testing.T) {
	_, err := readAtMost(strings.NewReader("01"), 5, 10)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
	}
}
