package databricks

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// SparkTransport is the HTTP transport of the `type: spark, method: http`
// mode: it lets databricks-sql-go talk to an open-source Spark Thrift
// server (HiveThriftServer2 in HTTP transport mode). It
//
//   - sends Basic auth with a non-empty user and password, which Spark's
//     servlet requires (the driver's own Bearer header is replaced);
//   - rewrites client_protocol of OpenSession to
//     HIVE_CLI_SERVICE_PROTOCOL_V10, so Spark answers with column-based
//     results the driver can read (with the driver's 0, Spark answers
//     row-based and the driver sees zero rows);
//   - copies Spark's errorMessage of a failed operation into displayMessage,
//     the field the driver reports, so a failing statement carries Spark's
//     text;
//   - unless Async is set, runs statements synchronously and answers the
//     driver with finished direct results, as a Databricks warehouse does
//     for short statements, instead of letting it poll once a second.
//
// Everything else passes through Base unchanged.
type SparkTransport struct {
	Base     http.RoundTripper
	User     string
	Password string
	// Async keeps the driver's asynchronous execution. By default the
	// transport runs each statement synchronously (runAsync off) and marks
	// the reply finished, which saves the driver's first status poll, a
	// full second per statement.
	Async bool
}

// RoundTrip implements http.RoundTripper.
func (t *SparkTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req2 := req.Clone(req.Context())
	req2.SetBasicAuth(t.User, t.Password)
	syncExec := false
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("spark transport: read request: %w", err)
		}
		if out, changed, err := rewriteOpenSession(body); err != nil {
			return nil, fmt.Errorf("spark transport: %w", err)
		} else if changed {
			body = out
		}
		if !t.Async {
			out, isExec, err := rewriteExecuteSync(body)
			if err != nil {
				return nil, fmt.Errorf("spark transport: %w", err)
			}
			body, syncExec = out, isExec
		}
		req2.Body = io.NopCloser(bytes.NewReader(body))
		req2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req2.ContentLength = int64(len(body))
	}
	resp, err := t.Base.RoundTrip(req2)
	if err != nil || resp.StatusCode != http.StatusOK || resp.Body == nil {
		return resp, err
	}
	// Only GetOperationStatus replies are rewritten; they are small. Peek at
	// the message name and stream every other reply through.
	br := bufio.NewReaderSize(resp.Body, 256)
	head, _ := br.Peek(8 + len("GetOperationStatus"))
	// Copy: appending to head would write into the reader's buffer.
	msg, herr := readMessageHeader(append(append([]byte(nil), head...), 0, 0, 0, 0))
	if herr != nil || (msg.Name != "GetOperationStatus" && !(syncExec && msg.Name == "ExecuteStatement")) {
		resp.Body = readCloser{Reader: br, Closer: resp.Body}
		return resp, nil
	}
	body, err := io.ReadAll(br)
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("spark transport: read reply: %w", err)
	}
	if out, _, err := surfaceErrorMessage(body); err == nil {
		body = out
	}
	if syncExec {
		if out, err := addFinishedDirectResults(body); err == nil {
			body = out
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header = resp.Header.Clone()
	resp.Header.Del("Content-Length")
	return resp, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// baseTransport is the plain HTTP transport of both modes, with the
// profile's connect timeout.
func baseTransport(connectTimeout time.Duration) *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   connectTimeout,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       180 * time.Second,
		TLSHandshakeTimeout:   connectTimeout,
		ExpectContinueTimeout: time.Second,
	}
}
