package sap_test

import (
	"context"
	"fmt"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	fakesap "github.com/xlr8/connectors/internal/fake/sap"
	"github.com/xlr8/connectors/sap"
)

// ExampleNewSuccessFactors reads job records effective on a date, with a
// filter the server evaluates, from a fake SuccessFactors tenant.
func ExampleNewSuccessFactors() {
	srv := fakesap.New(fakesap.Config{Users: map[string]string{"sfadmin@ACME": "secret"}})
	defer srv.Close()
	srv.SeedWorkers(4)
	ctx := context.Background()
	cred := &credentials.Credential{ID: "example", ProductID: sap.SuccessFactors, InstanceURL: srv.URL, AuthType: credentials.AuthBasic,
		Secrets: credentials.Secrets{"username": "sfadmin@ACME", "password": "secret"}}
	conn, err := sap.NewSuccessFactors(ctx, cred, connectors.WithHTTPClient(srv.Client()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	q := connectors.Query{Entity: "EmpJob", Fields: []string{"userId", "seqNumber", "jobTitle", "startDate"},
		Where: connectors.In("department", "ENG", "FIN"), AsOf: connectors.Date{Year: 2021, Month: 6, Day: 1}.Time()}
	for rec, err := range conn.Get(ctx, q) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(rec["userId"], rec["seqNumber"], rec["jobTitle"], rec["startDate"])
	}
	// Output:
	// u00001 1 Junior Engineer 2020-01-01
	// u00003 1 Junior Engineer 2020-01-03
}

// ExampleNewS4HANA creates a business partner (the CSRF token is fetched
// when the system asks for it) and reads it back.
func ExampleNewS4HANA() {
	srv := fakesap.New(fakesap.Config{Product: fakesap.S4HANA, SAPClient: "100", Users: map[string]string{"COMM_USER": "secret"}})
	defer srv.Close()
	ctx := context.Background()
	cred := &credentials.Credential{ID: "example-s4", ProductID: sap.S4HANA, InstanceURL: srv.URL, AuthType: credentials.AuthBasic,
		Secrets: credentials.Secrets{"username": "COMM_USER", "password": "secret", "sap_client": "100"}}
	conn, err := sap.NewS4HANA(ctx, cred, connectors.WithHTTPClient(srv.Client()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	_, err = conn.Execute(ctx, sap.ActionCreate, map[string]any{connectors.ParamType: "HUMAN", connectors.ParamPrincipal: "jane",
		"entity": "API_BUSINESS_PARTNER/A_BusinessPartner",
		"record": map[string]any{"BusinessPartner": "1000042", "BusinessPartnerFullName": "Acme Inc", "BusinessPartnerCategory": "2", "CreationDate": "2026-12-01"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for rec, err := range conn.Get(ctx, connectors.Query{Entity: "API_BUSINESS_PARTNER/A_BusinessPartner", Fields: []string{"BusinessPartner", "BusinessPartnerFullName", "CreationDate"}}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(rec["BusinessPartner"], rec["BusinessPartnerFullName"], rec["CreationDate"])
	}
	// Output:
	// 1000042 Acme Inc 2026-12-01
}
