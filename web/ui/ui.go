// Package ui serves nhi's web console: static HTML, CSS and JavaScript modules embedded in
// the binary, with no build step and nothing fetched from elsewhere at run time.
//
// The console is a single page that routes on the client, so Handler answers every path
// that is not a static file with index.html; the JavaScript then asks the REST API under
// /api/v1 for data. Files are served only from the embedded tree: a request can never
// reach the file system.
package ui

import (
	"bytes"
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var files embed.FS

// indexPath is the console's single page, served for every client route.
const indexPath = "static/index.html"

// assetPrefix is the URL path under which the embedded files are served.
const assetPrefix = "/static/"

// contentTypes fixes the media types of the console's files, so they do not depend on the
// host's MIME tables (browsers refuse modules served with a wrong type under nosniff).
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".json": "application/json",
}

// Handler returns the console's handler. Paths under /static/ are embedded files (404 when
// absent); any other GET or HEAD request gets index.html so that client routes such as
// /identities/{id} load the console; other methods are refused with 405.
func Handler() http.Handler {
	return http.HandlerFunc(serve)
}

func serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := path.Clean("/" + r.URL.Path)
	if p+"/" == assetPrefix || strings.HasPrefix(p, assetPrefix) {
		name := "static/" + strings.TrimPrefix(p, assetPrefix)
		if !fs.ValidPath(name) || !serveFile(w, r, name, "public, max-age=300") {
			http.NotFound(w, r)
		}
		return
	}
	if !serveFile(w, r, indexPath, "no-cache") {
		http.Error(w, "console missing", http.StatusInternalServerError)
	}
}

// serveFile writes one embedded regular file and reports whether it exists.
func serveFile(w http.ResponseWriter, r *http.Request, name, cache string) bool {
	info, err := fs.Stat(files, name)
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	body, err := files.ReadFile(name)
	if err != nil {
		return false
	}
	ct, ok := contentTypes[path.Ext(name)]
	if !ok {
		ct = mime.TypeByExtension(path.Ext(name))
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", cache)
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
	return true
}
