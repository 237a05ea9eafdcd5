package mews

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/oapi-codegen/nullable"

	legacyapi "github.com/paxkit/paxkit/gen/mews-legacy"
	"github.com/paxkit/paxkit/impl/mews/domain"
)

// legacyServer adapts the 2018 revision (gen/mews-legacy) to the domain. The differences it
// bridges: Gender is today's Sex; the classification Disabled is today's DisabledPerson; the
// 2018 lists know fewer classifications and options (newer values are left out of its
// answers); documents and addresses have fewer fields; open items are plain accounting items.
type legacyServer struct {
	svc *domain.Service
}

var _ legacyapi.StrictServerInterface = (*legacyServer)(nil)

func legacyError(ctx context.Context, msg string) legacyapi.Error {
	return legacyapi.Error{Message: msg, RequestId: nullable.NewNullableWithValue(requestID(ctx))}
}

// legacyClassification maps the 2018 names to today's and back.
const (
	legacyDisabled  = "Disabled"
	currentDisabled = "DisabledPerson"
)

// toLegacy is a domain customer in the 2018 shape. The answers are written by legacyjson.go;
// this is the reference its tests compare them with.
func toLegacy(c domain.Customer) (legacyapi.Customer, error) {
	var m map[string]any
	if err := recode(c, &m); err != nil {
		return legacyapi.Customer{}, err
	}
	m["Gender"] = m["Sex"]
	m["CategoryId"] = nil
	var classes []string
	for _, v := range c.Classifications {
		if v == currentDisabled {
			v = legacyDisabled
		}
		if legacyapi.CustomerClassification(v).Valid() {
			classes = append(classes, v)
		}
	}
	m["Classifications"] = nonNil(classes)
	var opts []string
	for _, v := range c.Options {
		if legacyapi.CustomerOption(v).Valid() {
			opts = append(opts, v)
		}
	}
	m["Options"] = nonNil(opts)
	var out legacyapi.Customer
	err := recode(m, &out)
	return out, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// fromLegacyClassifications maps a request's 2018 classification names to today's.
func fromLegacyClassifications(p *domain.Profile) {
	if p.Classifications == nil {
		return
	}
	list := slices.Clone(*p.Classifications)
	for i, v := range list {
		if v == legacyDisabled {
			list[i] = currentDisabled
		}
	}
	p.Classifications = &list
}

func (s *legacyServer) CustomersAdd(ctx context.Context, req legacyapi.CustomersAddRequestObject) (legacyapi.CustomersAddResponseObject, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var in domain.AddInput // a missing body is the zero input, as recode made it
	if req.Body != nil {
		in = legacyAddInput(req.Body)
	}
	fromLegacyClassifications(&in.Profile)
	c, err := s.svc.Add(tenant, in)
	if msg, fail := outcome(err); fail != nil {
		return nil, fail
	} else if msg != "" {
		return legacyapi.CustomersAdd403JSONResponse{Body: legacyError(ctx, msg), Headers: legacyapi.CustomersAdd403ResponseHeaders{RequestId: requestID(ctx)}}, nil
	}
	body, err := legacyCustomerBody(&c)
	if err != nil {
		return nil, err
	}
	return legacyAddAnswer{jsonAnswer{body: body, requestID: requestID(ctx)}}, nil
}

func (s *legacyServer) CustomersUpdate(ctx context.Context, req legacyapi.CustomersUpdateRequestObject) (legacyapi.CustomersUpdateResponseObject, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var in domain.UpdateInput // a missing body is the zero input, as recode made it
	if req.Body != nil {
		in = legacyUpdateInput(req.Body)
	}
	fromLegacyClassifications(&in.Profile)
	c, err := s.svc.Update(tenant, in)
	if msg, fail := outcome(err); fail != nil {
		return nil, fail
	} else if msg != "" {
		return legacyapi.CustomersUpdate403JSONResponse{Body: legacyError(ctx, msg), Headers: legacyapi.CustomersUpdate403ResponseHeaders{RequestId: requestID(ctx)}}, nil
	}
	body, err := legacyCustomerBody(&c)
	if err != nil {
		return nil, err
	}
	return legacyUpdateAnswer{jsonAnswer{body: body, requestID: requestID(ctx)}}, nil
}

// find answers the three legacy reads, which all return every matching customer (the 2018
// revision has no paging and no activity states), newest first.
func (s *legacyServer) find(ctx context.Context, f domain.Filter) (jsonAnswer, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return jsonAnswer{}, err
	}
	found, _, err := s.svc.Find(tenant, f, nil)
	if _, fail := outcome(err); fail != nil {
		return jsonAnswer{}, fail
	}
	body, err := legacyFindBody(found)
	return jsonAnswer{body: body, requestID: requestID(ctx)}, err
}

func (s *legacyServer) CustomersGetAll(ctx context.Context, req legacyapi.CustomersGetAllRequestObject) (legacyapi.CustomersGetAllResponseObject, error) {
	b := req.Body
	if b.EndUtc.Before(b.StartUtc) {
		return nil, invalidf("EndUtc must not be before StartUtc.")
	}
	iv := &domain.Interval{Start: b.StartUtc.UTC(), End: b.EndUtc.UTC()}
	var f domain.Filter
	if b.TimeFilter == legacyapi.CustomerTimeFilterCreated {
		f.Created = iv
	} else {
		// Updated: updated or created within the interval. Creation sets UpdatedUtc too, so
		// the last update covers both.
		f.Updated = iv
	}
	res, err := s.find(ctx, f)
	if err != nil {
		return nil, err
	}
	return legacyGetAllAnswer{res}, nil
}

func (s *legacyServer) CustomersGetAllByIds(ctx context.Context, req legacyapi.CustomersGetAllByIdsRequestObject) (legacyapi.CustomersGetAllByIdsResponseObject, error) {
	res, err := s.find(ctx, domain.Filter{IDs: nonNil(uuids(&req.Body.CustomerIds))})
	if err != nil {
		return nil, err
	}
	return legacyGetAllByIdsAnswer{res}, nil
}

func (s *legacyServer) CustomersGetAllByEmails(ctx context.Context, req legacyapi.CustomersGetAllByEmailsRequestObject) (legacyapi.CustomersGetAllByEmailsResponseObject, error) {
	res, err := s.find(ctx, domain.Filter{Emails: nonNil(req.Body.Emails)})
	if err != nil {
		return nil, err
	}
	return legacyGetAllByEmailsAnswer{res}, nil
}

func (s *legacyServer) CustomersSearch(ctx context.Context, req legacyapi.CustomersSearchRequestObject) (legacyapi.CustomersSearchResponseObject, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var space *string
	if req.Body.SpaceId != nil {
		space = ptr(req.Body.SpaceId.String())
	}
	found, err := s.svc.Search(tenant, req.Body.Name, space)
	if err != nil {
		return nil, err
	}
	body, err := legacySearchBody(found)
	if err != nil {
		return nil, err
	}
	return legacySearchAnswer{jsonAnswer{body: body, requestID: requestID(ctx)}}, nil
}

// legacyItem is an open item as a 2018 accounting item: the gross value with its net and tax
// (TaxRate is unknown when several rates apply), and the revenue type or Payment as Type.
func legacyItem(it domain.OpenItem) (legacyapi.AccountingItem, error) {
	typ := "Payment"
	if it.Kind == domain.KindOrder {
		typ = map[string]string{"Service": "ServiceRevenue", "Product": "ProductRevenue", "Additional": "AdditionalRevenue"}[derefStr(it.RevenueType)]
	}
	amount := map[string]any{"Currency": it.Amount.Currency, "Net": it.Amount.NetValue, "Tax": nil, "TaxRate": nil}
	if len(it.Amount.TaxValues) > 0 {
		total := 0.0
		for _, t := range it.Amount.TaxValues {
			total += t.Value
		}
		amount["Tax"] = total
	}
	switch {
	case it.Amount.GrossValue != nil:
		amount["Value"] = *it.Amount.GrossValue
	case it.Amount.NetValue != nil:
		amount["Value"] = *it.Amount.NetValue
	default:
		amount["Value"] = 0
	}
	var invoiceID any
	if it.Data.Discriminator == "Invoice" && len(it.Data.Value) > 0 {
		var v struct{ InvoiceId *string }
		if json.Unmarshal(it.Data.Value, &v) == nil {
			invoiceID = v.InvoiceId
		}
	}
	m := map[string]any{
		"Id": it.ID, "CustomerId": it.CustomerID, "ProductId": nil, "ServiceId": nil, "OrderId": it.OrderID,
		"BillId": it.BillID, "InvoiceId": invoiceID, "AccountingCategoryId": it.AccountingCategoryID,
		"Amount": amount, "Type": typ, "Name": it.Name, "Notes": it.Notes,
		"ConsumptionUtc": it.ConsumedUtc.Format(time.RFC3339), "ClosedUtc": it.ClosedUtc,
	}
	var out legacyapi.AccountingItem
	err := recode(m, &out)
	return out, err
}

func derefStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *legacyServer) CustomersGetOpenItems(ctx context.Context, req legacyapi.CustomersGetOpenItemsRequestObject) (legacyapi.CustomersGetOpenItemsResponseObject, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	ids := uuids(&req.Body.CustomerIds)
	items, err := s.svc.OpenItems(tenant, ids, req.Body.Currency)
	if _, fail := outcome(err); fail != nil {
		return nil, fail
	}
	out := make([]legacyapi.CustomerItems, 0, len(ids))
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		ci := legacyapi.CustomerItems{CustomerId: req.Body.CustomerIds[i], Items: []legacyapi.AccountingItem{}}
		for _, it := range items[id] {
			x, err := legacyItem(it)
			if err != nil {
				return nil, err
			}
			ci.Items = append(ci.Items, x)
		}
		out = append(out, ci)
	}
	return legacyapi.CustomersGetOpenItems200JSONResponse{Body: legacyapi.CustomerItemResult{Customers: out}, Headers: legacyapi.CustomersGetOpenItems200ResponseHeaders{RequestId: requestID(ctx)}}, nil
}

func (s *legacyServer) CustomersMerge(ctx context.Context, req legacyapi.CustomersMergeRequestObject) (legacyapi.CustomersMergeResponseObject, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	err = s.svc.Merge(tenant, req.Body.SourceCustomerId.String(), req.Body.TargetCustomerId.String())
	if msg, fail := outcome(err); fail != nil {
		return nil, fail
	} else if msg != "" {
		return legacyapi.CustomersMerge403JSONResponse{Body: legacyError(ctx, msg), Headers: legacyapi.CustomersMerge403ResponseHeaders{RequestId: requestID(ctx)}}, nil
	}
	return legacyapi.CustomersMerge200JSONResponse{Body: legacyapi.EmptyResult{}, Headers: legacyapi.CustomersMerge200ResponseHeaders{RequestId: requestID(ctx)}}, nil
}

func (s *legacyServer) CustomersAddFile(ctx context.Context, req legacyapi.CustomersAddFileRequestObject) (legacyapi.CustomersAddFileResponseObject, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	_, err = s.svc.AddFile(tenant, domain.FileInput{CustomerID: b.CustomerId.String(), Name: b.Name, Type: b.Type, Data: b.Data})
	if msg, fail := outcome(err); fail != nil {
		return nil, fail
	} else if msg != "" {
		return legacyapi.CustomersAddFile403JSONResponse{ForbiddenJSONResponse: legacyapi.ForbiddenJSONResponse{
			Body: legacyError(ctx, msg), Headers: legacyapi.ForbiddenResponseHeaders{RequestId: requestID(ctx)}}}, nil
	}
	return legacyapi.CustomersAddFile200JSONResponse{Body: legacyapi.EmptyResult{}, Headers: legacyapi.CustomersAddFile200ResponseHeaders{RequestId: requestID(ctx)}}, nil
}
