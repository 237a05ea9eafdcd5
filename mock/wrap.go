package mock

import (
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/internal/apidef"
)

// Wrap turns a built-in API into its mock: the same routes, credentials, tenants, contract
// validation and error format as `paxkit serve`, but every operation answered by a Responder
// instead of the API's implementation. So the mock refuses exactly what the real API refuses.
func Wrap(a apidef.API, opts Options) (apidef.API, error) {
	rp, err := NewResponder(a.Doc, opts)
	if err != nil {
		return apidef.API{}, fmt.Errorf("mock %s: %w", a.ID, err)
	}
	a.Mount = func(g *echo.Group, _ apidef.Deps) error {
		rp.Register(g)
		return nil
	}
	return a, nil
}

// WrapAll wraps every API.
func WrapAll(apis []apidef.API, opts Options) ([]apidef.API, error) {
	out := make([]apidef.API, len(apis))
	for i, a := range apis {
		w, err := Wrap(a, opts)
		if err != nil {
			return nil, err
		}
		out[i] = w
	}
	return out, nil
}
