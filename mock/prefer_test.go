package mock_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paxkit/paxkit/mock"
)

func ptr[T any](v T) *T { return &v }

func TestParsePrefer(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		want    mock.Prefer
		err     string
	}{
		{name: "none", headers: nil, want: mock.Prefer{}},
		{name: "prism code", headers: []string{"code=404"}, want: mock.Prefer{Code: 404}},
		{name: "several in one header", headers: []string{"code=200, example=hank, dynamic=false"},
			want: mock.Prefer{Code: 200, Example: "hank", Dynamic: ptr(false)}},
		{name: "several headers", headers: []string{"code=201", "dynamic=true"}, want: mock.Prefer{Code: 201, Dynamic: ptr(true)}},
		{name: "quoted value with comma", headers: []string{`example="a, \"b\""`}, want: mock.Prefer{Example: `a, "b"`}},
		{name: "case and spaces", headers: []string{" Code = 500 ; x=y "}, want: mock.Prefer{Code: 500}},
		{name: "latency", headers: []string{"latency=50ms..200ms"}, want: mock.Prefer{Latency: &mock.Range{Min: 50 * time.Millisecond, Max: 200 * time.Millisecond}}},
		{name: "error true", headers: []string{"error=true"}, want: mock.Prefer{Error: mock.ErrorAlways}},
		{name: "error bare", headers: []string{"error"}, want: mock.Prefer{Error: mock.ErrorAlways}},
		{name: "error false", headers: []string{"error=false"}, want: mock.Prefer{Error: mock.ErrorNever}},
		{name: "error status", headers: []string{"error=503"}, want: mock.Prefer{Error: 503}},
		{name: "unknown ignored", headers: []string{"return=minimal, respond-async, wait=10"}, want: mock.Prefer{}},
		{name: "bad code", headers: []string{"code=abc"}, err: "HTTP status"},
		{name: "code out of range", headers: []string{"code=99"}, err: "HTTP status"},
		{name: "empty example", headers: []string{"example="}, err: "name of a documented example"},
		{name: "bad dynamic", headers: []string{"dynamic=yes please"}, err: "true or false"},
		{name: "bad latency", headers: []string{"latency=soon"}, err: "duration"},
		{name: "error 4xx", headers: []string{"error=404"}, err: "5xx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mock.ParsePrefer(tt.headers)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		in   string
		want mock.Range
		err  bool
	}{
		{in: "100ms", want: mock.Range{Min: 100 * time.Millisecond, Max: 100 * time.Millisecond}},
		{in: "50ms..200ms", want: mock.Range{Min: 50 * time.Millisecond, Max: 200 * time.Millisecond}},
		{in: " 1s .. 2s ", want: mock.Range{Min: time.Second, Max: 2 * time.Second}},
		{in: "0s", want: mock.Range{}},
		{in: "200ms..50ms", err: true},
		{in: "-1s", err: true},
		{in: "1m", err: true},
		{in: "50ms..", err: true},
		{in: "", err: true},
		{in: "fast", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := mock.ParseRange(tt.in)
			if tt.err {
				if err == nil {
					t.Fatalf("got %v, want an error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
			if again, err := mock.ParseRange(got.String()); err != nil || again != got {
				t.Errorf("String %q does not parse back: %v %v", got.String(), again, err)
			}
		})
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]mock.Mode{"static": mock.Static, "Dynamic": mock.Dynamic} {
		if got, err := mock.ParseMode(in); err != nil || got != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	if _, err := mock.ParseMode("random"); err == nil {
		t.Error("random: want an error")
	}
}

// FuzzParsePrefer: any Prefer header parses or is refused, never panics, and what parses is
// within bounds.
func FuzzParsePrefer(f *testing.F) {
	for _, s := range []string{"code=404", `example="a,b", dynamic=true`, "latency=1ms..2ms", "error=503", "error", `"`, `a="\`, ",,;="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		p, err := mock.ParsePrefer([]string{h})
		if err != nil {
			return
		}
		if p.Code != 0 && (p.Code < 100 || p.Code > 599) {
			t.Errorf("code %d", p.Code)
		}
		if l := p.Latency; l != nil && (l.Min < 0 || l.Max < l.Min || l.Max > 25*time.Second) {
			t.Errorf("latency %v", *l)
		}
		if p.Error != mock.ErrorDefault && p.Error != mock.ErrorNever && p.Error != mock.ErrorAlways && (p.Error < 500 || p.Error > 599) {
			t.Errorf("error %d", p.Error)
		}
	})
}
