package api

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Snapshot is one loaded gold layer with everything derived from it. It is
// immutable: a request reads one Snapshot from start to end.
type Snapshot struct {
	Gold     *Gold
	LoadedAt time.Time
	AsOfDate string // the gold layer's as-of date
	Source   string
	Counts   map[string]int
	Seq      int64 // 1 for the first snapshot loaded, then 2, ...
	derived  *derived
}

// ReloadStatus is the outcome of the last load attempt.
type ReloadStatus struct {
	At    time.Time
	Error string // empty on success
}

// Store holds the current snapshot and loads new ones.
type Store struct {
	opener Opener
	log    *slog.Logger
	cur    atomic.Pointer[Snapshot]
	last   atomic.Pointer[ReloadStatus]
	mu     sync.Mutex // one load at a time
	seq    int64
	// FreeMemory returns the memory of a load's garbage (and of the
	// replaced snapshot) to the operating system after each reload.
	FreeMemory bool
	// OnLoad, when set, is called after each snapshot is swapped in (and
	// the memory freed), one load at a time.
	OnLoad func(*Snapshot)
}

// NewStore makes a store that loads from opener.
func NewStore(opener Opener, log *slog.Logger) *Store {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Store{opener: opener, log: log}
}

// Current returns the snapshot being served (nil before the first load).
func (s *Store) Current() *Snapshot { return s.cur.Load() }

// Gold returns the current gold tables (nil before the first load).
func (s *Store) Gold() *Gold {
	if sn := s.cur.Load(); sn != nil {
		return sn.Gold
	}
	return nil
}

// LastReload reports the last load attempt (nil before any).
func (s *Store) LastReload() *ReloadStatus { return s.last.Load() }

// Reload loads a new snapshot and swaps it in; on failure the current one
// stays and the error is kept for /ready.
func (s *Store) Reload(ctx context.Context) (*Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	sn, err := s.load(ctx)
	if err != nil {
		s.last.Store(&ReloadStatus{At: time.Now().UTC(), Error: err.Error()})
		if s.cur.Load() != nil {
			s.log.Warn("gold snapshot reload failed; serving the last good snapshot", "error", err)
		}
		return nil, err
	}
	s.seq++
	sn.Seq = s.seq
	s.cur.Store(sn)
	if s.FreeMemory {
		// Two collections: the tables' sync.Pools keep the replaced
		// snapshot reachable until the second one.
		runtime.GC()
		debug.FreeOSMemory()
	}
	if s.OnLoad != nil {
		s.OnLoad(sn)
	}
	s.last.Store(&ReloadStatus{At: sn.LoadedAt})
	s.log.Info("gold snapshot loaded", "seq", sn.Seq, "as_of_date", sn.AsOfDate, "source", sn.Source, "rows", sn.Counts, "took", time.Since(start).Round(time.Millisecond))
	return sn, nil
}

func (s *Store) load(ctx context.Context) (*Snapshot, error) {
	src, closer, err := s.opener.Open(ctx)
	if err != nil {
		return nil, fmt.Errorf("load gold snapshot: %w", err)
	}
	var agg aggregates
	g, err := LoadGold(ctx, src, agg.loadOptions())
	cerr := closer.Close()
	if err != nil {
		return nil, fmt.Errorf("load gold snapshot from %s: %w", s.opener.Describe(), err)
	}
	if cerr != nil {
		return nil, fmt.Errorf("close warehouse after loading: %w", cerr)
	}
	return newSnapshot(g, &agg, s.opener.Describe(), time.Now().UTC())
}

// newSnapshot derives the pre-computed answers (summary, trends, rankings)
// from loaded gold tables and the aggregates gathered while they loaded.
// The big tables (customers, products) are answered from their encoded
// rows and indexes only; the small ones keep their typed rows
// (/api/sales/metrics searches the sales metrics rows).
func newSnapshot(g *Gold, agg *aggregates, source string, loadedAt time.Time) (*Snapshot, error) {
	d, err := derive(g, agg)
	if err != nil {
		return nil, fmt.Errorf("derive snapshot answers: %w", err)
	}
	return &Snapshot{Gold: g, LoadedAt: loadedAt, AsOfDate: d.asOf, Source: source, Counts: g.Counts(), derived: d}, nil
}

// Watch reloads whenever the file at marker (target/run_results.json, which
// the runtime writes at the end of every run) changes its modification
// time or size, polling every interval, until ctx ends.
func (s *Store) Watch(ctx context.Context, marker string, interval time.Duration) {
	if interval <= 0 {
		interval = time.Second
	}
	stamp := func() string {
		fi, err := os.Stat(marker)
		if err != nil {
			return ""
		}
		return fmt.Sprint(fi.ModTime().UnixNano(), fi.Size())
	}
	seen := stamp()
	t := time.NewTicker(interval)
	defer t.Stop()
	for tick := 1; ; tick++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if s.Current() == nil && tick%5 == 0 {
			// Nothing served yet: keep trying, the warehouse may appear.
			if _, err := s.Reload(ctx); err == nil {
				seen = stamp()
				continue
			}
		}
		now := stamp()
		if now == seen || now == "" {
			continue
		}
		seen = now
		s.log.Info("run finished; reloading the gold snapshot", "marker", marker)
		if _, err := s.Reload(ctx); err != nil {
			s.log.Error("reload after run", "error", err)
		}
	}
}

// ReloadEvery reloads on a fixed interval until ctx ends, for warehouses
// whose runs leave no marker here (a Databricks job, for example).
func (s *Store) ReloadEvery(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.Reload(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("periodic reload", "error", err)
		}
	}
}
