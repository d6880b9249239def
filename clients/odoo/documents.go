package odoo

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
)

// Document is a file stored in Odoo (an ir.attachment).
type Document struct {
	AttachmentID int64
	Filename     string
	Mimetype     string
	Content      []byte
}

func validationFault(model, method, msg string, notFound bool) *Fault {
	name := "odoo.exceptions.UserError"
	if notFound {
		name = "odoo.exceptions.MissingError"
	}
	return &Fault{Model: model, Method: method, Name: name, Message: msg, class: Validation, notFound: notFound}
}

// InvoicePDF returns the PDF of a move. Customer invoices and refunds: the
// invoice_pdf_report_id attachment when set (one read, no side effect);
// otherwise (Odoo 17+) the Send & Print wizard is run to generate it, asking
// for the PDF alone: no e-mail, no e-invoice (UBL/CII) documents. Its side
// effects, by Odoo's source and (17) as observed: the PDF becomes an
// ir.attachment of the move's invoice_pdf_report_file (hidden from attachment
// searches) and its message_main_attachment_id, is_move_sent turns true, the
// move's write_date moves (so it comes back in MovesChangedSince once), and 17
// logs a tracking note in the chatter. 17 runs account.move.send
// (checkbox_send_mail off, checkbox_download on, checkbox_ubl_cii_xml off);
// 18 and later run account.move.send.wizard: 18 with no sending method at all
// (any single method, "manual" included, is written on the partner as its
// preferred invoice_sending_method when it has none, which changes the
// partner and its default in the UI), 19 with the download alone ("manual";
// 19 no longer writes the preference), and no extra EDIs. Vendor bills, and
// invoices on Odoo 16: the move's main attachment or its first attachment
// (PDF preferred; see BillDocument for bills). No document fails with
// ErrNotFound.
func (c *Client) InvoicePDF(ctx context.Context, moveID int64) (*Document, error) {
	fields, err := c.existing(ctx, "account.move",
		[]string{"id", "name", "move_type", "state", "invoice_pdf_report_id", "message_main_attachment_id"})
	if err != nil {
		return nil, err
	}
	move, err := c.readMoveHead(ctx, moveID, fields)
	if err != nil {
		return nil, err
	}
	if move.IsInvoice() {
		if move.InvoicePDFReport.ID != 0 {
			return c.attachment(ctx, move.InvoicePDFReport.ID)
		}
		hasReport, err := c.hasField(ctx, "account.move", "invoice_pdf_report_id")
		if err != nil {
			return nil, err
		}
		if hasReport {
			if move.State != "posted" {
				return nil, validationFault("account.move", "invoice_pdf",
					fmt.Sprintf("move %d (%s) is %s: only posted invoices have a PDF", moveID, move.Name, move.State), false)
			}
			attID, err := c.generateInvoicePDF(ctx, moveID)
			if err != nil {
				return nil, err
			}
			return c.attachment(ctx, attID)
		}
	}
	if move.MainAttachment.ID != 0 {
		return c.attachment(ctx, move.MainAttachment.ID)
	}
	recs, err := c.searchRead(ctx, "ir.attachment",
		and(leaf("res_model", "=", "account.move"), leaf("res_id", "=", moveID)),
		[]any{"id", "mimetype"}, SearchReadOptions{Order: "id asc"})
	if err != nil {
		return nil, err
	}
	var pick int64
	for _, r := range recs {
		d := NewDecoder(r)
		if pick == 0 {
			pick = d.Int("id")
		}
		if d.String("mimetype") == "application/pdf" {
			pick = d.Int("id")
			break
		}
	}
	if pick == 0 {
		return nil, validationFault("account.move", "invoice_pdf",
			fmt.Sprintf("move %d (%s) has no PDF or attachment", moveID, move.Name), true)
	}
	return c.attachment(ctx, pick)
}

func (c *Client) readMoveHead(ctx context.Context, id int64, fields []any) (Move, error) {
	recs, err := c.read(ctx, "account.move", []int64{id}, fields)
	if err != nil {
		return Move{}, err
	}
	if len(recs) != 1 {
		return Move{}, validationFault("account.move", "read", fmt.Sprintf("move %d does not exist", id), true)
	}
	d := NewDecoder(recs[0])
	m := Move{ID: d.Int("id"), Name: d.String("name"), MoveType: d.String("move_type"), State: d.String("state"),
		InvoicePDFReport: d.Many2One("invoice_pdf_report_id"), MainAttachment: d.Many2One("message_main_attachment_id")}
	if d.Err() != nil {
		return Move{}, fmt.Errorf("account.move %d: %w", id, d.Err())
	}
	return m, nil
}

// generateInvoicePDF runs the Send & Print wizard for the PDF alone and
// returns the invoice_pdf_report_id it set. 17 has account.move.send
// (checkbox_send_mail off, checkbox_download on, checkbox_ubl_cii_xml off where
// account_edi_ubl_cii is installed); 18 and later have one
// account.move.send.wizard per move, whose sending_methods must be set, or it
// would mail the partner by default: none on 18 (one method would be stored as
// the partner's preference), the download alone on 19; extra_edis empty.
func (c *Client) generateInvoicePDF(ctx context.Context, moveID int64) (int64, error) {
	active := map[string]any{"active_model": "account.move", "active_ids": []int64{moveID}, "active_id": moveID}
	wizard := "account.move.send"
	wanted := map[string]any{"checkbox_send_mail": false, "checkbox_download": true, "checkbox_ubl_cii_xml": false}
	switch {
	case c.version.Major == 18:
		wizard = "account.move.send.wizard"
		wanted = map[string]any{"move_id": moveID, "sending_methods": []any{}, "extra_edis": []any{}}
	case c.version.Major >= 19:
		wizard = "account.move.send.wizard"
		wanted = map[string]any{"move_id": moveID, "sending_methods": []any{"manual"}, "extra_edis": []any{}}
	}
	have, err := c.FieldsGet(ctx, wizard)
	if err != nil {
		return 0, err
	}
	vals := map[string]any{}
	for k, v := range wanted {
		if _, ok := have[k]; ok {
			vals[k] = v
		}
	}
	if c.version.Major >= 18 && vals["sending_methods"] == nil {
		return 0, validationFault(wizard, "create", "the send wizard has no sending_methods: the PDF cannot be made without e-mailing the partner", false)
	}
	wid, err := c.createWith(ctx, wizard, vals, active)
	if err != nil {
		return 0, err
	}
	if _, err := c.call(ctx, wizard, "action_send_and_print", []any{[]int64{wid}}, map[string]any{"context": active}); err != nil {
		return 0, err
	}
	move, err := c.readMoveHead(ctx, moveID, []any{"id", "name", "move_type", "state", "invoice_pdf_report_id"})
	if err != nil {
		return 0, err
	}
	if move.InvoicePDFReport.ID == 0 {
		return 0, validationFault(wizard, "action_send_and_print",
			fmt.Sprintf("move %d (%s): no invoice_pdf_report_id after Send & Print", moveID, move.Name), true)
	}
	return move.InvoicePDFReport.ID, nil
}

// BillDocument returns the supplier's document of a vendor bill or refund: the
// bill's main attachment (message_main_attachment_id: what the user uploaded or
// a mail brought in; an attachment created over the API becomes it only through
// ir.attachment.register_as_main_attachment), else the first PDF attached to
// it, and nil without error when it has none. Generated field attachments
// (res_field set) are not looked at. A move that is no vendor bill or refund is
// a Validation fault.
func (c *Client) BillDocument(ctx context.Context, moveID int64) (*Document, error) {
	move, err := c.readMoveHead(ctx, moveID, []any{"id", "name", "move_type", "state", "message_main_attachment_id"})
	if err != nil {
		return nil, err
	}
	if !move.IsBill() && move.MoveType != "in_receipt" {
		return nil, validationFault("account.move", "bill_document",
			fmt.Sprintf("move %d (%s) is a %s, not a vendor bill or refund", moveID, move.Name, move.MoveType), false)
	}
	if move.MainAttachment.ID != 0 {
		return c.attachment(ctx, move.MainAttachment.ID)
	}
	ids, err := c.Search(ctx, "ir.attachment", and(leaf("res_model", "=", "account.move"), leaf("res_id", "=", moveID),
		leaf("mimetype", "=", "application/pdf")), SearchReadOptions{Order: "id asc", Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return c.attachment(ctx, ids[0])
}

// attachment reads one ir.attachment with its content.
func (c *Client) attachment(ctx context.Context, id int64) (*Document, error) {
	recs, err := c.read(ctx, "ir.attachment", []int64{id}, []any{"id", "name", "mimetype", "datas"})
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, validationFault("ir.attachment", "read", fmt.Sprintf("attachment %d does not exist", id), true)
	}
	d := NewDecoder(recs[0])
	doc := &Document{AttachmentID: id, Filename: d.String("name"), Mimetype: d.String("mimetype")}
	datas := d.String("datas")
	if d.Err() != nil {
		return nil, fmt.Errorf("ir.attachment %d: %w", id, d.Err())
	}
	datas = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' {
			return -1
		}
		return r
	}, datas)
	if doc.Content, err = base64.StdEncoding.DecodeString(datas); err != nil {
		return nil, fmt.Errorf("odoo: ir.attachment %d: datas is not base64: %w", id, err)
	}
	if len(doc.Content) == 0 {
		return nil, validationFault("ir.attachment", "read", fmt.Sprintf("attachment %d is empty", id), true)
	}
	return doc, nil
}
