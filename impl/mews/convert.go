package mews

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/paxkit/paxkit/impl/mews/domain"
	"github.com/paxkit/paxkit/internal/apidef"
)

// recode converts between a generated wire type and a domain type through their JSON form:
// both use Mews' property names, so one encoding step maps every field by name, and the
// nullable wrappers of the generated types turn into (or from) plain pointers.
func recode(src, dst any) error {
	b, err := json.Marshal(src)
	if err != nil {
		return fmt.Errorf("mews: encode %T: %w", src, err)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		return fmt.Errorf("mews: decode %T into %T: %w", src, dst, err)
	}
	return nil
}

// tenantOf is the authenticated enterprise of a request.
func tenantOf(ctx context.Context) (string, error) {
	t, ok := apidef.TenantFrom(ctx)
	if !ok {
		return "", errors.New("mews: request reached a handler without an authenticated tenant")
	}
	return t.ID, nil
}

// outcome sorts a domain call's error: a business refusal (403, answered by the caller in the
// operation's own response type), an invalid request (400, rendered by the core as a
// failure) or a real failure.
func outcome(err error) (refusal string, fail error) {
	if err == nil {
		return "", nil
	}
	if e, ok := domain.AsError(err); ok {
		if e.Kind == domain.Refused {
			return e.Message, nil
		}
		return "", apidef.Fail(apidef.Invalid, "%s", e.Message)
	}
	return "", err
}

func requestID(ctx context.Context) string { return apidef.RequestIDFrom(ctx) }

func ptr[T any](v T) *T { return &v }

// invalidf is a 400 the adapter decides before the domain is asked.
func invalidf(format string, args ...any) error {
	return apidef.Fail(apidef.Invalid, format, args...)
}
