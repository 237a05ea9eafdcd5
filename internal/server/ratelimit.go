package server

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimit is a token bucket for one tenant: Requests per Per on average, and up to Burst
// requests at once. "200 per 30 s" (Mews' documented limit) is Requests 200, Per 30s, Burst
// 200: a client may send its whole allowance at once and then one request every 150 ms.
type RateLimit struct {
	Requests int
	Per      time.Duration
	Burst    int
}

func (l RateLimit) String() string {
	s := fmt.Sprintf("%d/%s", l.Requests, l.Per)
	if l.Burst != l.Requests {
		s += ":" + strconv.Itoa(l.Burst)
	}
	return s
}

// AnyTenancy is the key of RateLimits that applies to every tenancy not named on its own.
const AnyTenancy = "*"

// RateLimits maps a tenancy (apidef.API.Tenancy: tomp, intrepid, mews, erin) or AnyTenancy to
// the limit of each of its tenants. A tenancy without an entry is not limited.
type RateLimits map[string]RateLimit

// String renders the limits in the syntax ParseRateLimits reads ("off" when there are none).
func (ls RateLimits) String() string {
	if len(ls) == 0 {
		return "off"
	}
	names := make([]string, 0, len(ls))
	for name := range ls {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = name + "=" + ls[name].String()
	}
	return strings.Join(parts, ",")
}

// ParseRateLimits reads `off` or a comma-separated list of TENANCY=N/DURATION[:BURST], for
// example `mews=200/30s,*=50/1s:100`. BURST defaults to N. Every problem is reported, not just
// the first.
func ParseRateLimits(s string) (RateLimits, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "off" {
		return RateLimits{}, nil
	}
	out := RateLimits{}
	var problems []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		name, spec, ok := strings.Cut(part, "=")
		if !ok || name == "" {
			problems = append(problems, fmt.Sprintf("%q: want TENANCY=N/DURATION[:BURST]", part))
			continue
		}
		if _, dup := out[name]; dup {
			problems = append(problems, fmt.Sprintf("%q: tenancy %s named twice", part, name))
			continue
		}
		l, err := parseRateLimit(spec)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%q: %v", part, err))
			continue
		}
		out[name] = l
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("rate limit: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

func parseRateLimit(spec string) (RateLimit, error) {
	count, rest, ok := strings.Cut(spec, "/")
	if !ok {
		return RateLimit{}, fmt.Errorf("want N/DURATION[:BURST], such as 200/30s")
	}
	per, burst, hasBurst := strings.Cut(rest, ":")
	n, err := strconv.Atoi(count)
	if err != nil || n <= 0 {
		return RateLimit{}, fmt.Errorf("the number of requests must be a positive integer, not %q", count)
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return RateLimit{}, fmt.Errorf("the period must be a positive duration such as 30s or 1m, not %q", per)
	}
	l := RateLimit{Requests: n, Per: d, Burst: n}
	if hasBurst {
		b, err := strconv.Atoi(burst)
		if err != nil || b <= 0 {
			return RateLimit{}, fmt.Errorf("the burst must be a positive integer, not %q", burst)
		}
		l.Burst = b
	}
	return l, nil
}

// rateLimiter keeps one token bucket per tenant. Tenants are a closed set (the demo tenants,
// fixtures and imports), so the map is bounded by the tenants ever configured; a bucket is
// created on a tenant's first request.
type rateLimiter struct {
	limits RateLimits
	now    func() time.Time
	mu     sync.Mutex
	// buckets is keyed by tenancy and tenant id: two tenancies may both have a tenant "demo".
	buckets map[[2]string]*rate.Limiter
}

func newRateLimiter(limits RateLimits, now func() time.Time) *rateLimiter {
	return &rateLimiter{limits: limits, now: now, buckets: map[[2]string]*rate.Limiter{}}
}

// take spends one token of the tenant's bucket. When the bucket is empty it spends nothing
// and returns false with how long until a token is there.
func (rl *rateLimiter) take(tenancy, tenant string) (bool, time.Duration) {
	b := rl.bucket(tenancy, tenant)
	if b == nil {
		return true, 0
	}
	// The server's clock, not the limiter's own: tests fix and advance it.
	now := rl.now()
	r := b.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Duration(math.MaxInt64)
	}
	if d := r.DelayFrom(now); d > 0 {
		// A refused request does not queue: give its token back.
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

func (rl *rateLimiter) bucket(tenancy, tenant string) *rate.Limiter {
	l, ok := rl.limits[tenancy]
	if !ok {
		if l, ok = rl.limits[AnyTenancy]; !ok {
			return nil
		}
	}
	key := [2]string{tenancy, tenant}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	b, ok := rl.buckets[key]
	if !ok {
		// A new bucket starts full.
		b = rate.NewLimiter(rate.Limit(float64(l.Requests)/l.Per.Seconds()), l.Burst)
		rl.buckets[key] = b
	}
	return b
}

// retryAfterSeconds renders a wait as Retry-After's delay-seconds: whole seconds, rounded
// up, at least 1 (a client told 0 would retry at once and be refused again).
func retryAfterSeconds(d time.Duration) string {
	s := int64(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return strconv.FormatInt(s, 10)
}

// checkRateLimits refuses limits for a tenancy no API uses: a misspelt name would otherwise
// limit nothing without a word.
func (s *Server) checkRateLimits() error {
	known := map[string]bool{AnyTenancy: true}
	var names []string
	for _, m := range s.apis {
		if !known[m.api.Tenancy] {
			names = append(names, m.api.Tenancy)
		}
		known[m.api.Tenancy] = true
	}
	for name := range s.cfg.RateLimits {
		if !known[name] {
			return fmt.Errorf("server: rate limit for %q: no API uses this tenancy (known: %s, or %s for every other)",
				name, strings.Join(names, ", "), AnyTenancy)
		}
	}
	return nil
}
