package salesforce

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

// TestReadAPIFile checks that a file with RestApi's column names, unknown columns and a
// hostile value parses, and that rows without an ID or a time are skipped.
func TestReadAPIFile(t *testing.T) {
	t.Parallel()
	csv := "\ufeff\"EVENT_TYPE\",\"TIMESTAMP\",\"REQUEST_ID\",\"USER_ID\",\"CLIENT_IP\",\"CONNECTED_APP_ID\",\"METHOD\"," +
		"\"URI\",\"ENTITY_NAME\",\"USER_AGENT\",\"STATUS_CODE\",\"ROWS_PROCESSED\",\"NEW_COLUMN\"\n" +
		"\"RestApi\",\"20251012031415.123\",\"4exLFFQZ\",\"0055e000004IntG\",\"198.51.100.7\",\"0H45e000000CaRJ\",\"DELETE\"," +
		"\"/services/data/v62.0/jobs/query/7505e000000AbCdAAK\",\"Case\",\"python\u202e\",\"204\",\"\",\"x\"\n" +
		"\"RestApi\",\"\",\"no-time\",\"0055e000004IntG\"\n" +
		"\"RestApi\",\"20251012031415.123\",\"\"\n"
	rows, err := readAPIFile(strings.NewReader(csv), "00D")
	if err != nil {
		t.Fatal(err)
	}
	want := []apiRow{{requestID: "4exLFFQZ", ev: nhi.Event{ID: "4exLFFQZ", Platform: nhi.PlatformSalesforce, Tenant: "00D",
		Time: time.Date(2025, 10, 12, 3, 14, 15, 123e6, time.UTC), Kind: nhi.EventExportDeleted, Activity: "RestApi",
		Actor: "0055e000004IntGAAS", AppID: id18("0H45e000000CaRJ"), Target: "Case", Result: "success",
		SourceIP: "198.51.100.7", UserAgent: nhi.CleanText("python\u202e"),
		Details: map[string]string{"entity": "Case", "uri": "/services/data/v62.0/jobs/query/7505e000000AbCdAAK", "status_code": "204",
			"method": "DELETE", "job_id": "7505e000000AbCdAAK"}}}}
	if diff := cmp.Diff(want, rows, cmp.AllowUnexported(apiRow{})); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if _, err := readAPIFile(strings.NewReader("\"A\",\"B\"\n"), "00D"); err == nil {
		t.Error("a file without REQUEST_ID was accepted")
	}
}
