// Package server builds paxkit's HTTP server: one echo app serving every API under
// /<api-id>, with the vendor's authentication, contract validation (openapi3filter) before the
// handlers, errors rendered in each vendor's own format, admin endpoints under /_paxkit/, an
// index page, health, timeouts, a body limit and graceful shutdown. It knows no API by name:
// everything API-specific comes from apidef.API values.
package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/internal/validate"
)

// Config holds the server's settings. The zero value of every field means its default.
type Config struct {
	// BodyLimit is the largest request body accepted, in bytes (default 16 MiB, enough for a
	// Mews addFile with a large base64 document).
	BodyLimit int64
	// Timeouts of the HTTP server (defaults: 5s to read headers, 30s to read a request, 30s to
	// write a response, 120s idle).
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// ShutdownTimeout bounds how long a graceful shutdown waits for requests in flight
	// (default 10s).
	ShutdownTimeout time.Duration
	Logger          *slog.Logger
	// Seed makes generated ids reproducible; 0 picks a random seed.
	Seed uint64
	// Now is the clock (default time.Now in UTC).
	Now func() time.Time
	// Fixtures are loaded over the demo data at start and by every reset.
	Fixtures *Fixtures
	// ValidateResponses checks every response against the contract; violations go to
	// OnResponseViolation (tests fail on them) or, if nil, to the log.
	ValidateResponses   bool
	OnResponseViolation func(apiID, operationID string, status int, err error)
}

func (c *Config) defaults() {
	if c.BodyLimit <= 0 {
		c.BodyLimit = 16 << 20
	}
	if c.ReadHeaderTimeout <= 0 {
		c.ReadHeaderTimeout = 5 * time.Second
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = 30 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 30 * time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 120 * time.Second
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		// Milliseconds, as the vendors' own timestamps have at most: nanoseconds would be
		// noise in every answer and in exports.
		c.Now = func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
	}
	if c.Seed == 0 {
		c.Seed = rand.Uint64()
	}
}

// Server is one running paxkit: the APIs, their shared store and tenants, and the echo app.
type Server struct {
	cfg   Config
	echo  *echo.Echo
	store *store.Store
	apis  []*mounted
	byID  map[string]*mounted
	// root is the API mounted at "/" (apidef.API.AtRoot), if any.
	root    *mounted
	tenants *tenantSets
	initial initialState
	// adminMu serialises admin operations (import, reset, export), which read and replace
	// tenants and tables together.
	adminMu   sync.Mutex
	indexPage *template.Template
}

// mounted is one API as served: its definition and its validator.
type mounted struct {
	api       apidef.API
	validator *validate.Validator
}

// New builds a server for apis, all sharing one store. It loads the demo data and the
// fixtures; an error means a fixture or an API definition is wrong.
func New(cfg Config, apis []apidef.API, st *store.Store) (*Server, error) {
	cfg.defaults()
	s := &Server{
		cfg:     cfg,
		store:   st,
		byID:    make(map[string]*mounted),
		tenants: newTenantSets(),
	}
	for _, a := range apis {
		if _, dup := s.byID[a.ID]; dup {
			return nil, fmt.Errorf("server: API %q defined twice", a.ID)
		}
		if a.Tenancy == "" {
			a.Tenancy = a.ID
		}
		if a.AtRoot && s.root != nil {
			return nil, fmt.Errorf("server: APIs %q and %q both mounted at the root", s.root.api.ID, a.ID)
		}
		v, err := validate.New(a.Doc, a.Base())
		if err != nil {
			return nil, err
		}
		m := &mounted{api: a, validator: v}
		s.apis = append(s.apis, m)
		s.byID[a.ID] = m
		if a.AtRoot {
			s.root = m
		}
	}
	initial, err := s.buildInitialState()
	if err != nil {
		return nil, err
	}
	s.initial = initial
	if err := s.applyInitialState(false); err != nil {
		return nil, err
	}
	s.indexPage, err = template.New("index").Parse(indexTemplate)
	if err != nil {
		return nil, fmt.Errorf("server: index page: %w", err)
	}
	e, err := s.buildEcho()
	if err != nil {
		return nil, err
	}
	s.echo = e
	return s, nil
}

// Handler is the server's HTTP handler (tests serve it with httptest).
func (s *Server) Handler() http.Handler { return s.echo }

// Serve answers requests on ln until ctx is done, then shuts down gracefully: it stops
// accepting connections and waits up to ShutdownTimeout for requests in flight.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	s.cfg.Logger.Info("shutting down", "grace", s.cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}

// idSource hands out UUIDs from a seeded generator, so that `--seed` reproduces the ids of a
// run. The generator is not safe for concurrent use, hence the mutex.
type idSource struct {
	mu  sync.Mutex
	rng *rand.ChaCha8
}

func newIDSource(seed uint64) *idSource {
	var key [32]byte
	for i := range 4 {
		for j := range 8 {
			key[i*8+j] = byte((seed + uint64(i)) >> (8 * j))
		}
	}
	return &idSource{rng: rand.NewChaCha8(key)}
}

func (g *idSource) newID() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	id, err := uuid.NewRandomFromReader(g.rng)
	if err != nil {
		// ChaCha8.Read never fails; a failure here is a broken invariant, not bad input.
		panic(fmt.Sprintf("server: id generator: %v", err))
	}
	return id.String()
}
