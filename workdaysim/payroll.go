package workdaysim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Pay statements are computed, not stored: an employee is paid
// semi-monthly (the 1st-15th and the 16th-end of each month, paid five days
// after the period ends), the regular pay of a period being the annual base
// salary divided by 26 (as the spec's example has it). Every amount is
// computed in cents, so gross = the earnings, deductions total = the
// deductions, net = gross - total, and the YTD sums are exact.
const (
	periodsPerYear = 24
	payDivisor     = 26
	payDelayDays   = 5

	federalRate       = 0.20
	stateRate         = 0.09
	socialSecRate     = 0.062
	medicareRate      = 0.0145
	retirementRate    = 0.10
	healthInsuranceCt = 25000
)

type cents int64

func (c cents) float() float64 { return float64(c) / 100 }

func pct(base cents, rate float64) cents { return cents(math.Round(float64(base) * rate)) }

// period returns the dates of semi-monthly period k (1-24) of year.
func period(year, k int) (start, end, pay Date) {
	month := time.Month((k + 1) / 2)
	if k%2 == 1 {
		start, end = Date{Year: year, Month: month, Day: 1}, Date{Year: year, Month: month, Day: 15}
	} else {
		start = Date{Year: year, Month: month, Day: 16}
		end = Date{Year: year, Month: month + 1, Day: 1}.AddDays(-1)
		if month == time.December {
			end = Date{Year: year, Month: time.December, Day: 31}
		}
	}
	return start, end, end.AddDays(payDelayDays)
}

// statement computes period k of year for e, or false when e was not paid
// for it by today (not yet paid, before the start date, after the
// termination date).
type statementCalc struct {
	k                                      int
	start, end, pay                        Date
	regular, fed, state, ss, med, hi, k401 cents
}

func (c statementCalc) gross() cents { return c.regular }
func (c statementCalc) taxes() cents { return c.fed + c.state + c.ss + c.med }
func (c statementCalc) total() cents { return c.taxes() + c.hi + c.k401 }
func (c statementCalc) net() cents   { return c.gross() - c.total() }

func paid(e *EmployeeRecord, year, k int, today Date) (statementCalc, bool) {
	start, end, pay := period(year, k)
	if pay.After(today) || end.Before(e.StartDate) || (e.TerminationDate != nil && start.After(*e.TerminationDate)) {
		return statementCalc{}, false
	}
	regular := cents(math.Round(e.Compensation.BaseSalary * 100 / payDivisor))
	c := statementCalc{k: k, start: start, end: end, pay: pay, regular: regular,
		fed: pct(regular, federalRate), state: pct(regular, stateRate), ss: pct(regular, socialSecRate),
		med: pct(regular, medicareRate), hi: healthInsuranceCt, k401: pct(regular, retirementRate)}
	if regular == 0 {
		c.hi = 0
	}
	return c, true
}

func statementID(year, k int) string { return fmt.Sprintf("PAY-%04d-%02d", year, k) }

func parseStatementID(id string) (year, k int, ok bool) {
	rest, ok := strings.CutPrefix(id, "PAY-")
	if !ok || len(rest) != 7 || rest[4] != '-' {
		return 0, 0, false
	}
	y, err1 := strconv.Atoi(rest[:4])
	n, err2 := strconv.Atoi(rest[5:])
	if err1 != nil || err2 != nil || n < 1 || n > periodsPerYear {
		return 0, 0, false
	}
	return y, n, true
}

func buildStatement(e *EmployeeRecord, year int, c statementCalc, ytdGross, ytdTaxes, ytdNet cents) *PayStatement {
	return &PayStatement{
		StatementID: statementID(year, c.k), EmployeeID: e.EmployeeID,
		PayPeriod: PayPeriod{Start: c.start, End: c.end}, PayDate: c.pay,
		Earnings: Earnings{Regular: c.regular.float(), Gross: c.gross().float()},
		Deductions: Deductions{FederalTax: c.fed.float(), StateTax: c.state.float(), SocialSecurity: c.ss.float(),
			Medicare: c.med.float(), HealthInsurance: c.hi.float(), Retirement401k: c.k401.float(), Total: c.total().float()},
		NetPay: c.net().float(),
		YTD:    YTD{Gross: ytdGross.float(), Taxes: ytdTaxes.float(), Net: ytdNet.float()},
	}
}

// statement returns statement k of year with its YTD sums; the read lock is
// held.
func statementOf(e *EmployeeRecord, year, k int, today Date) (*PayStatement, bool) {
	var g, t, n cents
	var last statementCalc
	found := false
	for i := 1; i <= k; i++ {
		c, ok := paid(e, year, i, today)
		if !ok {
			continue
		}
		g, t, n = g+c.gross(), t+c.taxes(), n+c.net()
		last, found = c, i == k
	}
	if !found {
		return nil, false
	}
	return buildStatement(e, year, last, g, t, n), true
}

func (s *store) getCompensation(en env, req GetCompensationRequest) (out *Compensation, err error) {
	if err := required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	s.read(en.today, func() {
		var e *employee
		if e, err = s.lookup(req.EmployeeID); err != nil {
			return
		}
		c := e.Compensation
		base := cents(math.Round(c.BaseSalary * 100))
		bonus := cents(math.Round(float64(base) * c.BonusTargetPercent / 100))
		equity := cents(math.Round(c.EquityGrantValue * 100))
		out = &Compensation{
			EmployeeID: e.EmployeeID,
			Compensation: CompensationDetail{
				BaseSalary:        Money{Amount: base.float(), Currency: c.Currency, Frequency: "ANNUAL"},
				BonusTarget:       BonusTarget{Percentage: c.BonusTargetPercent, Amount: bonus.float()},
				Equity:            Equity{GrantValue: equity.float(), VestingSchedule: c.VestingSchedule},
				TotalCompensation: (base + bonus + equity).float(),
			},
			PayGrade: c.PayGrade, EffectiveDate: c.EffectiveDate, NextReviewDate: c.NextReviewDate,
		}
	})
	return out, err
}

func (s *store) getPayStatement(en env, req GetPayStatementRequest) (out *PayStatement, err error) {
	if err := required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	if err := required("statement_id", req.StatementID); err != nil {
		return nil, err
	}
	s.read(en.today, func() {
		var e *employee
		if e, err = s.lookup(req.EmployeeID); err != nil {
			return
		}
		year, k, ok := parseStatementID(req.StatementID)
		if ok {
			out, ok = statementOf(&e.EmployeeRecord, year, k, en.today)
		}
		if !ok {
			err = statementNotFound(req.EmployeeID, req.StatementID)
		}
	})
	return out, err
}

func (s *store) listPayStatements(en env, req ListPayStatementsRequest) (out *PayStatementList, err error) {
	if err := required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	year := en.today.Year
	if req.Year != nil {
		year = *req.Year
		if year < 1900 || year > 9999 {
			return nil, validationError("year", fmt.Sprintf("%d is not a year between 1900 and 9999", year))
		}
	}
	s.read(en.today, func() {
		var e *employee
		if e, err = s.lookup(req.EmployeeID); err != nil {
			return
		}
		out = &PayStatementList{EmployeeID: e.EmployeeID, Year: year, Statements: []StatementSummary{}}
		for k := 1; k <= periodsPerYear; k++ {
			c, ok := paid(&e.EmployeeRecord, year, k, en.today)
			if !ok {
				continue
			}
			out.Statements = append(out.Statements, StatementSummary{StatementID: statementID(year, k), PayDate: c.pay,
				Gross: c.gross().float(), Net: c.net().float()})
		}
		out.Count = len(out.Statements)
	})
	return out, err
}
