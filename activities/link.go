package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/exactsync/exactsync/clients/exact"
	"github.com/exactsync/exactsync/store"
)

// LinkCommand is the command that links an Odoo partner to an existing Exact relation on purpose.
func LinkCommand(connection string, partnerID int64, exactCode string) string {
	return fmt.Sprintf("starter link --name %s --partner %d --exact-code %s", connection, partnerID, strings.TrimSpace(exactCode))
}

// LinkedAccount is what LinkPartner linked.
type LinkedAccount struct {
	ExactID, ExactCode, ExactName string
	// Replaced is the Exact code the partner was linked to before ("" when it was not linked).
	Replaced string
}

// LinkPartner links an Odoo partner to the existing Exact relation with the given code, on a person's say-so: it is
// how a relation that only the code ties to the partner (see codeOnlyMatch) is taken over on purpose. It costs one
// Exact call (the account by its code). The link keeps no payload, so the partner's next sync sends all its fields
// to that relation, and a refusal remembered for the partner is forgotten. A relation already linked to another
// partner is refused.
func LinkPartner(ctx context.Context, st *store.Store, ec *exact.Client, conn store.Connection, partnerID int64, code string) (LinkedAccount, error) {
	code = strings.TrimSpace(code)
	if partnerID <= 0 || code == "" {
		return LinkedAccount{}, errors.New("link: a partner id and an Exact code are needed")
	}
	accs, err := exact.Collect(ec.Accounts.List(ctx, conn.ExactDivision, &exact.ListOptions{
		Filter: exact.Eq("Code", exact.AccountCode(code)), Top: 2}))
	if err != nil {
		return LinkedAccount{}, fmt.Errorf("link: read Exact account %s: %w", code, err)
	}
	if len(accs) == 0 {
		return LinkedAccount{}, fmt.Errorf("link: division %d has no account with code %s", conn.ExactDivision, code)
	}
	acc := accs[0]
	out := LinkedAccount{ExactID: acc.ID, ExactCode: strings.TrimSpace(acc.Code), ExactName: acc.Name}
	if other, err := st.LinkByExact(ctx, conn.ID, EntityAccounts, acc.ID); err == nil {
		if other.OdooModel == ModelPartner && other.OdooID == partnerID {
			return out, nil
		}
		return out, fmt.Errorf("link: Exact account %s is already linked to Odoo %s %d; unlink that one first by linking it elsewhere or `starter forget`",
			out.ExactCode, other.OdooModel, other.OdooID)
	} else if !errors.Is(err, store.ErrNotFound) {
		return out, err
	}
	if old, err := st.Link(ctx, conn.ID, ModelPartner, partnerID); err == nil {
		out.Replaced = old.ExactCode
	} else if !errors.Is(err, store.ErrNotFound) {
		return out, err
	}
	mirrored := store.MirrorAccount{ID: acc.ID, Code: acc.Code, Name: acc.Name, VATNumber: acc.VATNumber, ChamberOfCommerce: acc.ChamberOfCommerce}.Clean()
	if err := st.SaveMirrorAccount(ctx, conn.ID, mirrored); err != nil {
		return out, err
	}
	if err := st.SaveLink(ctx, store.Link{ConnectionID: conn.ID, OdooModel: ModelPartner, OdooID: partnerID,
		ExactEntity: EntityAccounts, ExactID: acc.ID, ExactCode: out.ExactCode}); err != nil {
		return out, err
	}
	return out, st.ClearRefusal(ctx, conn.ID, ModelPartner, partnerID)
}
