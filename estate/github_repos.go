package estate

import (
	"slices"
	"strings"
)

// ghRepoBases are repository names every company has; ghRepoAreas and ghRepoKinds
// combine into the names of its services and libraries.
var (
	ghRepoBases = strings.Fields(`api web infra-terraform docs .github mobile-ios mobile-android
		design-system data-pipeline helm-charts k8s-manifests cli dashboard admin-portal gateway
		website status-page terraform-modules ansible-playbooks monorepo sdk-python sdk-go sdk-js
		ml-models e2e-tests load-tests runbooks dotfiles ci-templates docker-images`)
	ghRepoAreas = strings.Fields(`payments billing auth users orders inventory search notifications
		analytics reporting checkout catalog shipping pricing accounts ledger fraud identity
		messaging scheduler exports media events onboarding`)
	ghRepoKinds = strings.Fields(`service api worker web ui lib infra jobs sdk proxy`)
	ghLabsRepos = strings.Fields(`experiments hackathon-2025 hackathon-2026 prototype-agent
		llm-playground poc-graphql poc-edge-functions demo-app rust-rewrite wasm-sandbox
		benchmarks design-sprint internal-tools chatops-bot vector-search-poc`)
	// ghPublicRepos are the repositories published as open source.
	ghPublicRepos = strings.Fields(`docs .github sdk-python sdk-go sdk-js website cli design-system`)
)

// repoCounts returns how many repositories each organization has: dozens to hundreds in
// the main one with the number of engineers, a few to dozens in the labs one.
func repoCounts(engineers int) [2]int {
	return [2]int{min(600, max(25, engineers/4)), min(45, max(6, engineers/40))}
}

// addRepos adds the organizations' repositories with names drawn from the lists above.
func (g *ghGen) addRepos() {
	counts := repoCounts(len(g.gh.Users))
	names := [2][]string{repoNames(counts[0]), nil}
	labs := slices.Concat(ghLabsRepos, ghRepoBases[:8])
	for _, a := range ghRepoAreas {
		labs = append(labs, a+"-poc")
	}
	names[1] = labs[:min(counts[1], len(labs))]
	for org := range names {
		g.r.Shuffle(len(names[org]), func(i, j int) { names[org][i], names[org][j] = names[org][j], names[org][i] })
		for _, name := range names[org] {
			age := g.between(day, g.orgAge[org]-day)
			g.repos[org] = append(g.repos[org], int32(len(g.gh.Repos)))
			g.gh.Repos = append(g.gh.Repos, GHRepo{Org: int32(org), Name: name, ID: g.ids.repo.next(g.r, 500_000),
				Private: !slices.Contains(ghPublicRepos, name), CreatedAt: g.at(age)})
		}
	}
}

// repoNames returns n distinct repository names: the common ones, then services and
// libraries, then their second versions and legacy copies.
func repoNames(n int) []string {
	names := slices.Clone(ghRepoBases)
	for _, a := range ghRepoAreas {
		for _, k := range ghRepoKinds {
			names = append(names, a+"-"+k)
		}
	}
	for _, suffix := range []string{"-v2", "-legacy"} {
		for _, name := range names[len(ghRepoBases) : len(ghRepoBases)+len(ghRepoAreas)*len(ghRepoKinds)] {
			names = append(names, name+suffix)
		}
	}
	return names[:min(n, len(names))]
}

// someRepos draws up to n distinct repositories of org, in ascending order.
func (g *ghGen) someRepos(org int32, n int) []int32 {
	pool := g.repos[org]
	n = min(n, len(pool))
	out := make([]int32, 0, n)
	for len(out) < n {
		if i := pool[g.r.IntN(len(pool))]; !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

// install installs app on org as its spec says, by an owner: most installations are a
// year or more old; the suspicious app came within the audit window.
func (g *ghGen) install(org, app int32, s ghAppSpec) {
	a := &g.gh.Apps[app]
	in := GHInstallation{ID: g.ids.inst.next(g.r, 400_000), Org: org, App: app,
		Permissions: ghPerms(s.perms), Events: strings.Fields(s.events),
		All: g.r.Float64() < s.all, InstalledBy: g.ownerOf(org), SuspendedBy: -1}
	age := g.between(30*day, g.orgAge[org]-day)
	if a.Suspicious {
		age = g.between(5*day, 40*day)
	}
	if !in.All {
		in.Repos = g.someRepos(org, 1+g.r.IntN(6))
	}
	updated := g.between(day, age)
	in.CreatedAt, in.UpdatedAt = g.at(age), g.at(updated)
	in.LastUsedAt = g.at(g.r.Int64N(2 * day))
	if a.Company != "" && g.r.Float64() < 0.08 { // a vendor's app nobody uses any more
		in.SuspendedAt, in.SuspendedBy = g.at(g.between(day, updated)), g.ownerOf(org)
		in.LastUsedAt = in.SuspendedAt
		g.audit(org, g.ageOf(in.SuspendedAt), "integration_installation.suspend", in.SuspendedBy, -1, g.installFields(&in))
	}
	g.audit(org, age, "integration_installation.create", in.InstalledBy, -1, g.installFields(&in))
	g.gh.Installations = append(g.gh.Installations, in)
}

// installFields returns the audit fields of an event about installation in.
func (g *ghGen) installFields(in *GHInstallation) func() map[string]any {
	return func() map[string]any {
		sel := "selected"
		if in.All {
			sel = "all"
		}
		return map[string]any{"installation_id": in.ID, "integration": g.gh.Apps[in.App].Slug,
			"repository_selection": sel, "programmatic_access_type": "GitHub App server-to-server token"}
	}
}
