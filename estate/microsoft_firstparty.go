package estate

import "time"

// firstPartyApp is a Microsoft first-party app a tenant holds a service principal of.
type firstPartyApp struct {
	appID, name string
	// signsIn marks client apps people sign in to, which show recent sign-ins.
	signsIn bool
}

// firstPartyApps returns the Microsoft first-party apps of the estate's tenant after
// Microsoft Graph and Office 365 Exchange Online, with their real application IDs, all
// published from MicrosoftTenantID.
func firstPartyApps() []firstPartyApp {
	return []firstPartyApp{
		{"00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online", true},
		{"1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams", true},
		{"c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal", true},
		{"33be1cef-03fb-444b-8fd3-08ca1b4d803f", "OneDrive Web", true},
		{"57fb890c-0dab-4253-a5e0-7188c88b2bb4", "SharePoint Online Client", true},
		{"0000000c-0000-0000-c000-000000000000", "Microsoft App Access Panel", true},
		{"c9a559d2-7aab-4f13-a6ed-e7e9c52aec87", "Microsoft Forms", true},
		{"499b84ac-1321-427f-aa17-267ca6975798", "Azure DevOps", true},
		{"0000000a-0000-0000-c000-000000000000", "Microsoft Intune", false},
		{"05a65629-4c1b-48c1-a78b-804c4abdd4af", "Microsoft Cloud App Security", false},
		{"fc780465-2017-40d4-a0c5-307022471b92", "WindowsDefenderATP", false},
		{"00000007-0000-0000-c000-000000000000", "Dataverse", false},
		{"98785600-1bb7-4fb9-b9fa-19afe2c8a360", "Azure Security Insights", false},
		{"da9b70f6-5323-4ce6-ae5c-88dcc5082966", "Universal Print", false},
		{"0af06dc6-e4b5-4f28-818e-e78e62d137a5", "Windows 365", false},
		{"7cd684f4-8a78-49b0-91ec-6a35d38739ba", "Azure Logic Apps", false},
		{"0a5f63c0-b750-4f38-a71c-4fc0d58b89e2", "Microsoft Mobile Application Management", false},
		{"47ee738b-3f1a-4fc7-ab11-37e4822b007e", "Azure AD Application Proxy", false},
		{"8ee8fdad-f234-4243-8f3b-15c294843740", "Microsoft Threat Protection", false},
		{"0736f41a-0425-4b46-bdb5-1563eff02385", "Azure Machine Learning", false},
		{"d32c68ad-72d2-4acb-a0c7-46bb2cf93873", "Microsoft Activity Feed Service", false},
		{"1e70cd27-4707-4589-8ec5-9bd20c472a46", "Skype Presence Service", false},
		{"9d8f559b-5984-46a4-902a-ad4271e83efa", "Power Virtual Agents Service", false},
		{"0000001b-0000-0000-c000-000000000000", "Microsoft Power BI Information Service", false},
		{"79d7fb34-4bef-4417-8184-ff713af7a679", "Azure Bastion", false},
		{"6a0ec4d3-30cb-4a83-91c0-ae56bc0e3d26", "Azure Container Registry", false},
		{"dbcbd02a-d7c4-42fb-8c27-b07e5118b848", "Azure Graph", false},
		{"8f41dc7c-542c-4bdd-8eb3-e60543f607ca", "Microsoft Device Directory Service", false},
		{"7cf4b8a3-78fd-4d1d-8019-d5041c61ce64", "Azure MFA Management", false},
		{"9cb77803-d937-493e-9a3b-4b49de3f5a74", "Microsoft Intune Service Discovery", false},
		{"262044b1-e2ce-469f-a196-69ab7ada62d3", "Backup Management Service", false},
		{"80a10ef9-8168-493d-abf9-3297c4ef6e3c", "Microsoft.ServiceBus", false},
		{"1f5530b3-261a-47a9-b357-ded261e17918", "Azure Multi-Factor Auth Connector", false},
		{"19dd5b37-d116-48cb-90d2-4aa56696cba1", "Microsoft Forms Pro", false},
		{"978877ea-b2d6-458b-80c7-05df932f3723", "Microsoft Teams AuditService", false},
		{"38d143fa-a9d8-4e3e-b073-81f3fefeaf95", "Microsoft Teams IP Core Service", false},
		{"e1979c22-8b73-4aed-a4da-572cc4d0b832", "App Studio for Microsoft Teams", false},
		{"6b91db1b-f05b-405a-a0b2-e3f60b28d645", "M365 Admin Services", false},
		{"56c1da01-2129-48f7-9355-af6d59d42766", "Graph Connector Service", false},
		{"3138fe80-4087-4b04-80a6-8866c738028a", "SharePoint Notification Service", false},
		{"5b404cf4-a79d-4cfe-b866-24bf8e1a4921", "Bot Service Token Store", false},
		{"81473081-50b9-469a-b9d8-303109583ecb", "Cortana Runtime Service", false},
	}
}

// addFirstParty adds Microsoft's first-party service principals: Microsoft Graph first
// (with its app roles and delegated scopes), then Office 365 Exchange Online, then the
// others. They were created with the tenant; client apps people sign in to show recent
// sign-ins. They hold no grants, owners or credentials.
func (g *msGen) addFirstParty() {
	apps := append([]firstPartyApp{{GraphAppID, "Microsoft Graph", false},
		{ExchangeAppID, "Office 365 Exchange Online", false}}, firstPartyApps()...)
	for i, a := range apps {
		sp := MSServicePrincipal{
			ObjectID: newGUID(g.r), AppID: a.appID, DisplayName: a.name,
			AppOwnerOrganizationID: MicrosoftTenantID, ServicePrincipalType: "Application",
			AccountEnabled: true, PublisherName: "Microsoft Services",
			SignInAudience: "AzureADMultipleOrgs", FirstParty: true, Vendor: -1, Application: -1,
			Created: g.at(g.tenantAge - g.r.Int64N(int64(time.Hour/time.Second))),
		}
		switch i {
		case 0:
			sp.AppRoles, sp.Scopes = graphAppRoles(), graphScopes()
		case 1:
			sp.AppRoles, sp.Scopes = exchangeAppRoles(), exchangeScopes()
		}
		if a.signsIn {
			sp.LastSignIn = g.at(g.r.Int64N(2 * 3600))
		}
		g.m.ServicePrincipals = append(g.m.ServicePrincipals, sp)
	}
	g.graph, g.exchange = 0, 1
	g.graphBin = g.spBin(g.graph)
}
