package okta

// reporterError marks an error of the Reporter, which ends the scan as it is.
type reporterError struct{ err error }

// Error describes the error.
func (e *reporterError) Error() string { return "okta: report: " + e.err.Error() }

// Unwrap returns the Reporter's error.
func (e *reporterError) Unwrap() error { return e.err }

// wrapReporter marks a non-nil error of the Reporter.
func wrapReporter(err error) error {
	if err == nil {
		return nil
	}
	return &reporterError{err}
}
