package ingest

import (
	"context"
	"errors"
	"fmt"
)

// pipeBatchRows is the number of rows handed from the generator goroutine
// to the loading goroutine at a time.
const pipeBatchRows = 1024

// pipeOp is one message from the generator to the loader: open or close
// a table, or append a batch of rows (flattened, width values per row).
type pipeOp struct {
	kind  int // opOpen, opAppend, opClose
	table int
	width int
	vals  []any
}

const (
	opOpen = iota
	opAppend
	opClose
)

// pipeSink runs in the generator goroutine: it batches rows and sends them.
type pipeSink struct {
	ctx   context.Context
	ch    chan<- pipeOp
	cur   [6][]any
	width [6]int
}

func (p *pipeSink) send(op pipeOp) error {
	select {
	case p.ch <- op:
		return nil
	case <-p.ctx.Done():
		return p.ctx.Err()
	}
}

func (p *pipeSink) Open(_ context.Context, t int) error {
	return p.send(pipeOp{kind: opOpen, table: t})
}

func (p *pipeSink) Append(t int, vals []any) error {
	if p.cur[t] == nil {
		p.cur[t] = make([]any, 0, pipeBatchRows*len(vals))
		p.width[t] = len(vals)
	}
	p.cur[t] = append(p.cur[t], vals...)
	if len(p.cur[t]) >= cap(p.cur[t]) {
		return p.flush(t)
	}
	return nil
}

func (p *pipeSink) flush(t int) error {
	if len(p.cur[t]) == 0 {
		return nil
	}
	op := pipeOp{kind: opAppend, table: t, width: p.width[t], vals: p.cur[t]}
	p.cur[t] = nil
	return p.send(op)
}

func (p *pipeSink) Close(_ context.Context, t int) error {
	if err := p.flush(t); err != nil {
		return err
	}
	return p.send(pipeOp{kind: opClose, table: t})
}

// generatePiped runs Generate in its own goroutine and feeds its rows to
// sink from the calling goroutine, so that generating and loading overlap
// on two cores. sink is only used from the calling goroutine (a database
// connection needs no locking). The first error of either side stops both.
func generatePiped(ctx context.Context, cfg Config, sink Sink) (Report, error) {
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan pipeOp, 8)
	type result struct {
		rep Report
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer close(ch)
		rep, err := Generate(gctx, cfg, &pipeSink{ctx: gctx, ch: ch})
		done <- result{rep, err}
	}()
	var loadErr error
	for op := range ch {
		if loadErr != nil {
			continue // drain until the generator has stopped
		}
		switch op.kind {
		case opOpen:
			loadErr = sink.Open(ctx, op.table)
		case opClose:
			loadErr = sink.Close(ctx, op.table)
		default:
			for i := 0; i+op.width <= len(op.vals) && loadErr == nil; i += op.width {
				loadErr = sink.Append(op.table, op.vals[i:i+op.width])
			}
		}
		if loadErr != nil {
			loadErr = fmt.Errorf("%s: %w", TableNames()[op.table], loadErr)
			cancel()
		}
	}
	res := <-done
	switch {
	case loadErr != nil:
		return Report{}, loadErr
	case res.err != nil && errors.Is(res.err, context.Canceled) && ctx.Err() != nil:
		return Report{}, ctx.Err()
	}
	return res.rep, res.err
}
