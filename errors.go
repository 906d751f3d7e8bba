package nhi

import (
	"context"
	"errors"
	"fmt"
)

// Code classifies an error so that the CLI, the HTTP API and the scan pipeline can act on it
// without knowing where it came from.
type Code string

// The error codes of nhi.
const (
	CodeInternal     Code = "internal"
	CodeInvalid      Code = "invalid"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeUnauthorized Code = "unauthorized"
	CodeForbidden    Code = "forbidden"
	CodeRateLimited  Code = "rate_limited"
	CodeUnavailable  Code = "unavailable"
	CodeCanceled     Code = "canceled"
)

// Error is an error with a code and a message that is safe to show a user. Err, the
// internal cause, may carry details that are not.
type Error struct {
	Code    Code
	Message string
	Err     error
}

// Error returns the message followed by the cause, if any.
func (e *Error) Error() string {
	switch {
	case e.Err == nil:
		return e.Message
	case e.Message == "":
		return e.Err.Error()
	}
	return e.Message + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted user-safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with the code and message whose cause is err.
func WrapError(code Code, err error, msg string) *Error {
	return &Error{Code: code, Message: msg, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain; context cancellation is
// CodeCanceled; nil is ""; anything else is CodeInternal.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return CodeCanceled
	}
	return CodeInternal
}

// ErrorMessage returns the user-safe message of the first *Error in err's chain, or a
// generic message for other errors.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	if ErrorCode(err) == CodeCanceled {
		return "canceled"
	}
	return "internal error"
}
