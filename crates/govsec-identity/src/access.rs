//! Roles, the caller of a request, the part of the agency tree it works in, and what it may do.
//!
//! The rule is decided here once, as data: [`Role::permits`] is a table of role × action, and
//! [`AccessScope`] says which agencies the action may touch. The store takes the caller's scope
//! in every query ([`Caller::registry_scope`]), so a handler cannot forget it; the web layer asks
//! [`Caller::can`] before it offers or performs an action. Both deny by default (OWASP ASVS 5.0
//! V8.2 "general authorization design", OWASP Authorization Cheat Sheet "deny by default" and
//! "least privilege").

use std::fmt;

use govsec_core::{AgencyCode, Scope};

use crate::{Error, LoginName};

/// The role of a user. Every user has exactly one role and belongs to one agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The national authority's administrator: everything, everywhere.
    AuthorityAdmin,
    /// The national authority's analyst: reads everything and acts on national settings.
    AuthorityAnalyst,
    /// A supervising agency: its own agency and its whole subtree, to read, review and audit.
    Supervisor,
    /// An agency's security officer: its own agency only.
    AgencyOfficer,
    /// An auditor: reads only the audit campaigns it is assigned to.
    Auditor,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [
        Role::AuthorityAdmin,
        Role::AuthorityAnalyst,
        Role::Supervisor,
        Role::AgencyOfficer,
        Role::Auditor,
    ];

    /// The stable machine key, as stored and as used in the JSON API.
    pub fn key(self) -> &'static str {
        match self {
            Role::AuthorityAdmin => "authority_admin",
            Role::AuthorityAnalyst => "authority_analyst",
            Role::Supervisor => "supervisor",
            Role::AgencyOfficer => "agency_officer",
            Role::Auditor => "auditor",
        }
    }

    /// Reads a machine key, ignoring case and surrounding whitespace.
    pub fn parse(text: &str) -> Result<Role, Error> {
        let wanted = text.trim();
        Role::ALL
            .into_iter()
            .find(|role| role.key().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| Error::UnknownRole(text.to_owned()))
    }

    /// Whether the role may perform `action` at all; [`Caller::can`] adds where.
    ///
    /// This is the whole permission table of the platform.
    pub fn permits(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::AuthorityAdmin => true,
            Role::AuthorityAnalyst => matches!(
                action,
                ReadRegistry
                    | ReadVulnerabilities
                    | ReadIncidents
                    | ReadAuditCampaign
                    | ReadAuditLog
                    | ManageNationalSettings
            ),
            Role::Supervisor => matches!(
                action,
                ReadRegistry
                    | ReadVulnerabilities
                    | ReadIncidents
                    | ReviewIncident
                    | RunAuditCampaign
                    | ReadAuditCampaign
                    | ReadAuditLog
            ),
            Role::AgencyOfficer => matches!(
                action,
                ReadRegistry
                    | ChangeRegistry
                    | ReadVulnerabilities
                    | UploadInventory
                    | PlanRemediation
                    | ReadIncidents
                    | ReportIncident
                    | AnswerSelfAssessment
                    | ReadAuditCampaign
            ),
            Role::Auditor => matches!(action, ReadAuditCampaign),
        }
    }

    /// The part of the agency tree a user of this role at `agency` works in.
    pub fn scope_at(self, agency: &AgencyCode) -> AccessScope {
        match self {
            Role::AuthorityAdmin | Role::AuthorityAnalyst => AccessScope::National,
            Role::Supervisor => AccessScope::Subtree(agency.clone()),
            Role::AgencyOfficer => AccessScope::Agency(agency.clone()),
            Role::Auditor => AccessScope::AssignedCampaigns,
        }
    }

    /// Whether a user of this role may hand `other` to an API token of their own (at their own
    /// agency): only when every action `other` permits, this role permits too, and `other`'s
    /// scope lies within this role's. An API token never carries more than its owner has.
    pub fn may_delegate(self, other: Role) -> bool {
        let actions_within = Action::ALL
            .into_iter()
            .all(|action| !other.permits(action) || self.permits(action));
        let breadth = |role: Role| match role {
            Role::AuthorityAdmin | Role::AuthorityAnalyst => 3,
            Role::Supervisor => 2,
            Role::AgencyOfficer => 1,
            Role::Auditor => 0,
        };
        // Assigned campaigns are not a part of the agency tree, so only the national scope,
        // which holds every campaign, contains them.
        let scope_within = match (self, other) {
            (_, Role::Auditor) => breadth(self) == 3 || self == Role::Auditor,
            _ => breadth(other) <= breadth(self),
        };
        actions_within && scope_within
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Something a caller may want to do. The web layer names each page and form by one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read agencies, their contacts, websites and systems.
    ReadRegistry,
    /// Change an agency's registry entry.
    ChangeRegistry,
    /// Read inventories and matched vulnerabilities (the attack map).
    ReadVulnerabilities,
    /// Upload a software inventory.
    UploadInventory,
    /// File or update a remediation plan.
    PlanRemediation,
    /// Read incident reports.
    ReadIncidents,
    /// Report an incident.
    ReportIncident,
    /// Review a subordinate's incident report as its supervising agency.
    ReviewIncident,
    /// Answer a self-assessment form.
    AnswerSelfAssessment,
    /// Create and run an audit campaign.
    RunAuditCampaign,
    /// Read an audit campaign and its answers.
    ReadAuditCampaign,
    /// Read the platform's audit log.
    ReadAuditLog,
    /// Create users, change their roles, reset their second factors.
    ManageUsers,
    /// Change national settings: vulnerability feeds, frameworks, deadlines, campaigns' templates.
    ManageNationalSettings,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 14] = [
        Action::ReadRegistry,
        Action::ChangeRegistry,
        Action::ReadVulnerabilities,
        Action::UploadInventory,
        Action::PlanRemediation,
        Action::ReadIncidents,
        Action::ReportIncident,
        Action::ReviewIncident,
        Action::AnswerSelfAssessment,
        Action::RunAuditCampaign,
        Action::ReadAuditCampaign,
        Action::ReadAuditLog,
        Action::ManageUsers,
        Action::ManageNationalSettings,
    ];

    /// The stable machine key.
    pub fn key(self) -> &'static str {
        match self {
            Action::ReadRegistry => "read_registry",
            Action::ChangeRegistry => "change_registry",
            Action::ReadVulnerabilities => "read_vulnerabilities",
            Action::UploadInventory => "upload_inventory",
            Action::PlanRemediation => "plan_remediation",
            Action::ReadIncidents => "read_incidents",
            Action::ReportIncident => "report_incident",
            Action::ReviewIncident => "review_incident",
            Action::AnswerSelfAssessment => "answer_self_assessment",
            Action::RunAuditCampaign => "run_audit_campaign",
            Action::ReadAuditCampaign => "read_audit_campaign",
            Action::ReadAuditLog => "read_audit_log",
            Action::ManageUsers => "manage_users",
            Action::ManageNationalSettings => "manage_national_settings",
        }
    }
}

/// What an action touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// Something that belongs to no agency: national settings, the whole user list.
    National,
    /// Something that belongs to one agency, given by its ancestry path `/ROOT/…/CODE/` as
    /// [`govsec_core::tree::ancestry_path`] builds it.
    Agency(&'a str),
    /// An audit campaign: the path of the agency that runs it, and whether the caller has been
    /// assigned to it (the store knows the assignments).
    Campaign {
        /// The ancestry path of the agency that runs the campaign.
        agency_path: &'a str,
        /// Whether the caller is assigned to this campaign.
        assigned: bool,
    },
}

/// The part of the platform a caller works in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AccessScope {
    /// Every agency.
    National,
    /// One agency and every agency below it.
    Subtree(AgencyCode),
    /// One agency alone.
    Agency(AgencyCode),
    /// No agency's data; only the audit campaigns the caller is assigned to.
    AssignedCampaigns,
}

impl AccessScope {
    /// Whether an agency, given by its ancestry path, lies in this scope.
    pub fn covers_agency(&self, path: &str) -> bool {
        match self {
            AccessScope::National => true,
            AccessScope::Subtree(code) => path.contains(&format!("/{code}/")),
            AccessScope::Agency(code) => path.ends_with(&format!("/{code}/")),
            AccessScope::AssignedCampaigns => false,
        }
    }

    /// Whether the target lies in this scope.
    pub fn covers(&self, target: Target<'_>) -> bool {
        match (self, target) {
            (AccessScope::National, _) => true,
            (_, Target::National) => false,
            (AccessScope::AssignedCampaigns, Target::Campaign { assigned, .. }) => assigned,
            (scope, Target::Agency(path)) => scope.covers_agency(path),
            (scope, Target::Campaign { agency_path, .. }) => scope.covers_agency(agency_path),
        }
    }

    /// The store's [`Scope`] for agency data, when there is one. An auditor's
    /// [`AccessScope::AssignedCampaigns`] has none: campaign queries join the assignments instead.
    pub fn registry_scope(&self) -> Option<Scope> {
        match self {
            AccessScope::National => Some(Scope::National),
            AccessScope::Subtree(code) => Some(Scope::Subtree(code.clone())),
            AccessScope::Agency(code) => Some(Scope::Agency(code.clone())),
            AccessScope::AssignedCampaigns => None,
        }
    }
}

/// Who makes a request: a signed-in user or an API token acting for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The user's login name.
    pub login: LoginName,
    /// The agency the user belongs to.
    pub agency: AgencyCode,
    /// The user's role.
    pub role: Role,
}

impl Caller {
    /// The part of the platform the caller works in.
    pub fn access_scope(&self) -> AccessScope {
        self.role.scope_at(&self.agency)
    }

    /// The scope to pass to every registry query; `None` means the caller sees no agency data.
    pub fn registry_scope(&self) -> Option<Scope> {
        self.access_scope().registry_scope()
    }

    /// Whether the caller may perform `action` on `target`.
    pub fn can(&self, action: Action, target: Target<'_>) -> bool {
        self.role.permits(action) && self.access_scope().covers(target)
    }

    /// Whether the caller may read the registry entry of the agency at `agency_path`.
    pub fn can_read_registry(&self, agency_path: &str) -> bool {
        self.can(Action::ReadRegistry, Target::Agency(agency_path))
    }

    /// Whether the caller may change the registry entry of the agency at `agency_path`.
    pub fn can_change_registry(&self, agency_path: &str) -> bool {
        self.can(Action::ChangeRegistry, Target::Agency(agency_path))
    }

    /// Whether the caller may read audit-log entries about the agency at `agency_path`.
    pub fn can_read_audit_log(&self, agency_path: &str) -> bool {
        self.can(Action::ReadAuditLog, Target::Agency(agency_path))
    }

    /// Whether the caller may review an incident reported by the agency at `agency_path`.
    pub fn can_review_incident(&self, agency_path: &str) -> bool {
        self.can(Action::ReviewIncident, Target::Agency(agency_path))
    }

    /// Whether the caller may read an audit campaign.
    pub fn can_read_campaign(&self, agency_path: &str, assigned: bool) -> bool {
        self.can(
            Action::ReadAuditCampaign,
            Target::Campaign {
                agency_path,
                assigned,
            },
        )
    }

    /// Whether the caller may manage users of the agency at `agency_path`.
    pub fn can_manage_users(&self, agency_path: &str) -> bool {
        self.can(Action::ManageUsers, Target::Agency(agency_path))
    }

    /// Whether the caller may change national settings.
    pub fn can_manage_national_settings(&self) -> bool {
        self.can(Action::ManageNationalSettings, Target::National)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "ROOT000000";
    const MID: &str = "MID0000000";
    const LEAF: &str = "LEAF000000";
    const OTHER: &str = "OTHER00000";

    const ROOT_PATH: &str = "/ROOT000000/";
    const MID_PATH: &str = "/ROOT000000/MID0000000/";
    const LEAF_PATH: &str = "/ROOT000000/MID0000000/LEAF000000/";
    const OTHER_PATH: &str = "/ROOT000000/OTHER00000/";

    fn caller(role: Role, agency: &str) -> Caller {
        Caller {
            login: LoginName::parse("someone").unwrap(),
            agency: AgencyCode::parse(agency).unwrap(),
            role,
        }
    }

    #[test]
    fn roles_parse_from_their_keys() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.key()).unwrap(), role);
            assert_eq!(Role::parse(&role.key().to_uppercase()).unwrap(), role);
        }
        assert_eq!(
            Role::parse("root"),
            Err(Error::UnknownRole("root".to_owned()))
        );
    }

    /// The permission table, written out: one row per action, one letter per role in the order
    /// of [`Role::ALL`] (admin, analyst, supervisor, officer, auditor).
    const TABLE: [(Action, &str); 14] = [
        (Action::ReadRegistry, "YYYYN"),
        (Action::ChangeRegistry, "YNNYN"),
        (Action::ReadVulnerabilities, "YYYYN"),
        (Action::UploadInventory, "YNNYN"),
        (Action::PlanRemediation, "YNNYN"),
        (Action::ReadIncidents, "YYYYN"),
        (Action::ReportIncident, "YNNYN"),
        (Action::ReviewIncident, "YNYNN"),
        (Action::AnswerSelfAssessment, "YNNYN"),
        (Action::RunAuditCampaign, "YNYNN"),
        (Action::ReadAuditCampaign, "YYYYY"),
        (Action::ReadAuditLog, "YYYNN"),
        (Action::ManageUsers, "YNNNN"),
        (Action::ManageNationalSettings, "YYNNN"),
    ];

    #[test]
    fn the_permission_table_is_exactly_as_written() {
        assert_eq!(TABLE.len(), Action::ALL.len());
        for (action, row) in TABLE {
            for (role, expected) in Role::ALL.into_iter().zip(row.chars()) {
                assert_eq!(
                    role.permits(action),
                    expected == 'Y',
                    "{role} {}",
                    action.key()
                );
            }
        }
        let keys: std::collections::HashSet<_> = Action::ALL.iter().map(|a| a.key()).collect();
        assert_eq!(keys.len(), Action::ALL.len());
    }

    /// Which targets each role at MID covers: national, root, mid, leaf, other, a campaign run by
    /// the other agency with the caller assigned, the same campaign without.
    #[test]
    fn scopes_cover_exactly_their_part_of_the_tree() {
        let targets = [
            Target::National,
            Target::Agency(ROOT_PATH),
            Target::Agency(MID_PATH),
            Target::Agency(LEAF_PATH),
            Target::Agency(OTHER_PATH),
            Target::Campaign {
                agency_path: OTHER_PATH,
                assigned: true,
            },
            Target::Campaign {
                agency_path: OTHER_PATH,
                assigned: false,
            },
        ];
        let expected = [
            (Role::AuthorityAdmin, "YYYYYYY"),
            (Role::AuthorityAnalyst, "YYYYYYY"),
            (Role::Supervisor, "NNYYNNN"),
            (Role::AgencyOfficer, "NNYNNNN"),
            (Role::Auditor, "NNNNNYN"),
        ];
        for (role, row) in expected {
            let scope = role.scope_at(&AgencyCode::parse(MID).unwrap());
            for (target, cell) in targets.iter().zip(row.chars()) {
                assert_eq!(scope.covers(*target), cell == 'Y', "{role} {target:?}");
            }
        }
    }

    #[test]
    fn every_role_action_and_target_combines_table_and_scope() {
        let targets = [
            Target::National,
            Target::Agency(ROOT_PATH),
            Target::Agency(MID_PATH),
            Target::Agency(LEAF_PATH),
            Target::Agency(OTHER_PATH),
            Target::Campaign {
                agency_path: LEAF_PATH,
                assigned: false,
            },
            Target::Campaign {
                agency_path: ROOT_PATH,
                assigned: true,
            },
        ];
        for role in Role::ALL {
            let who = caller(role, MID);
            for action in Action::ALL {
                for target in targets {
                    assert_eq!(
                        who.can(action, target),
                        role.permits(action) && who.access_scope().covers(target),
                    );
                }
            }
        }
    }

    #[test]
    fn the_named_checks_follow_the_table() {
        let officer = caller(Role::AgencyOfficer, LEAF);
        assert!(officer.can_change_registry(LEAF_PATH));
        assert!(!officer.can_change_registry(MID_PATH));
        assert!(officer.can_read_registry(LEAF_PATH));
        assert!(!officer.can_read_audit_log(LEAF_PATH));

        let supervisor = caller(Role::Supervisor, MID);
        assert!(supervisor.can_read_registry(LEAF_PATH));
        assert!(!supervisor.can_read_registry(OTHER_PATH));
        assert!(!supervisor.can_change_registry(LEAF_PATH));
        assert!(supervisor.can_review_incident(LEAF_PATH));
        assert!(supervisor.can_read_audit_log(MID_PATH));
        assert!(!supervisor.can_manage_national_settings());

        let analyst = caller(Role::AuthorityAnalyst, ROOT);
        assert!(analyst.can_read_registry(OTHER_PATH));
        assert!(!analyst.can_change_registry(OTHER_PATH));
        assert!(analyst.can_manage_national_settings());
        assert!(!analyst.can_manage_users(OTHER_PATH));

        let auditor = caller(Role::Auditor, OTHER);
        assert!(auditor.can_read_campaign(LEAF_PATH, true));
        assert!(!auditor.can_read_campaign(OTHER_PATH, false));
        assert!(!auditor.can_read_registry(OTHER_PATH));

        let admin = caller(Role::AuthorityAdmin, ROOT);
        assert!(admin.can_manage_users(LEAF_PATH));
    }

    #[test]
    fn a_code_matches_whole_path_segments_only() {
        let scope = AccessScope::Subtree(AgencyCode::parse("MID0000000").unwrap());
        assert!(!scope.covers_agency("/ROOT000000/XMID0000000/"));
        assert!(!scope.covers_agency("/ROOT000000/MID00000001/"));
        let own = AccessScope::Agency(AgencyCode::parse("LEAF000000").unwrap());
        assert!(!own.covers_agency("LEAF000000/"));
        assert!(own.covers_agency("/LEAF000000/"));
    }

    #[test]
    fn registry_scopes_map_onto_the_core_scope() {
        let mid = AgencyCode::parse(MID).unwrap();
        assert_eq!(
            caller(Role::AuthorityAdmin, MID).registry_scope(),
            Some(Scope::National)
        );
        assert_eq!(
            caller(Role::AuthorityAnalyst, MID).registry_scope(),
            Some(Scope::National)
        );
        assert_eq!(
            caller(Role::Supervisor, MID).registry_scope(),
            Some(Scope::Subtree(mid.clone()))
        );
        assert_eq!(
            caller(Role::AgencyOfficer, MID).registry_scope(),
            Some(Scope::Agency(AgencyCode::parse(MID).unwrap()))
        );
        assert_eq!(
            caller(Role::AgencyOfficer, MID).access_scope(),
            AccessScope::Agency(mid)
        );
        assert_eq!(caller(Role::Auditor, MID).registry_scope(), None);
    }

    /// Rows: owner role; letters: may it delegate admin, analyst, supervisor, officer, auditor.
    #[test]
    fn tokens_never_carry_more_than_their_owner() {
        let expected = [
            (Role::AuthorityAdmin, "YYYYY"),
            (Role::AuthorityAnalyst, "NYNNY"),
            (Role::Supervisor, "NNYNN"),
            (Role::AgencyOfficer, "NNNYN"),
            (Role::Auditor, "NNNNY"),
        ];
        for (owner, row) in expected {
            for (requested, cell) in Role::ALL.into_iter().zip(row.chars()) {
                assert_eq!(
                    owner.may_delegate(requested),
                    cell == 'Y',
                    "{owner} -> {requested}"
                );
            }
        }
    }
}
