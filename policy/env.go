package policy

import (
	"reflect"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
)

// Limits on what a policy may ask of nhi, so that a hostile or careless policy cannot hang
// a scan or exhaust memory.
const (
	// MaxExpressionSize is the most characters one CEL expression may have.
	MaxExpressionSize = 4096
	// MaxExpressionNodes is the most nodes one expression may have after macro expansion.
	MaxExpressionNodes = 2000
	// CostLimit bounds the work of one evaluation of one expression (CEL's cost units:
	// about one per operation, one per element a comprehension visits).
	CostLimit = 100_000
	// MaxMessageSize is the most bytes a notify_owner message keeps.
	MaxMessageSize = 4000
	// maxDays is the most days the days() function turns into a duration.
	maxDays = 100_000
)

// The CEL types of the variables.
var (
	identityType   = cel.ObjectType("policy.identity")
	appType        = cel.ObjectType("policy.app")
	ownerType      = cel.ObjectType("policy.owner")
	permissionType = cel.ObjectType("policy.permission")
	findingType    = cel.ObjectType("policy.finding")
)

// variables lists the CEL variables with their types and what they hold.
func variables() []variable {
	return []variable{
		{"identity", identityType, "identity", reflect.TypeFor[identity](), "the identity evaluated"},
		{"app", appType, "app", reflect.TypeFor[app](), "the identity's app; empty fields (app.known false) when it has none"},
		{"owner", ownerType, "owner", reflect.TypeFor[owner](), "the person who owns or granted the identity; owner.known is false when nhi has no record of them"},
		{"permissions", cel.ListType(permissionType), "list(permission)", reflect.TypeFor[permission](), "the identity's scopes, rated by the permission catalogue"},
		{"findings", cel.ListType(findingType), "list(finding)", reflect.TypeFor[finding](), "the open findings of the identity and of its app"},
		{"now", cel.TimestampType, "timestamp", nil, "the time of the evaluation"},
	}
}

// variable is one variable of the CEL environment: its name, type, the view that holds
// its value and what it means.
type variable struct {
	name     string
	typ      *cel.Type
	typeName string
	view     reflect.Type
	doc      string
}

// newEnv returns the CEL environment policies are compiled in.
func newEnv() (*cel.Env, error) {
	opts := []cel.EnvOption{
		ext.NativeTypes(reflect.TypeFor[*identity](), reflect.TypeFor[*app](), reflect.TypeFor[*owner](),
			reflect.TypeFor[*permission](), reflect.TypeFor[*finding](), ext.ParseStructTags(true)),
		cel.OptionalTypes(),
		ext.Strings(),
		ext.Sets(),
		ext.Lists(ext.ListsMaxRangeSize(1000)),
		cel.Function("days", cel.Overload("days_int", []*cel.Type{cel.IntType}, cel.DurationType,
			cel.UnaryBinding(days))),
		cel.DefaultUTCTimeZone(true),
		cel.ParserExpressionSizeLimit(MaxExpressionSize),
		cel.ExpressionNodeLimit(MaxExpressionNodes),
		cel.ParserRecursionLimit(100),
	}
	for _, v := range variables() {
		opts = append(opts, cel.Variable(v.name, v.typ))
	}
	return cel.NewEnv(opts...)
}

// days is the CEL function days(n): a duration of n days.
func days(v ref.Val) ref.Val {
	n, ok := v.(types.Int)
	if !ok {
		return types.NewErr("days: want an int")
	}
	if n < -maxDays || n > maxDays {
		return types.NewErr("days(%d): out of range (at most %d days)", int64(n), maxDays)
	}
	return types.Duration{Duration: time.Duration(n) * 24 * time.Hour}
}
