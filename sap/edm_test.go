package sap

import (
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMetadataSuccessFactorsLayout(t *testing.T) {
	svc, err := parseMetadata(readFile(t, "testdata/sf_metadata.xml"))
	if err != nil {
		t.Fatalf("parseMetadata: %v", err)
	}
	if diff := cmp.Diff([]string{"EmpJob", "PicklistLabel", "PicklistOption"}, svc.entitySets()); diff != "" {
		t.Errorf("entity sets (-want +got):\n%s", diff)
	}
	got := svc.sets["EmpJob"].schema()
	want := connectors.EntitySchema{Entity: "EmpJob", Label: "Job Information", Key: []string{"seqNumber", "startDate", "userId"},
		Fields: []connectors.Field{
			{Name: "seqNumber", Type: connectors.TypeInt, VendorType: "Edm.Int64", Label: "Event Sequence", Filterable: true, Sortable: true},
			{Name: "startDate", Type: connectors.TypeDate, VendorType: "Edm.DateTime", Label: "Event Date", Filterable: true, Sortable: true},
			{Name: "userId", Type: connectors.TypeString, VendorType: "Edm.String", Label: "User ID", Filterable: true, Sortable: true},
			{Name: "jobTitle", Type: connectors.TypeString, VendorType: "Edm.String", Nullable: true, Label: "Job Title"},
			{Name: "department", Type: connectors.TypeString, VendorType: "Edm.String", Nullable: true, Label: "Department", Filterable: true, Sortable: true},
			{Name: "standardHours", Type: connectors.TypeFloat, VendorType: "Edm.Decimal", Nullable: true, Label: "Standard Weekly Hours", Filterable: true, Sortable: true},
			{Name: "fte", Type: connectors.TypeFloat, VendorType: "Edm.Double", Nullable: true, Label: "FTE", Filterable: true, Sortable: true},
			{Name: "isFulltimeEmployee", Type: connectors.TypeBool, VendorType: "Edm.Boolean", Nullable: true, Label: "Is Fulltime Employee", Filterable: true, Sortable: true},
			{Name: "lastModifiedDateTime", Type: connectors.TypeDateTime, VendorType: "Edm.DateTimeOffset", Label: "Last Modified On", Filterable: true, Sortable: true},
			{Name: "createdOn", Type: connectors.TypeDateTime, VendorType: "Edm.DateTime", Nullable: true, Label: "Created On", Filterable: true, Sortable: true},
			{Name: "userNav", Type: connectors.TypeObject, VendorType: "Navigation", Nullable: true, Label: "User"},
		}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EmpJob schema (-want +got):\n%s", diff)
	}
	po := svc.sets["PicklistOption"]
	labels, ok := po.navigation("picklistLabels")
	if !ok || !labels.ToMany || labels.Target == nil || labels.Target.Type != "SFOData.PicklistLabel" {
		t.Errorf("picklistLabels = %+v, want a to-many navigation to SFOData.PicklistLabel", labels)
	}
	parent, ok := po.navigation("parentPicklistOption")
	if !ok || parent.ToMany || parent.Target != po.shape {
		t.Errorf("parentPicklistOption = %+v, want a to-one navigation to PicklistOption", parent)
	}
	fn := svc.functions["getPasswordPolicy"]
	if fn == nil || fn.HTTPMethod != "GET" || len(fn.Params) != 1 || fn.Params[0] != (funcParam{Name: "locale", Type: "Edm.String", Nullable: true}) {
		t.Errorf("function import = %+v", fn)
	}
}

func TestMetadataGatewayLayout(t *testing.T) {
	svc, err := parseMetadata(readFile(t, "testdata/mockserver/API_BUSINESS_PARTNER/metadata.xml"))
	if err != nil {
		t.Fatalf("parseMetadata: %v", err)
	}
	bp := svc.sets["A_BusinessPartner"]
	if bp == nil || bp.Label != "Business Partner" || !cmp.Equal(bp.Key, []string{"BusinessPartner"}) {
		t.Fatalf("A_BusinessPartner = %+v", bp)
	}
	if p, _ := bp.prop("CreationDate"); !p.DateOnly || fieldType(p) != connectors.TypeDate {
		t.Errorf("CreationDate = %+v, want a date-only Edm.DateTime", p)
	}
	if n, _ := bp.navigation("to_BusinessPartnerAddress"); !n.ToMany || n.Target == nil || n.Target.Type != "API_BUSINESS_PARTNER.A_BusinessPartnerAddressType" {
		t.Errorf("to_BusinessPartnerAddress = %+v", n)
	}
}

func TestMetadataV4(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
 <edmx:DataServices>
  <Schema Namespace="com.sap.gateway.srvd_a2x.api_bank.v0001" Alias="SAP__self" xmlns="http://docs.oasis-open.org/odata/ns/edm">
   <EntityType Name="BankType">
    <Key><PropertyRef Name="BankCountry"/><PropertyRef Name="BankInternalID"/></Key>
    <Property Name="BankCountry" Type="Edm.String" Nullable="false" MaxLength="3"/>
    <Property Name="BankInternalID" Type="Edm.String" Nullable="false" MaxLength="15"/>
    <Property Name="CreationDate" Type="Edm.Date"/>
    <Property Name="LastChangeDateTime" Type="Edm.DateTimeOffset" Precision="7"/>
    <NavigationProperty Name="_Address" Type="Collection(SAP__self.BankAddressType)"/>
    <Annotation Term="SAP__core.Description" String="Bank"/>
   </EntityType>
   <EntityType Name="BankAddressType"><Key><PropertyRef Name="ID"/></Key><Property Name="ID" Type="Edm.String" Nullable="false"/></EntityType>
   <EntityContainer Name="Container"><EntitySet Name="Bank" EntityType="SAP__self.BankType"/></EntityContainer>
  </Schema>
 </edmx:DataServices>
</edmx:Edmx>`
	svc, err := parseMetadata([]byte(doc))
	if err != nil {
		t.Fatalf("parseMetadata: %v", err)
	}
	b := svc.sets["Bank"]
	if svc.Version != "4.0" || b == nil {
		t.Fatalf("version %q, sets %v", svc.Version, svc.entitySets())
	}
	if p, _ := b.prop("CreationDate"); fieldType(p) != connectors.TypeDate {
		t.Errorf("Edm.Date maps to %s", fieldType(p))
	}
	if n, _ := b.navigation("_Address"); !n.ToMany || n.Target == nil {
		t.Errorf("_Address = %+v, want a collection with its target", n)
	}
}

func TestMetadataBadDocuments(t *testing.T) {
	full := string(readFile(t, "testdata/sf_metadata.xml"))
	for name, doc := range map[string]string{
		"truncated":       full[:len(full)/2],
		"not XML":         `{"d":{"results":[]}}`,
		"HTML":            `<html><body>Sign in</body></html>`,
		"no schema":       `<edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" Version="1.0"><edmx:DataServices/></edmx:Edmx>`,
		"undeclared type": `<edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" Version="1.0"><edmx:DataServices><Schema Namespace="S" xmlns="http://schemas.microsoft.com/ado/2008/09/edm"><EntityContainer Name="C"><EntitySet Name="X" EntityType="S.Missing"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`,
		"latin-1":         `<?xml version="1.0" encoding="ISO-8859-1"?><edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx"/>`,
		"entity bomb":     `<!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">&b;</edmx:Edmx>`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseMetadata([]byte(doc))
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.CodeInternal {
				t.Fatalf("err = %v, want an INTERNAL *errs.Error", err)
			}
		})
	}
}
