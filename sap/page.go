package sap

import (
	"encoding/json"
	"fmt"
	"strconv"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// odataPage is one decoded page of an entity-set read.
type odataPage struct {
	Records []connectors.Record
	// Next is the server's next link (v2 d.__next, v4 @odata.nextLink),
	// absolute as SuccessFactors and Gateway send it, "" on the last page.
	Next string
	// Count is d.__count (v2, a JSON string at SAP, a number at SAP's mock
	// server) or @odata.count (v4), when HasCount.
	Count    int64
	HasCount bool
}

// decodePage reads an OData JSON collection (v2: {"d":{"results":[...],
// "__next":...,"__count":...}}, or the older {"d":[...]}; v4:
// {"value":[...],"@odata.nextLink":...}) or a single entity ({"d":{...}}),
// typing each record by sh. A body that is none of these is an INTERNAL
// error; the caller adds the request to the message.
func decodePage(body []byte, sh *shape) (odataPage, error) {
	var top map[string]any
	if err := json.Unmarshal(body, &top); err != nil {
		return odataPage{}, err
	}
	var page odataPage
	var list []any
	switch d := top["d"].(type) {
	case map[string]any:
		res, isColl := d["results"].([]any)
		if !isColl {
			if _, has := d["results"]; has {
				return odataPage{}, &errs.Error{Code: errs.CodeInternal, Message: "d.results is not an array"}
			}
			r, err := typeRecord(d, sh)
			if err != nil {
				return odataPage{}, err
			}
			page.Records = []connectors.Record{r}
			return page, nil
		}
		list = res
		if n, ok := d["__next"]; ok && n != nil {
			s, ok := n.(string)
			if !ok {
				return odataPage{}, &errs.Error{Code: errs.CodeInternal, Message: "d.__next is not a string"}
			}
			page.Next = s
		}
		if c, ok := d["__count"]; ok {
			n, err := countValue(c)
			if err != nil {
				return odataPage{}, err
			}
			page.Count, page.HasCount = n, true
		}
	case []any:
		list = d
	case nil:
		v, ok := top["value"].([]any)
		if !ok {
			return odataPage{}, &errs.Error{Code: errs.CodeInternal, Message: `the body has neither "d" (OData v2) nor "value" (OData v4)`}
		}
		list = v
		if n, ok := top["@odata.nextLink"].(string); ok {
			page.Next = n
		}
		if c, ok := top["@odata.count"]; ok {
			n, err := countValue(c)
			if err != nil {
				return odataPage{}, err
			}
			page.Count, page.HasCount = n, true
		}
	default:
		return odataPage{}, &errs.Error{Code: errs.CodeInternal, Message: `"d" is neither an object nor an array`}
	}
	page.Records = make([]connectors.Record, 0, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return odataPage{}, &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("result %d is not an object", i)}
		}
		r, err := typeRecord(m, sh)
		if err != nil {
			return odataPage{}, err
		}
		page.Records = append(page.Records, r)
	}
	return page, nil
}

func countValue(v any) (int64, error) {
	switch x := v.(type) {
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		if err == nil && n >= 0 {
			return n, nil
		}
	case float64:
		if x >= 0 && x == float64(int64(x)) {
			return int64(x), nil
		}
	}
	return 0, &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("the advertised count %v is not a count", v)}
}
