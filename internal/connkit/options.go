package connkit

import (
	"fmt"
	"reflect"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// OptionOwner is implemented by drivers whose vendor options are declared
// in packages other than the driver's own (a shared contract package). Each
// entry is an import path.
type OptionOwner interface {
	OptionPackages() []string
}

// CheckVendorOptions refuses vendor options (connectors.VendorOption
// values) that another vendor declared: a value whose type is declared
// outside the driver's package (or its OptionPackages) is INVALID_ARGUMENT,
// so that Open(ctx, "workday_hcm", cred, salesforce.WithBatchSize(5)) fails
// at construction instead of being ignored. A value of a type declared in no
// package (a plain int) belongs to no vendor and is refused as well.
func CheckVendorOptions(product string, o connectors.Options, driver any) error {
	if len(o.Vendor) == 0 {
		return nil
	}
	own := map[string]bool{pkgOf(reflect.TypeOf(driver)): true}
	if oo, ok := driver.(OptionOwner); ok {
		for _, p := range oo.OptionPackages() {
			own[p] = true
		}
	}
	for _, v := range o.Vendor {
		t := reflect.TypeOf(v)
		p := pkgOf(t)
		if own[p] {
			continue
		}
		name := "an untyped value"
		if t != nil {
			name = t.String()
		}
		from := "no vendor package"
		if p != "" {
			from = "package " + p[strings.LastIndex(p, "/")+1:]
		}
		return (&errs.Error{Code: errs.CodeInvalidArgument, Product: product,
			Message: fmt.Sprintf("option %s is from %s, not an option of %s", name, from, product)}).
			WithDetail("option", name)
	}
	return nil
}

func pkgOf(t reflect.Type) string {
	for t != nil && t.Name() == "" && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice) {
		t = t.Elem()
	}
	if t == nil {
		return ""
	}
	return t.PkgPath()
}

// ResolveOptions applies opts (connectors.ApplyOptions) and checks that
// every vendor option was declared in the package of owner, a value of any
// type of the vendor's package (its driver, say), or in the packages it
// names with OptionOwner. Vendors call it first in New.
func ResolveOptions(product string, owner any, opts ...connectors.Option) (connectors.Options, error) {
	o := connectors.ApplyOptions(opts...)
	return o, CheckVendorOptions(product, o, owner)
}

// VendorSettings folds the vendor values of o that are of type T (a
// vendor's option func type, typically func(*settings)) over def, in order:
//
//	type option func(*settings)
//	func WithBatchSize(n int) connectors.Option { return connectors.VendorOption(option(func(s *settings) { s.batch = n })) }
//	set := connkit.VendorSettings[option](o, settings{batch: 2000}, func(f option, s *settings) { f(s) })
func VendorSettings[T, S any](o connectors.Options, def S, apply func(T, *S)) S {
	for _, v := range o.Vendor {
		if t, ok := v.(T); ok {
			apply(t, &def)
		}
	}
	return def
}
