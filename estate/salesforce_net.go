package estate

import (
	"math/rand/v2"
	"strconv"
)

// sfNet is a /24 network: its first three octets and the country its addresses are in.
//
// The networks of the Salesforce org, with what they are:
//
//	198.51.100.0/24  company office egress (TEST-NET-2, RFC 5737)          US
//	203.0.113.0/24   people working from home in the US (TEST-NET-3)        US
//	192.0.2.0/24     people working from home in the UK (TEST-NET-1)        GB
//	34.231.118.0/24  Drift              (AWS us-east-1, 34.224.0.0/12)       US
//	3.222.49.0/24    Gainsight          (AWS us-east-1, 3.208.0.0/12)        US
//	34.75.38.0/24    HubSpot            (Google Cloud us-east1, 34.73.0.0/16+) US
//	52.55.201.0/24   Zendesk            (AWS us-east-1, 52.54.0.0/15)        US
//	35.234.176.0/24  Fivetran           (Google Cloud)                       US
//	18.208.77.0/24   the company's ETL  (AWS us-east-1, 18.208.0.0/13)       US
//	52.41.166.0/24   Outreach           (AWS us-west-2, 52.32.0.0/14)        US
//	44.230.89.0/24   Gong               (AWS us-west-2, 44.224.0.0/12)       US
//	34.123.62.0/24   ZoomInfo           (Google Cloud us-central1)           US
//	54.226.91.0/24   Slack              (AWS us-east-1, 54.224.0.0/12)       US
//	34.205.12.0/24   Salesloft          (AWS us-east-1, 34.192.0.0/12)       US
//	35.231.22.0/24   Apollo.io          (Google Cloud us-east1)              US
//	50.16.33.0/24    Yesware            (AWS us-east-1, 50.16.0.0/15)        US
//	54.83.140.0/24   Workbench          (AWS us-east-1, Heroku)              US
//	52.6.152.0/24    Dataloader.io      (AWS us-east-1, 52.0.0.0/15)         US
//	44.192.0.0/11    the attack's recon address (AWS us-east-1)             US
//	159.203.0.0/16   the attack's export address (DigitalOcean)             US
//
// The vendors' blocks are real cloud providers' published ranges, chosen so that a
// provider lookup sees a vendor's traffic where such a vendor's would come from; the
// /24s within them are the estate's invention, not the vendors' real addresses. The
// people's are documentation ranges.
type sfNet struct {
	a, b, c byte
	country string
}

// The people's networks.
var (
	sfOffice = sfNet{198, 51, 100, "US"}
	sfHomeUS = sfNet{203, 0, 113, "US"}
	sfHomeUK = sfNet{192, 0, 2, "GB"}
)

// host returns address x of the network (x from 1 to 254).
func (n sfNet) host(x int) string {
	b := make([]byte, 0, 15)
	for _, o := range []byte{n.a, n.b, n.c} {
		b = strconv.AppendUint(b, uint64(o), 10)
		b = append(b, '.')
	}
	return string(strconv.AppendUint(b, uint64(x), 10))
}

// sfPlace is where a person signs in from: an address, its country, and a browser.
type sfPlace struct {
	ip, country string
	browser     *sfBrowser
}

// sfBrowser is a browser as LoginHistory and the Login event log show it.
type sfBrowser struct {
	platform, browser, ua string
}

// sfBrowsers are the browsers people use.
var sfBrowsers = [...]sfBrowser{
	{"Mac OSX", "Chrome 131", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
	{"Windows 10", "Chrome 131", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
	{"Mac OSX", "Safari 18", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"},
	{"Windows 10", "Edge 131", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"},
}

// sfPlaces returns the places of n users: mostly the office, else a home address.
func sfPlaces(r *rand.Rand, n int) []sfPlace {
	office := make([]string, 64)
	for i := range office {
		office[i] = sfOffice.host(10 + i)
	}
	out := make([]sfPlace, n)
	for i := range out {
		p := sfPlace{ip: office[r.IntN(len(office))], country: sfOffice.country, browser: &sfBrowsers[r.IntN(len(sfBrowsers))]}
		switch u := r.Float64(); {
		case u < 0.25:
			p.ip, p.country = sfHomeUS.host(1+r.IntN(254)), sfHomeUS.country
		case u < 0.32:
			p.ip, p.country = sfHomeUK.host(1+r.IntN(254)), sfHomeUK.country
		}
		out[i] = p
	}
	return out
}

// sfAttackIPs returns the attack's two addresses: recon from AWS us-east-1 (44.192.0.0/11,
// away from every vendor's /24) and export from DigitalOcean (159.203.0.0/16).
func sfAttackIPs(r *rand.Rand) (recon, export string) {
	recon = sfNet{44, byte(200 + r.IntN(24)), byte(r.IntN(256)), "US"}.host(2 + r.IntN(250))
	export = sfNet{159, 203, byte(r.IntN(256)), "US"}.host(2 + r.IntN(250))
	return recon, export
}
