package estate

// The well-known application IDs and tenant of Microsoft's first-party apps.
const (
	// GraphAppID is the application ID of Microsoft Graph, the same in every tenant.
	GraphAppID = "00000003-0000-0000-c000-000000000000"
	// ExchangeAppID is the application ID of Office 365 Exchange Online.
	ExchangeAppID = "00000002-0000-0ff1-ce00-000000000000"
	// MicrosoftTenantID is the tenant that owns Microsoft's first-party apps (their
	// service principals' appOwnerOrganizationId).
	MicrosoftTenantID = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
)

// graphAppRoles returns the application permissions (app roles) the estate's Microsoft
// Graph service principal publishes: every one the estate grants, the critical ones of
// the permission catalogue, and common read permissions. The IDs are Microsoft's own, as
// the Graph service principal of every tenant lists them.
func graphAppRoles() []MSPermission {
	return []MSPermission{
		{"5eb59dd3-1da2-4329-8733-9dabdc435916", "AdministrativeUnit.ReadWrite.All", "Read and write all administrative units"},
		{"9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Application.Read.All", "Read all applications"},
		{"1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "Application.ReadWrite.All", "Read and write all applications"},
		{"18a4783c-866b-4cc7-a460-3d5e5662c884", "Application.ReadWrite.OwnedBy", "Manage apps that this app creates or owns"},
		{"06b708a9-e830-4db3-a914-8e69da51d44f", "AppRoleAssignment.ReadWrite.All", "Manage app permission grants and app role assignments"},
		{"b0afded3-3588-46d8-8b3d-9842eff778da", "AuditLog.Read.All", "Read all audit log data"},
		{"798ee544-9d2d-430c-a058-570e29e34338", "Calendars.Read", "Read calendars in all mailboxes"},
		{"ef54d2bf-783f-4e0f-bca1-3210c0444d99", "Calendars.ReadWrite", "Read and write calendars in all mailboxes"},
		{"59a6b24b-4225-4393-8165-ebaec5f55d7a", "Channel.ReadBasic.All", "Read the names and descriptions of all channels"},
		{"7b2449af-6ccd-4f4d-9f78-e550c193f0d1", "ChannelMessage.Read.All", "Read all channel messages"},
		{"6b7d71aa-70aa-4810-a8d9-5d9fb2830017", "Chat.Read.All", "Read all chat messages"},
		{"294ce7c9-31ba-490a-ad7d-97a7d075e4ed", "Chat.ReadWrite.All", "Read and write all chat messages"},
		{"089fe4d0-434a-44c5-8827-41ba8a0b17f5", "Contacts.Read", "Read contacts in all mailboxes"},
		{"6918b873-d17a-4dc1-b314-35f528134491", "Contacts.ReadWrite", "Read and write contacts in all mailboxes"},
		{"81b4724a-58aa-41c1-8a55-84ef97466587", "DelegatedPermissionGrant.Read.All", "Read all delegated permission grants"},
		{"8e8e4742-1d95-4f68-9d56-6ee75648c72a", "DelegatedPermissionGrant.ReadWrite.All", "Manage all delegated permission grants"},
		{"7438b122-aefc-4978-80ed-43db9fcc7715", "Device.Read.All", "Read all devices"},
		{"1138cb37-bd11-4084-a2b7-9f71582aeddb", "Device.ReadWrite.All", "Read and write devices"},
		{"dc377aa6-52d8-4e23-b271-2a7ae04cedf3", "DeviceManagementConfiguration.Read.All", "Read Microsoft Intune device configuration and policies"},
		{"9241abd9-d0e6-425a-bd4f-47ba86e767a4", "DeviceManagementConfiguration.ReadWrite.All", "Read and write Microsoft Intune device configuration and policies"},
		{"2f51be20-0bb4-4fed-bf7b-db946066c75e", "DeviceManagementManagedDevices.Read.All", "Read Microsoft Intune devices"},
		{"7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Directory.Read.All", "Read directory data"},
		{"19dbc75e-c2e2-444c-a770-ec69d8559fc7", "Directory.ReadWrite.All", "Read and write directory data"},
		{"dbb9058a-0e50-45d7-ae91-66909b5d4664", "Domain.Read.All", "Read domains"},
		{"7e05723c-0bb0-42da-be95-ae9f08a6e53c", "Domain.ReadWrite.All", "Read and write domains"},
		{"01d4889c-1287-42c6-ac1f-5d1e02578ef6", "Files.Read.All", "Read files in all site collections"},
		{"75359482-378d-4052-8f01-80520e7db3cd", "Files.ReadWrite.All", "Read and write files in all site collections"},
		{"5b567255-7703-4780-807c-7be8301ae99b", "Group.Read.All", "Read all groups"},
		{"62a82d76-70ea-41e2-9197-370581804d09", "Group.ReadWrite.All", "Read and write all groups"},
		{"98830695-27a2-44f7-8c18-0c3ebc9698f6", "GroupMember.Read.All", "Read all group memberships"},
		{"dbaae8cf-10b5-4b86-a4a1-f871c94c6695", "GroupMember.ReadWrite.All", "Read and write all group memberships"},
		{"e321f0bb-e7f7-481e-bb28-e3b0b32d4bd0", "IdentityProvider.Read.All", "Read identity providers"},
		{"90db2b9a-d928-4d33-a4dd-8442ae3d41e4", "IdentityProvider.ReadWrite.All", "Read and write identity providers"},
		{"5facf0c1-8979-4e95-abcf-ff3d079771c0", "LicenseAssignment.ReadWrite.All", "Manage all license assignments"},
		{"810c84a8-4a9e-49e6-bf7d-12d183f40d01", "Mail.Read", "Read mail in all mailboxes"},
		{"693c5e45-0940-467d-9b8a-1022fb9d42ef", "Mail.ReadBasic.All", "Read basic mail in all mailboxes"},
		{"e2a3a72e-5f79-4c64-b1b1-878b674786c9", "Mail.ReadWrite", "Read and write mail in all mailboxes"},
		{"b633e1c5-b582-4048-a93e-9f11b44c7e96", "Mail.Send", "Send mail as any user"},
		{"40f97065-369a-49f4-947c-6a255697ae91", "MailboxSettings.Read", "Read all user mailbox settings"},
		{"6931bccd-447a-43d1-b442-00a195474933", "MailboxSettings.ReadWrite", "Read and write all user mailbox settings"},
		{"0c458cef-11f3-48c2-a568-c66751c238c0", "Notes.ReadWrite.All", "Read and write all OneNote notebooks"},
		{"c1684f21-1984-47fa-9d61-2dc8c296bb70", "OnlineMeetings.Read.All", "Read online meeting details"},
		{"498476ce-e0fe-48b0-b801-37ba7e2685c6", "Organization.Read.All", "Read organization information"},
		{"292d869f-3427-49a8-9dab-8c70152b74e9", "Organization.ReadWrite.All", "Read and write organization information"},
		{"b528084d-ad10-4598-8b93-929746b4d7d6", "People.Read.All", "Read all users' relevant people lists"},
		{"913b9306-0ce1-42b8-9137-6a7df690a760", "Place.Read.All", "Read all company places"},
		{"246dd0d5-5bd0-4def-940b-0421030a5b68", "Policy.Read.All", "Read your organization's policies"},
		{"29c18626-4985-4dcd-85c0-193eef327366", "Policy.ReadWrite.AuthenticationMethod", "Read and write all authentication method policies"},
		{"01c0a623-fc9b-48e9-b794-0756f8e8f067", "Policy.ReadWrite.ConditionalAccess", "Read and write your organization's conditional access policies"},
		{"230c1aed-a721-4c5d-9cb4-a90514e508ef", "Reports.Read.All", "Read all usage reports"},
		{"dd199f4a-f148-40a4-a2ec-f0069cc799ec", "RoleAssignmentSchedule.ReadWrite.Directory", "Read, update, and delete all policies for privileged role assignments of your company's directory"},
		{"483bed4a-2ad3-4361-a73b-c83ccdbdc53c", "RoleManagement.Read.Directory", "Read all directory RBAC settings"},
		{"9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8", "RoleManagement.ReadWrite.Directory", "Read and write all directory RBAC settings"},
		{"31e08e0a-d3f7-4ca2-ac39-7343fb83e8ad", "RoleManagementPolicy.ReadWrite.Directory", "Read, update, and delete all policies for privileged role assignments of your company's directory"},
		{"bf394140-e372-4bf9-a898-299cfc7564e5", "SecurityEvents.Read.All", "Read your organization’s security events"},
		{"89c8469c-83ad-45f7-8ff2-6e3d4285709e", "ServicePrincipalEndpoint.ReadWrite.All", "Read and update service principal endpoints"},
		{"a82116e5-55eb-4c41-a434-62fe8a61c773", "Sites.FullControl.All", "Have full control of all site collections"},
		{"0c0bf378-bf22-4481-8f81-9e89a9b4960a", "Sites.Manage.All", "Create, edit, and delete items and lists in all site collections"},
		{"332a536c-c7ef-4017-ab91-336970924f0d", "Sites.Read.All", "Read items in all site collections"},
		{"9492366f-7969-46a4-8d15-ed1a20078fff", "Sites.ReadWrite.All", "Read and write items in all site collections"},
		{"883ea226-0bf2-4a8f-9f9d-92c9162a727d", "Sites.Selected", "Access selected site collections"},
		{"44e666d1-d276-445b-a5fc-8815eeb81d55", "Tasks.ReadWrite.All", "Read and write all users’ tasks and tasklists"},
		{"2280dda6-0bfd-44ee-a2f4-cb867cfc4c1e", "Team.ReadBasic.All", "Get a list of all teams"},
		{"3011c876-62b7-4ada-afa2-506cbbecc68c", "User.EnableDisableAccount.All", "Enable and disable user accounts"},
		{"09850681-111b-4a89-9bed-3f2cae46d706", "User.Invite.All", "Invite guest users to the organization"},
		{"c529cfca-c91b-489c-af2b-d92990b66ce6", "User.ManageIdentities.All", "Manage all users' identities"},
		{"df021288-bdef-4463-88db-98f22de89214", "User.Read.All", "Read all users' full profiles"},
		{"97235f07-e226-4f63-ace3-39588e11d3a1", "User.ReadBasic.All", "Read all users' basic profiles"},
		{"741f803b-c850-494e-b5df-cde7c675a1ca", "User.ReadWrite.All", "Read and write all users' full profiles"},
		{"cc117bb9-00cf-4eb8-b580-ea2a878fe8f7", "User-PasswordProfile.ReadWrite.All", "Read and write all password profiles and reset user passwords"},
		{"38d9df27-64da-44fd-b7c5-a6fbac20248f", "UserAuthenticationMethod.Read.All", "Read all users' authentication methods"},
		{"50483e42-d915-4231-9639-7fdb7fd190e5", "UserAuthenticationMethod.ReadWrite.All", "Read and write all users' authentication methods"},
	}
}

// exchangeAppRoles returns the application permissions Office 365 Exchange Online
// publishes that the estate uses, with Microsoft's IDs (the EWS OAuth guide).
func exchangeAppRoles() []MSPermission {
	return []MSPermission{
		{"dc890d15-9560-4a4c-9b7f-a736ec74ec40", "full_access_as_app", "Use Exchange Web Services with full access to all mailboxes"},
		{"dc50a0fb-09a3-484d-be87-e023b12c6440", "Exchange.ManageAsApp", "Manage Exchange As Application"},
	}
}

// exchangeScopes returns the delegated permissions of Office 365 Exchange Online the
// estate uses.
func exchangeScopes() []MSPermission {
	return []MSPermission{
		{"3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5", "EWS.AccessAsUser.All", "Access mailboxes as the signed-in user via Exchange Web Services"},
	}
}

// IsCriticalMicrosoftPermission reports whether a Microsoft Graph or Exchange Online
// permission value is critical by the generator's own ground-truth list: the permissions
// that let an app escalate or take over the tenant (assign roles, grant permissions, add
// credentials to apps, change users, groups, policies, domains and identity providers),
// full control of SharePoint, Intune scripts, and Exchange's full_access_as_app. It
// follows the critical tier of shared/reference/saas-apis.md section 9.2 and is, like
// IsCriticalScope, independent of any risk engine on purpose.
func IsCriticalMicrosoftPermission(value string) bool {
	switch value {
	case "RoleManagement.ReadWrite.Directory", "AppRoleAssignment.ReadWrite.All",
		"DelegatedPermissionGrant.ReadWrite.All", "Application.ReadWrite.All",
		"Directory.ReadWrite.All", "Directory.AccessAsUser.All", "Group.ReadWrite.All",
		"GroupMember.ReadWrite.All", "ServicePrincipalEndpoint.ReadWrite.All",
		"UserAuthenticationMethod.ReadWrite.All", "User-PasswordProfile.ReadWrite.All",
		"User.ReadWrite.All", "User.ManageIdentities.All",
		"RoleAssignmentSchedule.ReadWrite.Directory", "RoleManagementPolicy.ReadWrite.Directory",
		"Policy.ReadWrite.ConditionalAccess", "Policy.ReadWrite.AuthenticationMethod",
		"Organization.ReadWrite.All", "Domain.ReadWrite.All", "IdentityProvider.ReadWrite.All",
		"DeviceManagementConfiguration.ReadWrite.All", "Sites.FullControl.All",
		"full_access_as_app":
		return true
	}
	return false
}
