// Package e2e holds the browser end-to-end tests of the documentation page
// (build tag e2e, run by `make test-browser`): the generated page is opened
// from file:// in headless Chromium with every non-file request blocked.
package e2e
