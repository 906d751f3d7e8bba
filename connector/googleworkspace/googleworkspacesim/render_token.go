package googleworkspacesim

import "time"

// activityMask is a fields parameter resolved for activities once per page: a page renders
// a thousand activities, each with some thirty members to look up.
type activityMask struct {
	kind, etag, ownerDomain, ipAddress                 bool
	id, idTime, idQualifier, idApplication, idCustomer bool
	actor, actorCallerType, actorEmail, actorProfile   bool
	events, eventType, eventName, parameters           bool
	param                                              paramMask
	// params is the mask of parameters, for their nested messages.
	params *fieldMask
}

// paramMask says which members of a parameter are selected.
type paramMask struct {
	name, value, intValue, multiValue, multiMessageValue bool
}

// newActivityMask resolves the mask m of activities (nil: everything).
func newActivityMask(m *fieldMask) activityMask {
	id, actor, events := m.sub("id"), m.sub("actor"), m.sub("events")
	params := events.sub("parameters")
	return activityMask{
		kind: m.has("kind"), etag: m.has("etag"), ownerDomain: m.has("ownerDomain"), ipAddress: m.has("ipAddress"),
		id: m.has("id"), idTime: id.has("time"), idQualifier: id.has("uniqueQualifier"),
		idApplication: id.has("applicationName"), idCustomer: id.has("customerId"),
		actor: m.has("actor"), actorCallerType: actor.has("callerType"), actorEmail: actor.has("email"),
		actorProfile: actor.has("profileId"),
		events:       m.has("events"), eventType: events.has("type"), eventName: events.has("name"),
		parameters: m.has("events") && events.has("parameters"),
		param: paramMask{name: params.has("name"), value: params.has("value"), intValue: params.has("intValue"),
			multiValue: params.has("multiValue"), multiMessageValue: params.has("multiMessageValue")},
		params: params,
	}
}

// appendTokenActivity renders a token audit event as a Reports API activity.
func (s *Server) appendTokenActivity(b []byte, v *view, ev *event, am *activityMask) []byte {
	g := s.w.grant(*v, ev.grant)
	vendor := &v.vendors[g.Vendor]
	ip := ""
	if am.ipAddress {
		ip = eventIP(vendor, g, ev)
	}
	b = s.appendActivityHead(b, ev.key(), appToken, g.Person, ip, am)
	if !am.events {
		return append(b, '}')
	}
	b = appendEventHead(b, am, "auth", ev.kind.String())
	if !am.parameters {
		return append(b, "}]}"...)
	}
	pm := am.param
	b = append(appendKey(b, "parameters"), '[')
	if ev.kind == evActivity {
		bucket, api, method, n := activityDetail(g, ev)
		b = pm.single(b, "api_name", api)
		b = pm.single(b, "method_name", method)
		b = pm.single(b, "client_id", vendor.GoogleClientID)
		b = pm.single(b, "app_name", vendor.Product)
		b = pm.single(b, "client_type", clientType(vendor))
		b = pm.int(b, "num_response_bytes", n)
		b = pm.multi(b, "product_bucket", []string{bucket})
		return append(b, "]}]}"...)
	}
	b = pm.single(b, "client_id", vendor.GoogleClientID)
	b = pm.single(b, "app_name", vendor.Product)
	b = pm.single(b, "client_type", clientType(vendor))
	b = element(b)
	if pm.name {
		b = appendStringField(b, "name", "scope_data")
	}
	if pm.multiMessageValue {
		b = appendScopeData(append(appendKey(b, "multiMessageValue"), '['), am.params.sub("multiMessageValue"), g.Scopes)
	}
	b = pm.multi(append(b, '}'), "scope", g.Scopes)
	return append(b, "]}]}"...)
}

// appendScopeData renders the elements of scope_data's multiMessageValue and closes it.
func appendScopeData(b []byte, mm *fieldMask, scopes []string) []byte {
	pm := mm.sub("parameter")
	nested := paramMask{name: pm.has("name"), value: pm.has("value"), multiValue: pm.has("multiValue")}
	for _, sc := range scopes {
		b = element(b)
		if mm.has("parameter") {
			b = append(appendKey(b, "parameter"), '[')
			b = nested.single(b, "scope_name", sc)
			b = append(nested.multi(b, "product_bucket", []string{productBucket(sc)}), ']')
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendAdminActivity renders an admin audit event as a Reports API activity.
func (s *Server) appendAdminActivity(b []byte, ev *adminEvent, am *activityMask) []byte {
	b = s.appendActivityHead(b, ev.key, appAdmin, ev.actor, ipAddress(uint64(ev.actor)<<32|0x05e), am)
	if !am.events {
		return append(b, '}')
	}
	b = appendEventHead(b, am, ev.typ, ev.name)
	if !am.parameters {
		return append(b, "}]}"...)
	}
	b = append(appendKey(b, "parameters"), '[')
	for _, p := range ev.params {
		if p.multi != nil {
			b = am.param.multi(b, p.name, p.multi)
		} else {
			b = am.param.single(b, p.name, p.value)
		}
	}
	return append(b, "]}]}"...)
}

// appendActivityHead renders an activity up to its events: '{' and the members before them.
func (s *Server) appendActivityHead(b []byte, key eventKey, app string, actor int32, ip string, am *activityMask) []byte {
	per := &s.w.e.People[actor]
	b = append(b, '{')
	if am.kind {
		b = appendStringField(b, "kind", "admin#reports#activity")
	}
	if am.id {
		b = append(appendKey(b, "id"), '{')
		if am.idTime {
			b = appendTime(appendKey(b, "time"), time.UnixMilli(key.at))
		}
		if am.idQualifier {
			b = appendInt64String(appendKey(b, "uniqueQualifier"), key.qual)
		}
		if am.idApplication {
			b = appendStringField(b, "applicationName", app)
		}
		if am.idCustomer {
			b = appendStringField(b, "customerId", s.w.e.CustomerID)
		}
		b = append(b, '}')
	}
	if am.etag {
		b = appendEtag(appendKey(b, "etag"), mix64(uint64(key.qual)))
	}
	if am.actor {
		b = append(appendKey(b, "actor"), '{')
		if am.actorCallerType {
			b = appendStringField(b, "callerType", "USER")
		}
		if am.actorEmail {
			b = appendStringField(b, "email", per.Email)
		}
		if am.actorProfile {
			b = appendStringField(b, "profileId", per.GoogleID)
		}
		b = append(b, '}')
	}
	if am.ownerDomain {
		b = appendStringField(b, "ownerDomain", s.w.domain)
	}
	if am.ipAddress {
		b = appendStringField(b, "ipAddress", ip)
	}
	return b
}

// appendEventHead opens an activity's events and its one event with its type and name.
func appendEventHead(b []byte, am *activityMask, typ, name string) []byte {
	b = append(appendKey(b, "events"), "[{"...)
	if am.eventType {
		b = appendStringField(b, "type", typ)
	}
	if am.eventName {
		b = appendStringField(b, "name", name)
	}
	return b
}

// single renders a single-valued parameter as an element of parameters.
func (pm paramMask) single(b []byte, name, value string) []byte {
	b = element(b)
	if pm.name {
		b = appendStringField(b, "name", name)
	}
	if pm.value {
		b = appendStringField(b, "value", value)
	}
	return append(b, '}')
}

// multi renders a multiValue parameter as an element of parameters.
func (pm paramMask) multi(b []byte, name string, values []string) []byte {
	b = element(b)
	if pm.name {
		b = appendStringField(b, "name", name)
	}
	if pm.multiValue {
		b = appendStrings(appendKey(b, "multiValue"), values)
	}
	return append(b, '}')
}

// int renders an intValue parameter (Google's int64 as a JSON string).
func (pm paramMask) int(b []byte, name string, v int64) []byte {
	b = element(b)
	if pm.name {
		b = appendStringField(b, "name", name)
	}
	if pm.intValue {
		b = appendInt64String(appendKey(b, "intValue"), v)
	}
	return append(b, '}')
}
