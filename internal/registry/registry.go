// Package registry is the list of APIs paxkit serves: it loads each built-in contract and
// hands it, with the shared store, to the API's implementation package. Adding an API means
// one more case here.
package registry

import (
	"context"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/impl/erin"
	"github.com/paxkit/paxkit/impl/intrepid"
	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/openapi"
)

// APIs defines every built-in API over st, in the order of openapi.IDs().
func APIs(ctx context.Context, st *store.Store) ([]apidef.API, error) {
	specs, docs, err := loadAll(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]apidef.API{}
	t, err := tomp.Define(st, specs[tomp.ID], docs[tomp.ID])
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	byID[tomp.ID] = t
	i, err := intrepid.Define(st, specs[intrepid.ID], docs[intrepid.ID])
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	byID[intrepid.ID] = i
	mewsAPIs, err := mews.Define(st, specs[mews.LegacyID], docs[mews.LegacyID], specs[mews.ID], docs[mews.ID])
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	for _, a := range mewsAPIs {
		byID[a.ID] = a
	}
	e, err := erin.Define(st, specs[erin.ID], docs[erin.ID])
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	byID[erin.ID] = e

	out := make([]apidef.API, 0, len(byID))
	for _, id := range openapi.IDs() {
		a, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("registry: no implementation package defines API %q", id)
		}
		out = append(out, a)
	}
	if len(out) != len(byID) {
		return nil, fmt.Errorf("registry: %d APIs defined but %d contracts embedded", len(byID), len(out))
	}
	return out, nil
}

// loadAll parses the built-in contracts concurrently: parsing the YAML is most of paxkit's
// start-up, and the contracts are independent. (They are not validated here: see openapi.Load.)
// On failure it reports the first failing contract in openapi.IDs() order, as a sequential
// load would.
func loadAll(ctx context.Context) (map[string][]byte, map[string]*openapi3.T, error) {
	ids := openapi.IDs()
	raws := make([][]byte, len(ids))
	loaded := make([]*openapi3.T, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			if raws[i], errs[i] = openapi.Bytes(id); errs[i] != nil {
				errs[i] = fmt.Errorf("registry: %w", errs[i])
				return
			}
			if loaded[i], errs[i] = openapi.Load(ctx, id); errs[i] != nil {
				errs[i] = fmt.Errorf("registry: %s: %w", id, errs[i])
			}
		})
	}
	wg.Wait()
	specs := map[string][]byte{}
	docs := map[string]*openapi3.T{}
	for i, id := range ids {
		if errs[i] != nil {
			return nil, nil, errs[i]
		}
		specs[id], docs[id] = raws[i], loaded[i]
	}
	return specs, docs, nil
}
