package odootest

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// xmlrpcCall is a decoded <methodCall>.
type xmlrpcCall struct {
	Method string
	Params []any
}

// decodeMethodCall parses an XML-RPC <methodCall>. Values become Go values:
// int/i4/i8 → int64, boolean → bool, string → string, double → float64,
// dateTime.iso8601 → string "YYYY-MM-DD HH:MM:SS", base64 → string (still base64, as Odoo keeps it
// for binary fields), array → []any, struct → map[string]any, nil → nil.
func decodeMethodCall(r io.Reader) (*xmlrpcCall, error) {
	d := xml.NewDecoder(r)
	d.Strict = true
	call := &xmlrpcCall{}
	seenRoot := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("xml: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "methodCall":
			seenRoot = true
		case "methodName":
			var s string
			if err := d.DecodeElement(&s, &se); err != nil {
				return nil, fmt.Errorf("methodName: %w", err)
			}
			call.Method = strings.TrimSpace(s)
		case "params":
		case "param":
		case "value":
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			call.Params = append(call.Params, v)
		default:
			return nil, fmt.Errorf("unexpected element <%s>", se.Name.Local)
		}
	}
	if !seenRoot || call.Method == "" {
		return nil, fmt.Errorf("not an XML-RPC methodCall")
	}
	return call, nil
}

// decodeValue decodes the content of a <value> whose start element was consumed, up to and
// including its end element.
func decodeValue(d *xml.Decoder) (any, error) {
	var text strings.Builder
	var result any
	typed := false
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("value: %w", err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if t.Name.Local != "value" {
				return nil, fmt.Errorf("unexpected </%s>", t.Name.Local)
			}
			if !typed {
				return text.String(), nil
			}
			return result, nil
		case xml.StartElement:
			if typed {
				return nil, fmt.Errorf("value with two types")
			}
			typed = true
			v, err := decodeTyped(d, t)
			if err != nil {
				return nil, err
			}
			result = v
		}
	}
}

func decodeTyped(d *xml.Decoder, se xml.StartElement) (any, error) {
	name := se.Name.Local
	switch name {
	case "nil":
		if err := d.Skip(); err != nil {
			return nil, err
		}
		return nil, nil
	case "array":
		return decodeArray(d)
	case "struct":
		return decodeStruct(d)
	}
	var s string
	if err := d.DecodeElement(&s, &se); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	switch name {
	case "int", "i4", "i8":
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad %s %q", name, s)
		}
		return n, nil
	case "boolean":
		switch strings.TrimSpace(s) {
		case "1":
			return true, nil
		case "0":
			return false, nil
		}
		return nil, fmt.Errorf("bad boolean %q", s)
	case "string":
		return s, nil
	case "double":
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("bad double %q", s)
		}
		return f, nil
	case "dateTime.iso8601":
		s = strings.TrimSpace(s)
		for _, layout := range []string{"20060102T15:04:05", "2006-01-02T15:04:05", "20060102T15:04:05Z07:00", "2006-01-02T15:04:05Z07:00", "20060102T150405"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC().Format(dtLayout), nil
			}
		}
		return nil, fmt.Errorf("bad dateTime.iso8601 %q", s)
	case "base64":
		clean := strings.Join(strings.Fields(s), "")
		if _, err := base64.StdEncoding.DecodeString(clean); err != nil {
			return nil, fmt.Errorf("bad base64")
		}
		return clean, nil
	}
	return nil, fmt.Errorf("unknown XML-RPC type <%s>", name)
}

func decodeArray(d *xml.Decoder) (any, error) {
	out := []any{}
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "data":
			case "value":
				v, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			default:
				return nil, fmt.Errorf("unexpected <%s> in array", t.Name.Local)
			}
		case xml.EndElement:
			if t.Name.Local == "array" {
				return out, nil
			}
		}
	}
}

func decodeStruct(d *xml.Decoder) (any, error) {
	out := map[string]any{}
	var name string
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "member":
				name = ""
			case "name":
				if err := d.DecodeElement(&name, &t); err != nil {
					return nil, err
				}
			case "value":
				v, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				out[name] = v
			default:
				return nil, fmt.Errorf("unexpected <%s> in struct", t.Name.Local)
			}
		case xml.EndElement:
			if t.Name.Local == "struct" {
				return out, nil
			}
		}
	}
}

// encodeResponse renders a methodResponse with one value. nil is sent as false, like Odoo
// (which runs with allow_none=False and converts None to False).
func encodeResponse(v any) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n")
	encodeValue(&b, v)
	b.WriteString("\n</param>\n</params>\n</methodResponse>\n")
	return b.Bytes()
}

// encodeFault renders a methodResponse with a fault.
func encodeFault(code int, msg string) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0'?>\n<methodResponse>\n<fault>\n")
	encodeValue(&b, map[string]any{"faultCode": int64(code), "faultString": msg})
	b.WriteString("\n</fault>\n</methodResponse>\n")
	return b.Bytes()
}

func encodeValue(b *bytes.Buffer, v any) {
	b.WriteString("<value>")
	switch x := v.(type) {
	case nil:
		b.WriteString("<boolean>0</boolean>")
	case bool:
		if x {
			b.WriteString("<boolean>1</boolean>")
		} else {
			b.WriteString("<boolean>0</boolean>")
		}
	case int:
		fmt.Fprintf(b, "<int>%d</int>", x)
	case int64:
		fmt.Fprintf(b, "<int>%d</int>", x)
	case float64:
		b.WriteString("<double>")
		b.WriteString(formatDouble(x))
		b.WriteString("</double>")
	case string:
		b.WriteString("<string>")
		_ = xml.EscapeText(b, []byte(x))
		b.WriteString("</string>")
	case []any:
		b.WriteString("<array><data>\n")
		for _, e := range x {
			encodeValue(b, e)
			b.WriteString("\n")
		}
		b.WriteString("</data></array>")
	case []int64:
		b.WriteString("<array><data>\n")
		for _, e := range x {
			encodeValue(b, e)
			b.WriteString("\n")
		}
		b.WriteString("</data></array>")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("<struct>\n")
		for _, k := range keys {
			b.WriteString("<member>\n<name>")
			_ = xml.EscapeText(b, []byte(k))
			b.WriteString("</name>\n")
			encodeValue(b, x[k])
			b.WriteString("\n</member>\n")
		}
		b.WriteString("</struct>")
	default:
		// Every value the ORM produces is one of the above; anything else is a bug.
		panic(fmt.Sprintf("odootest: cannot encode %T", v))
	}
	b.WriteString("</value>")
}

// formatDouble writes floats like Python's repr (always with a decimal point).
func formatDouble(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "0.0"
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}
