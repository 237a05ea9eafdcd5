package erin

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"regexp"

	"github.com/paxkit/paxkit/gen/erin"
	"github.com/paxkit/paxkit/internal/apidef"
)

// Error codes paxkit answers (listed on Error.code in openapi/erin.yaml).
const (
	codeInvalid         = "INVALID_VALUE"
	codeRequired        = "REQUIRED"
	codeAuthRequired    = "AUTHENTICATION_REQUIRED"
	codeAuthFailed      = "AUTHENTICATION_FAILED"
	codeAccountDisabled = "ACCOUNT_DISABLED"
	codeAccountLocked   = "ACCOUNT_LOCKED"
	codeForbidden       = "FORBIDDEN"
	codeNotFound        = "NOT_FOUND"
	codeInternal        = "INTERNAL_ERROR"
	codeTooMany         = "TOO_MANY_REQUESTS"
	codeTimeout         = "REQUEST_TIMEOUT"
	codeNotImplemented  = "NOT_IMPLEMENTED"
)

var (
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
	languagePattern = regexp.MustCompile(`^[A-Z]{2}$`)
)

// envelope is what an answer echoes of its request: channel, currency, language, echoToken
// and transactionIdentifier when the request gave them, plus the server's timeStamp.
type envelope struct {
	TimeStamp             string
	Channel               *int32
	Currency              *string
	Language              *string
	EchoToken             *string
	TransactionIdentifier *string
}

// envelopeOf reads the envelope from the raw request body. A failure may answer a body that
// broke the contract, so only values the response contract accepts are echoed: a channel that
// is a non-negative int32, a currency and language of the right pattern, string tokens.
func (c *clock) envelopeOf(ctx context.Context) envelope {
	env := envelope{TimeStamp: c.timeStamp()}
	var msg map[string]any
	if json.Unmarshal(apidef.RawBodyFrom(ctx), &msg) != nil {
		return env
	}
	if n, ok := msg["channel"].(float64); ok && n >= 0 && n <= math.MaxInt32 && n == math.Trunc(n) {
		ch := int32(n)
		env.Channel = &ch
	}
	str := func(key string, re *regexp.Regexp) *string {
		s, ok := msg[key].(string)
		if !ok || (re != nil && !re.MatchString(s)) {
			return nil
		}
		return &s
	}
	env.Currency = str("currency", currencyPattern)
	env.Language = str("language", languagePattern)
	env.EchoToken = str("echoToken", nil)
	env.TransactionIdentifier = str("transactionIdentifier", nil)
	return env
}

// failure is the failure envelope: success false and every problem.
func (c *clock) failure(ctx context.Context, errs ...erin.Error) erin.ErrorResponse {
	env := c.envelopeOf(ctx)
	return erin.ErrorResponse{
		TimeStamp: &env.TimeStamp, Channel: env.Channel, Currency: env.Currency, Language: env.Language,
		EchoToken: env.EchoToken, TransactionIdentifier: env.TransactionIdentifier,
		Success: false, Errors: errs,
	}
}

// problem is one entry of `errors`; field is a JSON pointer into the request, or "".
func problem(code, field, message string) erin.Error {
	e := erin.Error{Code: code, Message: message}
	if field != "" {
		e.Field = &field
	}
	return e
}

// render answers a failure found by the core (or an authentication refusal) in the failure
// envelope. A message without `authenticate` is not authenticated: it answers 401
// AUTHENTICATION_REQUIRED, listing the message's other problems too.
func (c *clock) render(r *http.Request, f *apidef.Failure) (int, any) {
	ctx := r.Context()
	status := f.Kind.DefaultStatus()
	var errs []erin.Error
	switch f.Kind {
	case apidef.Invalid:
		for _, v := range f.Violations {
			if v.In == apidef.InBody && v.Pointer == "/authenticate" && v.Missing {
				status = http.StatusUnauthorized
				errs = append([]erin.Error{problem(codeAuthRequired, "/authenticate", "authenticate is required")}, errs...)
				continue
			}
			code := codeInvalid
			if v.Missing {
				code = codeRequired
			}
			field := ""
			if v.In == apidef.InBody {
				field = v.Pointer
			}
			errs = append(errs, problem(code, field, v.String()))
		}
		if len(errs) == 0 {
			errs = append(errs, problem(codeInvalid, "", f.Message))
		}
	case apidef.Unauthenticated, apidef.Forbidden:
		code, ok := loginCode(f)
		switch {
		case ok:
		case f.Kind == apidef.Forbidden:
			code = codeForbidden
		default:
			code = codeAuthFailed
		}
		field := ""
		if code == codeAuthRequired {
			field = "/authenticate"
		}
		errs = append(errs, problem(code, field, f.Message))
	case apidef.RouteNotFound, apidef.MethodNotAllowed:
		errs = append(errs, problem(codeNotFound, "", f.Message))
	case apidef.Internal:
		// The core has replaced the cause by a message quoting the request id.
		errs = append(errs, problem(codeInternal, "", f.Message))
	case apidef.TooLarge:
		errs = append(errs, problem(codeInvalid, "", f.Message))
	case apidef.TooManyRequests:
		errs = append(errs, problem(codeTooMany, "", f.Message))
	case apidef.RequestTimeout:
		errs = append(errs, problem(codeTimeout, "", f.Message))
	case apidef.NotImplemented:
		errs = append(errs, problem(codeNotImplemented, "", f.Message))
	default:
		errs = append(errs, problem(codeInternal, "", f.Message))
	}
	return status, c.failure(ctx, errs...)
}
