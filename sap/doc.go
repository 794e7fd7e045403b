// Package sap connects SAP SuccessFactors (product sap_sf) and SAP
// S/4HANA (product sap_s4) over OData.
package sap
