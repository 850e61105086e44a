package databricks

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Thrift binary protocol type ids.
const (
	tStop   = 0
	tBool   = 2
	tByte   = 3
	tDouble = 4
	tI16    = 6
	tI32    = 8
	tI64    = 10
	tString = 11
	tStruct = 12
	tMap    = 13
	tSet    = 14
	tList   = 15
	tUUID   = 16
)

// HIVE_CLI_SERVICE_PROTOCOL_V10, the newest protocol a Spark 3.5 Thrift
// server speaks; with it Spark answers with column-based row sets.
const hiveProtocolV10 = 9

var errShort = errors.New("thrift message truncated")

// thriftMessage is the header of a strict binary-protocol message.
type thriftMessage struct {
	Name string
	Type byte // 1 call, 2 reply, 3 exception, 4 oneway
	Body int  // offset of the message's struct
}

// readMessageHeader parses a strict binary message header (version word,
// name, sequence id).
func readMessageHeader(b []byte) (thriftMessage, error) {
	if len(b) < 8 {
		return thriftMessage{}, errShort
	}
	v := binary.BigEndian.Uint32(b)
	if v&0xffff0000 != 0x80010000 {
		return thriftMessage{}, fmt.Errorf("not a strict thrift binary message (version word %#x)", v)
	}
	n := int(binary.BigEndian.Uint32(b[4:]))
	if n < 0 || 8+n+4 > len(b) {
		return thriftMessage{}, errShort
	}
	return thriftMessage{Name: string(b[8 : 8+n]), Type: byte(v & 0xff), Body: 8 + n + 4}, nil
}

// skipValue returns the offset just past a value of type t at off.
func skipValue(b []byte, off int, t byte, depth int) (int, error) {
	if depth > 64 {
		return 0, errors.New("thrift value nested too deep")
	}
	need := func(n int) error {
		if n < 0 || off+n > len(b) {
			return errShort
		}
		return nil
	}
	switch t {
	case tBool, tByte:
		return off + 1, need(1)
	case tI16:
		return off + 2, need(2)
	case tI32:
		return off + 4, need(4)
	case tDouble, tI64:
		return off + 8, need(8)
	case tUUID:
		return off + 16, need(16)
	case tString:
		if err := need(4); err != nil {
			return 0, err
		}
		n := int(int32(binary.BigEndian.Uint32(b[off:])))
		if err := need(4 + n); err != nil {
			return 0, err
		}
		return off + 4 + n, nil
	case tStruct:
		for {
			if err := need(1); err != nil {
				return 0, err
			}
			ft := b[off]
			if ft == tStop {
				return off + 1, nil
			}
			if err := need(3); err != nil {
				return 0, err
			}
			var err error
			if off, err = skipValue(b, off+3, ft, depth+1); err != nil {
				return 0, err
			}
		}
	case tMap:
		if err := need(6); err != nil {
			return 0, err
		}
		kt, vt := b[off], b[off+1]
		n := int(int32(binary.BigEndian.Uint32(b[off+2:])))
		if n < 0 {
			return 0, errShort
		}
		off += 6
		var err error
		for i := 0; i < n; i++ {
			if off, err = skipValue(b, off, kt, depth+1); err != nil {
				return 0, err
			}
			if off, err = skipValue(b, off, vt, depth+1); err != nil {
				return 0, err
			}
		}
		return off, nil
	case tSet, tList:
		if err := need(5); err != nil {
			return 0, err
		}
		et := b[off]
		n := int(int32(binary.BigEndian.Uint32(b[off+1:])))
		if n < 0 {
			return 0, errShort
		}
		off += 5
		var err error
		for i := 0; i < n; i++ {
			if off, err = skipValue(b, off, et, depth+1); err != nil {
				return 0, err
			}
		}
		return off, nil
	}
	return 0, fmt.Errorf("unknown thrift type %d", t)
}

// structField is one field of a struct: its id, type and byte range (the
// range covers the 3-byte field header and the value).
type structField struct {
	ID         int16
	Type       byte
	Start, End int
	Value      int // offset of the value
}

// readStruct lists the fields of the struct at off and returns the offset
// of its stop byte.
func readStruct(b []byte, off int) ([]structField, int, error) {
	var fields []structField
	for {
		if off >= len(b) {
			return nil, 0, errShort
		}
		ft := b[off]
		if ft == tStop {
			return fields, off, nil
		}
		if off+3 > len(b) {
			return nil, 0, errShort
		}
		id := int16(binary.BigEndian.Uint16(b[off+1:]))
		end, err := skipValue(b, off+3, ft, 1)
		if err != nil {
			return nil, 0, err
		}
		fields = append(fields, structField{ID: id, Type: ft, Start: off, End: end, Value: off + 3})
		off = end
	}
}

// fieldHeader encodes a field header.
func fieldHeader(t byte, id int16) []byte {
	return []byte{t, byte(uint16(id) >> 8), byte(id)}
}

// rewriteOpenSession sets client_protocol (field 1 of TOpenSessionReq) of an
// OpenSession call to HIVE_CLI_SERVICE_PROTOCOL_V10. The driver sends the
// legacy field as 0 (and the real version in client_protocol_i64, which
// Spark does not know), and Spark then answers with row-based results the
// driver reads as zero rows. Other messages are returned unchanged.
func rewriteOpenSession(b []byte) ([]byte, bool, error) {
	msg, err := readMessageHeader(b)
	if err != nil || msg.Name != "OpenSession" || msg.Type != 1 {
		return b, false, nil //nolint:nilerr // not an OpenSession call: pass through
	}
	// OpenSession_args { 1: TOpenSessionReq req }
	args, _, err := readStruct(b, msg.Body)
	if err != nil {
		return nil, false, fmt.Errorf("read OpenSession call: %w", err)
	}
	for _, a := range args {
		if a.ID != 1 || a.Type != tStruct {
			continue
		}
		req, stop, err := readStruct(b, a.Value)
		if err != nil {
			return nil, false, fmt.Errorf("read OpenSession request: %w", err)
		}
		for _, f := range req {
			if f.ID == 1 && f.Type == tI32 {
				out := append([]byte(nil), b...)
				binary.BigEndian.PutUint32(out[f.Value:], hiveProtocolV10)
				return out, true, nil
			}
		}
		// No client_protocol field: add one before the stop byte.
		ins := append(fieldHeader(tI32, 1), 0, 0, 0, hiveProtocolV10)
		out := make([]byte, 0, len(b)+len(ins))
		out = append(out, b[:stop]...)
		out = append(out, ins...)
		out = append(out, b[stop:]...)
		return out, true, nil
	}
	return nil, false, errors.New("OpenSession call has no request struct")
}

// surfaceErrorMessage copies errorMessage (field 5) of a
// TGetOperationStatusResp into displayMessage (field 1281) when the latter
// is missing: Spark fills only errorMessage, and the driver shows only
// displayMessage, so a failing statement would otherwise fail without
// Spark's text. It returns the message it copied ("" when none).
func surfaceErrorMessage(b []byte) ([]byte, string, error) {
	msg, err := readMessageHeader(b)
	if err != nil || msg.Name != "GetOperationStatus" || msg.Type != 2 {
		return b, "", nil //nolint:nilerr // not a GetOperationStatus reply: pass through
	}
	// GetOperationStatus_result { 0: TGetOperationStatusResp success }
	res, _, err := readStruct(b, msg.Body)
	if err != nil {
		return nil, "", fmt.Errorf("read GetOperationStatus reply: %w", err)
	}
	for _, r := range res {
		if r.ID != 0 || r.Type != tStruct {
			continue
		}
		fields, stop, err := readStruct(b, r.Value)
		if err != nil {
			return nil, "", fmt.Errorf("read GetOperationStatus response: %w", err)
		}
		var text []byte
		for _, f := range fields {
			switch {
			case f.ID == 1281:
				return b, "", nil // the server already says it
			case f.ID == 5 && f.Type == tString:
				text = b[f.Value+4 : f.End]
			}
		}
		if len(text) == 0 {
			return b, "", nil
		}
		ins := fieldHeader(tString, 1281)
		ins = binary.BigEndian.AppendUint32(ins, uint32(len(text)))
		ins = append(ins, text...)
		out := make([]byte, 0, len(b)+len(ins))
		out = append(out, b[:stop]...)
		out = append(out, ins...)
		out = append(out, b[stop:]...)
		return out, string(text), nil
	}
	return b, "", nil
}

// Thrift operation states and status codes used by the fast path.
const (
	statusSuccess         = 0
	statusSuccessWithInfo = 1
	stateFinished         = 2
)

// rewriteExecuteSync turns runAsync (field 4 of TExecuteStatementReq) of an
// ExecuteStatement call off, so Spark answers once the statement is done.
// It reports whether the message was such a call.
func rewriteExecuteSync(b []byte) ([]byte, bool, error) {
	msg, err := readMessageHeader(b)
	if err != nil || msg.Name != "ExecuteStatement" || msg.Type != 1 {
		return b, false, nil //nolint:nilerr // not an ExecuteStatement call: pass through
	}
	args, _, err := readStruct(b, msg.Body)
	if err != nil {
		return nil, false, fmt.Errorf("read ExecuteStatement call: %w", err)
	}
	for _, a := range args {
		if a.ID != 1 || a.Type != tStruct {
			continue
		}
		req, _, err := readStruct(b, a.Value)
		if err != nil {
			return nil, false, fmt.Errorf("read ExecuteStatement request: %w", err)
		}
		for _, f := range req {
			if f.ID == 4 && f.Type == tBool {
				if b[f.Value] == 0 {
					return b, true, nil
				}
				out := append([]byte(nil), b...)
				out[f.Value] = 0
				return out, true, nil
			}
		}
		return b, false, nil // no runAsync field: leave the call alone
	}
	return b, false, nil
}

// addFinishedDirectResults gives a successful ExecuteStatement reply the
// directResults {operationStatus: FINISHED} a Databricks warehouse sends,
// so the driver reads the results at once instead of polling
// GetOperationStatus (its first poll waits a full second). Only valid for
// a statement run synchronously (see rewriteExecuteSync).
func addFinishedDirectResults(b []byte) ([]byte, error) {
	msg, err := readMessageHeader(b)
	if err != nil || msg.Name != "ExecuteStatement" || msg.Type != 2 {
		return b, nil //nolint:nilerr // not an ExecuteStatement reply: pass through
	}
	res, _, err := readStruct(b, msg.Body)
	if err != nil {
		return nil, fmt.Errorf("read ExecuteStatement reply: %w", err)
	}
	for _, r := range res {
		if r.ID != 0 || r.Type != tStruct {
			continue
		}
		fields, stop, err := readStruct(b, r.Value)
		if err != nil {
			return nil, fmt.Errorf("read ExecuteStatement response: %w", err)
		}
		code := int32(-1)
		for _, f := range fields {
			switch {
			case f.ID == 1281:
				return b, nil // already has direct results
			case f.ID == 1 && f.Type == tStruct:
				st, _, err := readStruct(b, f.Value)
				if err != nil {
					return nil, fmt.Errorf("read ExecuteStatement status: %w", err)
				}
				for _, sf := range st {
					if sf.ID == 1 && sf.Type == tI32 {
						code = int32(binary.BigEndian.Uint32(b[sf.Value:]))
					}
				}
			}
		}
		if code != statusSuccess && code != statusSuccessWithInfo {
			return b, nil
		}
		// directResults { 1: operationStatus { 1: status { 1: SUCCESS }, 2: FINISHED } }
		ins := fieldHeader(tStruct, 1281)
		ins = append(ins, fieldHeader(tStruct, 1)...)
		ins = append(ins, fieldHeader(tStruct, 1)...)
		ins = append(ins, fieldHeader(tI32, 1)...)
		ins = binary.BigEndian.AppendUint32(ins, statusSuccess)
		ins = append(ins, tStop)
		ins = append(ins, fieldHeader(tI32, 2)...)
		ins = binary.BigEndian.AppendUint32(ins, stateFinished)
		ins = append(ins, tStop, tStop)
		out := make([]byte, 0, len(b)+len(ins))
		out = append(out, b[:stop]...)
		out = append(out, ins...)
		out = append(out, b[stop:]...)
		return out, nil
	}
	return b, nil
}
