// Package render is the template engine of model, test, hook and macro
// SQL: Go text/template with every Sprig function plus the engine's own
// (ref, source, config, var, env, this, target, is_incremental, include,
// dispatch).
//
// Macro files are parsed once into an Env. Each goroutine renders with its
// own Renderer, a clone of the Env's template set whose engine functions
// read the Renderer's current State; a Renderer is cheap to reuse and must
// not be shared between goroutines.
package render
