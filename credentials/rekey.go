package credentials

import (
	"context"
	"log/slog"
	"strconv"
	"strings"

	"github.com/xlr8/connectors/internal/errs"
)

// RekeyResult counts what a Rekey did.
type RekeyResult struct {
	// Rekeyed is how many records were re-encrypted under the new key.
	Rekeyed int
	// Current is how many were already under it (done by an earlier,
	// interrupted run, or written since).
	Current int
	// Revoked is how many hold no secrets to re-encrypt.
	Revoked int
	// Failed lists the ids that could not be re-encrypted (a key the
	// provider does not have, a tampered record); they are still readable
	// with their old key, if it is available.
	Failed []string
}

// Rekey re-encrypts every credential in the store under newKey, which this
// Manager also uses for every write from now on.
//
// It is safe to interrupt: each credential is rewritten on its own, by one
// atomic Store.Update, so a cancelled context or a crash half way leaves
// every credential sealed under either the old key or the new one, never
// anything in between. Running Rekey again with the same key skips the
// credentials already done and finishes the job. Until a run returns
// without error, every process using the store needs both keys (a Keyring
// with newKey current and the old key previous, or
// XLR8_CREDENTIALS_PREVIOUS_KEYS): only then may the old key be retired.
//
// A credential that cannot be re-encrypted does not stop the others: the
// run finishes and returns an error listing them (Details["failed"]). A
// store that cannot be listed (a corrupt record in a FileStore) stops it
// before any change.
func (m *Manager) Rekey(ctx context.Context, newKey *Key) (RekeyResult, error) {
	var res RekeyResult
	if newKey == nil {
		return res, newErr(errs.CodeInvalidArgument, ErrNoKey, "rekey: the new key is nil")
	}
	m.kmu.Lock()
	if k, ok := m.keyCache[newKey.id]; ok && k != newKey && !sameKey(k, newKey) {
		m.kmu.Unlock()
		return res, newErr(errs.CodeInvalidArgument, ErrBadKey,
			"rekey: a different key with id %q is already in use; give the new key its own id", newKey.id)
	}
	m.keyCache[newKey.id] = newKey
	old := m.current
	m.current = newKey
	m.kmu.Unlock()

	recs, err := m.store.List(ctx, "")
	if err != nil {
		return res, err
	}
	m.logger.LogAttrs(ctx, slog.LevelInfo, "credentials rekey started", slog.String("new_key", newKey.id),
		slog.String("previous_key", old.id), slog.Int("records", len(recs)))
	var firstErr error
	for _, rec := range recs {
		if err := ctx.Err(); err != nil {
			return res, m.rekeyStopped(ctx, res, err)
		}
		if rec.Sealed == nil {
			res.Revoked++
			continue
		}
		if kid, err := envelopeKeyID(rec.Sealed); err == nil && kid == newKey.id {
			res.Current++
			continue
		}
		outcome := ""
		_, err := m.store.Update(ctx, rec.ID, func(cur *Record) (*Record, error) {
			switch {
			case cur == nil:
				outcome = "gone"
				return nil, nil
			case cur.Sealed == nil:
				outcome = "revoked"
				return nil, nil
			}
			if kid, err := envelopeKeyID(cur.Sealed); err == nil && kid == newKey.id {
				outcome = "current"
				return nil, nil
			}
			p, err := m.unseal(ctx, cur)
			if err != nil {
				return nil, err
			}
			if err := m.sealWith(newKey, cur, p); err != nil {
				return nil, err
			}
			outcome = "rekeyed"
			return cur, nil
		})
		if err != nil {
			if ctx.Err() != nil {
				return res, m.rekeyStopped(ctx, res, ctx.Err())
			}
			if firstErr == nil {
				firstErr = err
			}
			res.Failed = append(res.Failed, rec.ID)
			m.logger.LogAttrs(ctx, slog.LevelWarn, "credentials rekey failed for one credential", slog.String("id", rec.ID),
				slog.String("error_code", errs.CodeOf(err).String()), slog.Any("error", err))
			continue
		}
		switch outcome {
		case "rekeyed":
			res.Rekeyed++
		case "current":
			res.Current++
		case "revoked":
			res.Revoked++
		}
	}
	m.logger.LogAttrs(ctx, slog.LevelInfo, "credentials rekey finished", slog.String("new_key", newKey.id),
		slog.Int("rekeyed", res.Rekeyed), slog.Int("current", res.Current), slog.Int("revoked", res.Revoked),
		slog.Int("failed", len(res.Failed)))
	if len(res.Failed) > 0 {
		code := errs.CodeOf(firstErr)
		e := &errs.Error{Code: code, Err: firstErr,
			Message: "rekey: " + strconv.Itoa(len(res.Failed)) + " credential(s) could not be re-encrypted: " + strings.Join(res.Failed, ", ") +
				"; they remain under their old key: keep it until they are fixed, revoked or deleted"}
		return res, e.WithDetail("failed", res.Failed)
	}
	return res, nil
}

func (m *Manager) rekeyStopped(ctx context.Context, res RekeyResult, err error) error {
	m.logger.LogAttrs(context.WithoutCancel(ctx), slog.LevelWarn, "credentials rekey interrupted; run it again to finish",
		slog.Int("rekeyed", res.Rekeyed), slog.Int("current", res.Current))
	return errs.FromContext(err, "", "rekey interrupted after re-encrypting "+strconv.Itoa(res.Rekeyed)+" credential(s); run it again to finish")
}

// sameKey reports whether two keys with one id hold the same material: what
// one seals, the other opens.
func sameKey(a, b *Key) bool {
	probe := []byte("xlr8 key probe")
	sealed, err := seal(a, probe, nil)
	if err != nil {
		return false
	}
	env, err := parseEnvelope(sealed)
	if err != nil {
		return false
	}
	_, err = env.open(b, nil)
	return err == nil
}
