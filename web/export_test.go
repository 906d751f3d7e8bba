package web

// RouteList returns the method, pattern and least role of every route the server
// registers, for the OpenAPI parity test.
func RouteList(s *Server) [][3]string {
	var out [][3]string
	for _, rt := range s.routes() {
		out = append(out, [3]string{rt.method, rt.pattern, rt.need.String()})
	}
	return out
}

// EncodeCursor returns the API cursor that resumes a list after the store cursor after.
func EncodeCursor(after string) string { return cursor{After: after}.encode() }
