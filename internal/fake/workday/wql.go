package workday

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// This file serves WQL: POST /ccx/api/wql/v1/{tenant}/data?limit=&offset=
// with {"query": "..."} (or GET with query=), answering {total, data}.
// It evaluates, with its own small reader, the WQL subset public samples
// show: SELECT aliases FROM allWorkers [(effectiveAsOfDate = 'date')]
// [WHERE ...] [ORDER BY alias [ASC|DESC], ...] [LIMIT n], conditions
// = != < <= > >= in (...) contains startsWith is [not] empty, and/or,
// parentheses, strings in ' or " without escapes. Anything else is a 400
// in Workday's error body.

// wqlFields are allWorkers' aliases the fake serves.
var wqlFields = map[string]bool{"workdayID": true, "employeeID": true, "fullName": true, "businessTitle": true,
	"email_PrimaryWork": true, "hireDate": true, "worker": true, "workerActive": true}

func (f *Fake) wqlRow(x Worker) map[string]any {
	return map[string]any{"workdayID": wid("worker", x.EmployeeID), "employeeID": x.EmployeeID, "fullName": x.Name,
		"businessTitle": x.Title, "email_PrimaryWork": x.Email, "hireDate": x.Hired,
		"worker": ref(wid("worker", x.EmployeeID), x.Name), "workerActive": true}
}

func (f *Fake) wql(w http.ResponseWriter, r *http.Request) {
	text := r.URL.Query().Get("query")
	if r.Method == http.MethodPost {
		var body struct {
			Query string `json:"query"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			wdError(w, http.StatusBadRequest, "", "invalid request: the body is not JSON")
			return
		}
		text = body.Query
	}
	q, err := readWQL(text)
	if err != nil {
		wdError(w, http.StatusBadRequest, "", "Invalid WQL: "+err.Error())
		return
	}
	var rows []map[string]any
	for _, x := range f.Workers() {
		row := f.wqlRow(x)
		if q.asOf != "" && x.Hired > q.asOf {
			continue
		}
		if q.where == nil || q.where(row) {
			rows = append(rows, row)
		}
	}
	if len(q.order) > 0 {
		sort.SliceStable(rows, func(i, j int) bool {
			for _, o := range q.order {
				a, b := text2(rows[i][o.field]), text2(rows[j][o.field])
				if a != b {
					return (a < b) != o.desc
				}
			}
			return false
		})
	}
	if q.limit >= 0 && len(rows) > q.limit {
		rows = rows[:q.limit]
	}
	out := make([]map[string]any, len(rows))
	for i, row := range rows {
		m := make(map[string]any, len(q.fields))
		for _, fld := range q.fields {
			m[fld] = row[fld]
		}
		out[i] = m
	}
	f.page(w, r, out)
}

func text2(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

type wqlQuery struct {
	fields []string
	asOf   string
	where  func(map[string]any) bool
	order  []struct {
		field string
		desc  bool
	}
	limit int
}

type wqlErr string

func (e wqlErr) Error() string { return string(e) }

// wqlReader is the fake's own tokenizer and reader for the subset.
type wqlReader struct {
	toks []string // words, quoted strings (with their quote), operators
	i    int
}

func tokenizeWQL(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			i++
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, wqlErr("unterminated string")
			}
			out = append(out, s[i:i+j+2])
			i += j + 2
		case strings.HasPrefix(s[i:], "<=") || strings.HasPrefix(s[i:], ">=") || strings.HasPrefix(s[i:], "!="):
			out = append(out, s[i:i+2])
			i += 2
		case strings.IndexByte("(),=<>", c) >= 0:
			out = append(out, s[i:i+1])
			i++
		case c == '_' || c == '-' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] == '.' || s[j] >= '0' && s[j] <= '9' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
				j++
			}
			out = append(out, s[i:j])
			i = j
		default:
			return nil, wqlErr("unexpected character " + strconv.QuoteRune(rune(c)))
		}
	}
	return out, nil
}

func (p *wqlReader) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *wqlReader) word(w string) bool {
	if strings.EqualFold(p.peek(), w) {
		p.i++
		return true
	}
	return false
}

func (p *wqlReader) need(w string) error {
	if !p.word(w) {
		return wqlErr("expected " + w + " at " + strconv.Quote(p.peek()))
	}
	return nil
}

func (p *wqlReader) field() (string, error) {
	t := p.peek()
	if !wqlFields[t] {
		return "", wqlErr("unknown field " + strconv.Quote(t) + " on allWorkers")
	}
	p.i++
	return t, nil
}

// value reads a literal: a quoted string, a number, true or false.
func (p *wqlReader) value() (any, error) {
	t := p.peek()
	p.i++
	switch {
	case len(t) >= 2 && (t[0] == '\'' || t[0] == '"'):
		return t[1 : len(t)-1], nil
	case t == "true" || t == "false":
		return t == "true", nil
	}
	if n, err := strconv.ParseFloat(t, 64); err == nil {
		return n, nil
	}
	return nil, wqlErr("expected a value at " + strconv.Quote(t))
}

func readWQL(s string) (*wqlQuery, error) {
	toks, err := tokenizeWQL(s)
	if err != nil {
		return nil, err
	}
	p := &wqlReader{toks: toks}
	q := &wqlQuery{limit: -1}
	if err := p.need("SELECT"); err != nil {
		return nil, err
	}
	for {
		fld, err := p.field()
		if err != nil {
			return nil, err
		}
		q.fields = append(q.fields, fld)
		if !p.word(",") {
			break
		}
	}
	if err := p.need("FROM"); err != nil {
		return nil, err
	}
	if err := p.need("allWorkers"); err != nil {
		return nil, wqlErr("unknown data source " + strconv.Quote(p.peek()))
	}
	if p.word("(") {
		if err := p.need("effectiveAsOfDate"); err != nil {
			return nil, err
		}
		if err := p.need("="); err != nil {
			return nil, err
		}
		v, err := p.value()
		d, _ := v.(string)
		if err != nil || len(d) != 10 {
			return nil, wqlErr("effectiveAsOfDate takes a date")
		}
		q.asOf = d
		if err := p.need(")"); err != nil {
			return nil, err
		}
	}
	if p.word("WHERE") {
		if q.where, err = p.or(); err != nil {
			return nil, err
		}
	}
	if p.word("ORDER") {
		if err := p.need("BY"); err != nil {
			return nil, err
		}
		for {
			fld, err := p.field()
			if err != nil {
				return nil, err
			}
			desc := p.word("DESC")
			if !desc {
				p.word("ASC")
			}
			q.order = append(q.order, struct {
				field string
				desc  bool
			}{fld, desc})
			if !p.word(",") {
				break
			}
		}
	}
	if p.word("LIMIT") {
		n, err := strconv.Atoi(p.peek())
		if err != nil || n < 0 {
			return nil, wqlErr("LIMIT takes a count")
		}
		p.i++
		q.limit = n
	}
	if p.i != len(p.toks) {
		return nil, wqlErr("unexpected " + strconv.Quote(p.peek()))
	}
	return q, nil
}

type pred = func(map[string]any) bool

func (p *wqlReader) or() (pred, error) {
	list := []pred{}
	for {
		e, err := p.and()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		if !p.word("OR") {
			break
		}
	}
	return func(r map[string]any) bool {
		for _, e := range list {
			if e(r) {
				return true
			}
		}
		return false
	}, nil
}

func (p *wqlReader) and() (pred, error) {
	list := []pred{}
	for {
		e, err := p.cond()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		if !p.word("AND") {
			break
		}
	}
	return func(r map[string]any) bool {
		for _, e := range list {
			if !e(r) {
				return false
			}
		}
		return true
	}, nil
}

func (p *wqlReader) cond() (pred, error) {
	if p.word("(") {
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		return e, p.need(")")
	}
	fld, err := p.field()
	if err != nil {
		return nil, err
	}
	switch op := p.peek(); op {
	case "=", "!=", "<", "<=", ">", ">=":
		p.i++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		return func(r map[string]any) bool { return compare(r[fld], op, v) }, nil
	}
	switch {
	case p.word("in"):
		if err := p.need("("); err != nil {
			return nil, err
		}
		var vals []any
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			vals = append(vals, v)
			if !p.word(",") {
				break
			}
		}
		return func(r map[string]any) bool {
			for _, v := range vals {
				if compare(r[fld], "=", v) {
					return true
				}
			}
			return false
		}, p.need(")")
	case p.word("contains"), p.word("startsWith"):
		contains := strings.EqualFold(p.toks[p.i-1], "contains")
		v, err := p.value()
		s, ok := v.(string)
		if err != nil || !ok {
			return nil, wqlErr("contains and startsWith take a string")
		}
		return func(r map[string]any) bool {
			have, _ := r[fld].(string)
			if contains {
				return strings.Contains(have, s)
			}
			return strings.HasPrefix(have, s)
		}, nil
	case p.word("is"):
		not := p.word("not")
		if err := p.need("empty"); err != nil {
			return nil, err
		}
		return func(r map[string]any) bool { return (r[fld] == nil || r[fld] == "") != not }, nil
	}
	return nil, wqlErr("expected an operator after " + fld)
}

func compare(have any, op string, want any) bool {
	var c int
	switch w := want.(type) {
	case string:
		h, ok := have.(string)
		if !ok {
			return false
		}
		c = strings.Compare(h, w)
	case bool:
		h, ok := have.(bool)
		if !ok || (op != "=" && op != "!=") {
			return false
		}
		if h != w {
			c = 1
		}
	default:
		return false
	}
	switch op {
	case "=":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}
