package conformance

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// xmlrpcMessage is a decoded <methodCall> or <methodResponse>.
type xmlrpcMessage struct {
	Method string // methodName of a call
	Params []any  // call parameters, or the one response value
	Fault  map[string]any
}

// decodeXMLRPC parses a methodCall or methodResponse into plain values: int64, float64, bool,
// string (dateTime and base64 stay text), []any, map[string]any and nil.
func decodeXMLRPC(data []byte) (*xmlrpcMessage, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	msg := &xmlrpcMessage{}
	inFault := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return msg, nil
		}
		if err != nil {
			return nil, fmt.Errorf("xml-rpc: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "methodName":
			var s string
			if err := d.DecodeElement(&s, &se); err != nil {
				return nil, fmt.Errorf("xml-rpc methodName: %w", err)
			}
			msg.Method = strings.TrimSpace(s)
		case "fault":
			inFault = true
		case "value":
			v, err := decodeXMLRPCValue(d)
			if err != nil {
				return nil, err
			}
			if inFault {
				f, ok := v.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("xml-rpc fault is %T, want a struct", v)
				}
				msg.Fault = f
				continue
			}
			msg.Params = append(msg.Params, v)
		}
	}
}

// decodeXMLRPCValue decodes the content of a <value> whose start was read, through its end.
func decodeXMLRPCValue(d *xml.Decoder) (any, error) {
	var text strings.Builder
	var result any
	typed := false
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("xml-rpc value: %w", err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if !typed {
				return text.String(), nil // untyped <value> is a string
			}
			return result, nil
		case xml.StartElement:
			typed = true
			if result, err = decodeXMLRPCTyped(d, t); err != nil {
				return nil, err
			}
		}
	}
}

func decodeXMLRPCTyped(d *xml.Decoder, se xml.StartElement) (any, error) {
	switch se.Name.Local {
	case "nil":
		return nil, d.Skip()
	case "array":
		out := []any{}
		for {
			tok, err := d.Token()
			if err != nil {
				return nil, fmt.Errorf("xml-rpc array: %w", err)
			}
			switch t := tok.(type) {
			case xml.StartElement:
				if t.Name.Local == "value" {
					v, err := decodeXMLRPCValue(d)
					if err != nil {
						return nil, err
					}
					out = append(out, v)
				}
			case xml.EndElement:
				if t.Name.Local == "array" {
					return out, nil
				}
			}
		}
	case "struct":
		out := map[string]any{}
		var name string
		for {
			tok, err := d.Token()
			if err != nil {
				return nil, fmt.Errorf("xml-rpc struct: %w", err)
			}
			switch t := tok.(type) {
			case xml.StartElement:
				switch t.Name.Local {
				case "name":
					if err := d.DecodeElement(&name, &t); err != nil {
						return nil, err
					}
				case "value":
					v, err := decodeXMLRPCValue(d)
					if err != nil {
						return nil, err
					}
					out[name] = v
				}
			case xml.EndElement:
				if t.Name.Local == "struct" {
					return out, nil
				}
			}
		}
	}
	var s string
	if err := d.DecodeElement(&s, &se); err != nil {
		return nil, fmt.Errorf("xml-rpc %s: %w", se.Name.Local, err)
	}
	switch se.Name.Local {
	case "int", "i4", "i8":
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("xml-rpc int %q: %w", s, err)
		}
		return n, nil
	case "boolean":
		return strings.TrimSpace(s) == "1", nil
	case "double":
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("xml-rpc double %q: %w", s, err)
		}
		return f, nil
	case "string", "dateTime.iso8601", "base64":
		return s, nil
	}
	return nil, fmt.Errorf("xml-rpc: unknown type <%s>", se.Name.Local)
}
