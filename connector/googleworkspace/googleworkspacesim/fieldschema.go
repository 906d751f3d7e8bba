package googleworkspacesim

import "sync"

// The schemas of the resources the simulator filters: every member of Google's discovery
// documents (as Google's Go clients have them), of which the simulator renders a subset.
const (
	nestedParameterSchema = "name,value,intValue,boolValue,multiValue,multiIntValue,multiBoolValue"
	parameterSchema       = "name,value,intValue,boolValue,multiValue,multiIntValue," +
		"messageValue(parameter(" + nestedParameterSchema + "))," +
		"multiMessageValue(parameter(" + nestedParameterSchema + "))"
	activitySchema = "kind,etag,ownerDomain,ipAddress,isAgenticAction,networkInfo,resourceDetails,userDeviceInfo," +
		"id(time,uniqueQualifier,applicationName,customerId)," +
		"actor(callerType,email,profileId,key,agentAttributionInfo," +
		"applicationInfo(oauthClientId,applicationName,impersonation))," +
		"events(type,name,resourceIds,status,sensitiveParameters,parameters(" + parameterSchema + "))"
	activitiesSchema = "kind,etag,nextPageToken,items(" + activitySchema + ")"
	userSchema       = "kind,id,etag,primaryEmail,name(givenName,familyName,fullName,displayName)," +
		"emails(address,primary,type,customType),isAdmin,isDelegatedAdmin,lastLoginTime,creationTime," +
		"deletionTime,archivalTime,agreedToTerms,suspended,suspensionReason,suspensionTime,archived," +
		"changePasswordAtNextLogin,ipWhitelisted,customerId,orgUnitPath,isMailboxSetup,isEnrolledIn2Sv," +
		"isEnforcedIn2Sv,includeInGlobalAddressList,isGuestUser,guestAccountInfo,aliases,nonEditableAliases," +
		"thumbnailPhotoUrl,thumbnailPhotoEtag,recoveryEmail,recoveryPhone,customSchemas,phones,addresses," +
		"organizations,relations,externalIds,languages,posixAccounts,sshPublicKeys,websites,locations,keywords," +
		"gender,ims,notes,password,hashFunction"
	usersSchema  = "kind,etag,trigger_event,nextPageToken,users(" + userSchema + ")"
	tokenSchema  = "kind,etag,clientId,displayText,anonymous,nativeApp,userKey,scopes"
	tokensSchema = "kind,etag,items(" + tokenSchema + ")"
)

// maxCachedMasks bounds the parsed fields parameters a server keeps.
const maxCachedMasks = 64

// schemas holds the parsed schemas of one server and the fields parameters parsed against
// them (masks are not changed once parsed, so requests share them).
type schemas struct {
	activities, users, tokens, token *fieldMask

	mu    sync.Mutex
	masks map[maskKey]*fieldMask
}

// maskKey names a fields parameter parsed against a schema.
type maskKey struct {
	schema *fieldMask
	fields string
}

// newSchemas parses the schemas.
func newSchemas() *schemas {
	return &schemas{activities: mustSchema(activitiesSchema), users: mustSchema(usersSchema),
		tokens: mustSchema(tokensSchema), token: mustSchema(tokenSchema), masks: map[maskKey]*fieldMask{}}
}

// fields is parseFields with a cache: clients send the same few fields parameters.
func (sc *schemas) fields(v string, schema *fieldMask) (*fieldMask, *apiError) {
	if v == "" {
		return nil, nil
	}
	k := maskKey{schema: schema, fields: v}
	sc.mu.Lock()
	m, ok := sc.masks[k]
	sc.mu.Unlock()
	if ok {
		return m, nil
	}
	m, e := parseFields(v, schema)
	if e == nil {
		sc.mu.Lock()
		if len(sc.masks) < maxCachedMasks {
			sc.masks[k] = m
		}
		sc.mu.Unlock()
	}
	return m, e
}

// mustSchema parses a schema written in the fields syntax; its nil members are plain values.
func mustSchema(spec string) *fieldMask {
	p := fieldParser{s: spec}
	m := &fieldMask{members: map[string]*fieldMask{}}
	if !p.list(m, 0) || p.i != len(p.s) {
		panic("googleworkspacesim: bad schema " + spec)
	}
	m.freeze()
	return m
}
