// Package translate gives every product one vocabulary and one query
// language: canonical entities and fields and each product's names for
// them, a small universal SQL-like language, compilers from a
// connectors.Query to each product family's native query (pushing down
// what the dialect can express and returning the rest as a residual
// expression), parsers for SOQL, OData $filter and Oracle q=, the seed's
// QueryTranslator (Translate, TranslateFilters), and Match, the
// client-side evaluator of residual expressions.
//
// A vendor package compiles every query through this package and never
// builds one by string concatenation:
//
//	s, err := translate.CompileSOQL(q, translate.WithSchema(describe), translate.WithSinceField("SystemModstamp"))
//	if err != nil { return connectors.Errored(err) }
//	m, err := translate.NewMatcher(s.Residual)                 // nil residual matches everything
//	... GET /query?q=url.QueryEscape(s.Query) ...
//	pager.Config{Query: q, Filter: m.Filter(), Project: dropFields(s.Extra)}
//
// # Vocabulary
//
// Default returns the vocabulary embedded from vocabulary.yaml (Load reads
// another in the same shape and checks it: every mapping names a
// canonical field that exists, value maps use declared values, parameters
// sit on mapped fields). Entities: worker, organization, time_off_request,
// time_off_balance, timecard, schedule, accrual, pay_statement,
// compensation, account, contact, opportunity, journal_entry, supplier,
// invoice, each with typed fields, synonyms ("staff", "headcount" ->
// worker; "PTO", "leave" -> time_off_request; "deals" -> opportunity) and,
// per product of DESIGN.md that holds it, the product's entity and field
// names (dots reach into child objects, "/" is an OData navigation), value
// encodings (worker.status ACTIVE is IsActive = true on Salesforce, "A" on
// UKG Pro, "active" on SuccessFactors), vendor types (Edm.Int64 ...) and,
// for parameter APIs, the filter parameters. Accessors: Entity, Resolve,
// Detect (entities a question mentions), Mapping, ProductEntity, Schema
// (a connectors.EntitySchema in the product's names), ToProduct and
// ToCanonical (rename a Query and encode its values), RecordToCanonical.
// Names marked [I] in the YAML are inferred and should be checked against
// a tenant.
//
// # The universal language
//
//	query     = SELECT ( "*" | ident { "," ident } ) FROM ident
//	            [ WHERE expr ] [ AS OF instant ] [ SINCE instant ]
//	            [ ORDER BY ident [ ASC | DESC ] { "," ... } ] [ LIMIT int ]
//	expr      = and { OR and }
//	and       = unary { AND unary }
//	unary     = NOT unary | "(" expr ")" | predicate
//	predicate = ident ( "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=" ) literal
//	          | ident [ NOT ] IN "(" literal { "," literal } ")"
//	          | ident [ NOT ] LIKE 'pattern' [ ESCAPE '\' ]
//	          | ident IS [ NOT ] NULL
//	literal   = 'text' ('' for a quote) | [-]number | TRUE | FALSE | NULL
//	          | DATE 'YYYY-MM-DD' | TIMESTAMP 'RFC 3339'
//	ident     = name { "." name } | "double-quoted" ("" for a quote)
//
// Keywords ignore case; a field named like a keyword is double-quoted. A
// plain 'YYYY-MM-DD' stays a string (a compile with field types turns it
// into a date). LIKE 'x%' is starts_with, '%x%' contains, a pattern
// without wildcards equality; \ escapes % _ and \ in a pattern; other
// shapes ('%x', inner wildcards, _) have no operator and are errors. AS OF
// and SINCE carry Query.AsOf and Query.Since. Integers are int64, numbers
// with a point or exponent float64. Format prints a Query with the root
// package's printer (Expr.String, FormatValue, FormatIdent, EscapeLike),
// and Parse(Format(q)) equals q for every valid q whose And and Or nodes
// have two or more children (And{x} prints as x). Errors are
// INVALID_ARGUMENT *connectors.Error with the offset, line, column, what
// was expected and what was found, also in Details.
//
// # Dialects
//
// Each compile takes a Query in the product's names and optional field
// information (WithSchema: a describe or Vocabulary.Schema; WithTypes),
// coerces values to the fields' types, splits the filter into Pushed and
// Residual (conjuncts one by one; an Or or Not goes whole to one side),
// adds the fields the residual needs (Extra, to drop after Match), and
// withholds the limit when a residual exists (the pager limits after
// Match). A name the dialect cannot write is an INVALID_ARGUMENT error.
//
//   - CompileSOQL (Salesforce): = != < <= > >= IN NOT IN LIKE, = null,
//     AND OR NOT, ORDER BY, LIMIT. Residual: control characters other than
//     \n \r \t \b \f, sub-second or out-of-range timestamps, LIKE on
//     non-text fields, invalid UTF-8. AsOf is UNSUPPORTED.
//   - CompileOData with SuccessFactors or S4HANA (OData v2): $filter with
//     eq ne gt ge lt le and or not, substringof, startswith, eq null, in
//     (SuccessFactors; an or-chain on S/4HANA); $select, $expand for
//     navigation fields, $orderby, $top, asOfDate (SuccessFactors).
//     Residual: fields a schema marks not filterable, substring operators
//     on non-text fields.
//   - CompileOracle (Fusion REST, REST-Framework-Version 2 and later; send
//     OracleFrameworkVersion): q= with = <> < <= > >= IN NOT IN IS [NOT]
//     NULL LIKE and or; fields= (child:Attr groups), orderBy=, limit (a
//     page-size hint), effectiveDate=. Residual: child attributes, NOT
//     other than <>, NOT IN and IS NOT NULL, LIKE values containing % _ *
//     or \ (the syntax documents no escape), control characters.
//   - CompileWQL (Workday Query Language, POST /ccx/api/wql/v1/{tenant}/data):
//     SELECT aliases FROM dataSource [(effectiveAsOfDate = 'YYYY-MM-DD')]
//     [WHERE ...] [ORDER BY alias ASC|DESC] [LIMIT n], with = < <= > >=,
//     in (...), contains, startsWith, is empty / is not empty, AND OR and
//     parentheses. Residual: != and NOT (other than NOT IS NULL), NOT IN,
//     timestamps, and strings WQL's quotes cannot carry (see Escaping).
//     Translate to workday_hcm writes WQL for an entity whose mapping names
//     a wql data source (worker: allWorkers, fields by their wql alias),
//     else parameters; Translate from workday_hcm reads such WQL back.
//   - CompileParams (Workday REST and RaaS prompts, UKG): top-level
//     conjuncts that match a declared Param (Vocabulary mappings declare
//     them; Prompts builds RaaS prompts); a loose parameter (Workday's name
//     search) keeps its predicate in the residual too. Mostly residual.
//   - The Workday simulator speaks the universal language itself.
//
// Parsers: ParseSOQL / ParseSOQLWhere, ParseOData / ParseODataFilter,
// ParseOracle / ParseOracleQ, ParseWQL read what the emitters write and the common
// forms people write; for pushed-down queries parse(emit(q)) equals q
// (on S/4HANA, with IN as its or-chain).
//
// # Escaping
//
// Values never change a query's structure: SOQL strings are quoted with
// backslash escapes (\' \" \\ \n \r \t \b \f; \% \_ in LIKE), dates and
// datetimes are unquoted literals; OData and Oracle strings double the
// quote; OData dates are datetime'...' or datetimeoffset'...', numbers
// carry the suffix of their Edm type; URL parameters are percent-encoded
// (& = + # and spaces always). WQL strings are quoted with ' , or with "
// when the value holds a ' (both quotes appear in published WQL); no
// escape is published, so a value holding both quotes, a backslash, a
// control character or invalid UTF-8 is residual; WQL dates are
// 'YYYY-MM-DD'. A value a dialect cannot carry exactly goes
// to the residual instead of being altered. FuzzEmitInjection (and
// FuzzWQLInjection) check by re-parsing that arbitrary values leave the
// structure unchanged.
//
// # WQL: verified and assumed
//
// Seen in published material: the endpoint wql/v1/{tenant}/data with
// {"query"} and limit/offset, answering {total, data} (Moveworks' Workday
// plugins, SGNL's Go adapter, Workday's developer agent); SELECT ... FROM
// allWorkers with the aliases employeeID, hireDate, fullName,
// businessTitle, email_PrimaryWork, workdayID, worker, workerActive;
// data-source parameters in parentheses (allWorkers (effectiveAsOfDate =
// ...), dataSourceFilter = ...); strings in ' and in "; dates compared as
// quoted 'YYYY-MM-DD' (hireDate >= "..." in Workday's own example; the
// Convert Report to WQL output CData quotes); in (...), LIKE '%x%',
// contains, startsWith, endsWith, is empty, is not empty, AND/OR with
// parentheses (the Simba Workday connector guide); ORDER BY x ASC; LIMIT.
// Assumed: < (by analogy with > >= <=), that WQL has no escape inside a
// string, that contains/startsWith compare with case as Match does, that
// is empty matches what Match treats as null, the quoting of the
// effectiveAsOfDate value, and true/false literals.
//
// # Match
//
// Match(expr, record) and NewMatcher(expr).Match evaluate an expression
// client side and never panic. Fields are looked up by name, then by path
// ("." or "/"), through nested maps, arrays (any element matches), Oracle
// child collections ({"items": [...]}) and OData expansions
// ({"results": [...]}). Null is a value: a missing or null field IS NULL,
// = anything is false, != anything is true, and orderings are false
// (servers with SQL's three-valued logic drop nulls on != instead).
// Coercions: numbers of any Go type, json.Number and numeric strings
// (OData's Edm.Int64 and Edm.Decimal) compare numerically; a Date operand
// matches Date, time.Time (its date where it is), "2024-03-01", timestamps
// (including Salesforce's +0000) and /Date(ms)/; a time.Time operand
// compares instants with the same forms (a date is midnight UTC); booleans
// match "true"/"false" text. Text comparisons are case-sensitive unless
// the Matcher is built with FoldCase (Salesforce compares text without
// case on the server). Values that cannot be compared are unequal.
//
// # Translate
//
// Translate(query, from, to) reads a native (or universal) query in from's
// names, renames it through the vocabulary and renders to's native query;
// "canonical" is the vocabulary's own names. An unknown product, entity or
// field is INVALID_ARGUMENT with a "did you mean" suggestion; an entity,
// field or value the target does not hold, or a condition its language
// cannot express, is UNSUPPORTED naming it; never a query that means
// something else. TranslateFilters maps a filter map's names and values.
package translate
