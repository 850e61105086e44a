package compile

import (
	"sync/atomic"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// relation is a node's or source's warehouse relation and, once asked
// for, its name as SQL. Substitution and the manifest ask for every name,
// many of them several times: each is quoted once, by whichever goroutine
// asks first (two that race store equal strings).
type relation struct {
	adapter.Relation
	name atomic.Pointer[string]
}

// relations indexes relations by unique id. They are allocated in blocks:
// a 10,000-model project has 30,000 of them.
type relations struct {
	m    map[string]*relation
	free []relation
}

func newRelations(size int) relations {
	return relations{m: make(map[string]*relation, size)}
}

// set records r for id; one goroutine at a time.
func (rs *relations) set(id string, r adapter.Relation) {
	if len(rs.free) == 0 {
		rs.free = make([]relation, 1024)
	}
	p := &rs.free[0]
	rs.free = rs.free[1:]
	p.Relation = r
	rs.m[id] = p
}

// get returns the relation of id, nil when there is none.
func (rs *relations) get(id string) *relation { return rs.m[id] }

// Relation returns the warehouse relation of a node or source (schema and
// alias resolved); the zero Relation when the id is unknown.
func (e *Engine) Relation(uniqueID string) adapter.Relation {
	if r := e.relations.get(uniqueID); r != nil {
		return r.Relation
	}
	return adapter.Relation{}
}

// RelationName renders the relation of a node or source as SQL.
func (e *Engine) RelationName(uniqueID string) string {
	r := e.relations.get(uniqueID)
	if r == nil {
		return e.quote(adapter.Relation{})
	}
	if s := r.name.Load(); s != nil {
		return *s
	}
	s := e.quote(r.Relation)
	r.name.Store(&s)
	return s
}
