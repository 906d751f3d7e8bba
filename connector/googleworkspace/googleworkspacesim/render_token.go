package googleworkspacesim

// appendTokenActivity renders a token audit event as a Reports API activity.
func (s *Server) appendTokenActivity(b []byte, v *view, ev *event) []byte {
	g := s.w.grant(*v, ev.grant)
	vendor := &v.vendors[g.Vendor]
	b = s.appendActivityHead(b, ev.key(), appToken, g.Person, eventIP(g, ev))
	b = append(b, `"type":"auth","name":`...)
	b = appendString(b, ev.kind.String())
	b = append(b, `,"parameters":[`...)
	if ev.kind == evActivity {
		bucket, api, method, n := activityDetail(g, ev)
		b = appendParam(b, "api_name", api)
		b = appendParam(b, "method_name", method)
		b = appendParam(b, "client_id", vendor.GoogleClientID)
		b = appendParam(b, "app_name", vendor.Product)
		b = appendParam(b, "client_type", clientType(vendor))
		b = append(b, `,{"name":"num_response_bytes","intValue":`...)
		b = append(appendInt64String(b, n), '}')
		b = appendMultiParam(b, "product_bucket", []string{bucket})
		return append(b, "]}]}"...)
	}
	b = appendParam(b, "client_id", vendor.GoogleClientID)
	b = appendParam(b, "app_name", vendor.Product)
	b = appendParam(b, "client_type", clientType(vendor))
	b = append(b, `,{"name":"scope_data","multiMessageValue":[`...)
	for i, sc := range g.Scopes {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"parameter":[{"name":"scope_name","value":`...)
		b = appendString(b, sc)
		b = append(b, `},{"name":"product_bucket","multiValue":[`...)
		b = appendString(b, productBucket(sc))
		b = append(b, "]}]}"...)
	}
	b = append(b, "]}"...)
	b = appendMultiParam(b, "scope", g.Scopes)
	return append(b, "]}]}"...)
}

// appendAdminActivity renders an admin audit event as a Reports API activity.
func (s *Server) appendAdminActivity(b []byte, ev *adminEvent) []byte {
	b = s.appendActivityHead(b, ev.key, appAdmin, ev.actor, ipAddress(uint64(ev.actor)<<32|0x05e))
	b = append(b, `"type":`...)
	b = appendString(b, ev.typ)
	b = appendStringField(b, "name", ev.name)
	b = append(b, `,"parameters":[`...)
	for _, p := range ev.params {
		if p.multi != nil {
			b = appendMultiParam(b, p.name, p.multi)
		} else {
			b = appendParam(b, p.name, p.value)
		}
	}
	return append(b, "]}]}"...)
}
