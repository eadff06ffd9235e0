//! The message catalogue of govsec: every string a user reads, in Traditional Chinese (the
//! default) and English.
//!
//! Messages are a closed enum, so a page cannot ask for a message that has no translation and
//! the compiler lists every use of a message. Parameters are positional (`{0}`, `{1}`, …) and
//! filled by [`Text::fill`]; callers escape them for their medium (HTML, CSV) themselves.

use std::fmt;

/// A language of the user interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Traditional Chinese as used in Taiwan, the default.
    #[default]
    ZhTw,
    /// English.
    En,
}

impl Lang {
    /// Every language, default first.
    pub const ALL: [Lang; 2] = [Lang::ZhTw, Lang::En];

    /// The BCP 47 tag, as used in `<html lang>` and in the `lang` cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhTw => "zh-TW",
            Lang::En => "en",
        }
    }

    /// Reads a language tag leniently (`zh-TW`, `zh_tw`, `zh`, `en`, `en-US`, …).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        let primary = tag.split('-').next().unwrap_or_default();
        match primary {
            "zh" => Some(Lang::ZhTw),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

macro_rules! catalogue {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// One user-facing message; [`Text::get`] gives it in a language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Text { $($key),* }

        impl Text {
            /// Every message, for completeness checks.
            pub const ALL: &'static [Text] = &[$(Text::$key),*];

            /// The message in `lang`, with its `{n}` placeholders unfilled.
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Text::$key, Lang::ZhTw) => $zh, (Text::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

impl Text {
    /// The message in `lang` with `{0}`, `{1}`, … replaced by `args`.
    pub fn fill(self, lang: Lang, args: &[&dyn fmt::Display]) -> String {
        let template = self.get(lang);
        let mut out = String::with_capacity(template.len() + 16 * args.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}').and_then(|close| {
                after[..close]
                    .parse::<usize>()
                    .ok()
                    .map(|index| (index, close))
            }) {
                Some((index, close)) => {
                    if let Some(arg) = args.get(index) {
                        out.push_str(&arg.to_string());
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

catalogue! {
    // Product and navigation.
    ProductName => "govsec 政府資安治理平台", "govsec government security governance";
    ProductTagline => "網站安全、弱點通報、資安事件與法遵，一處完成。", "Web posture, vulnerability alerts, incidents and compliance in one place.";
    NavHome => "總覽", "Overview";
    NavAgencies => "機關", "Agencies";
    NavWebPosture => "網站安全", "Web posture";
    NavVans => "弱點通報 (VANS)", "Vulnerabilities (VANS)";
    NavIncidents => "資安事件", "Incidents";
    NavCompliance => "法遵", "Compliance";
    NavAuditLog => "稽核紀錄", "Audit log";
    SwitchLanguage => "English", "中文";
    SkipToContent => "跳至主要內容", "Skip to content";
    FooterScopeNational => "檢視範圍：全國", "Scope: national";
    FooterScopeSubtree => "檢視範圍：{0} 及所屬機關", "Scope: {0} and its subordinate agencies";

    // Overview page.
    HomeTitle => "總覽", "Overview";
    HomeRegistryHeading => "機關名冊", "Agency registry";
    HomeAgencies => "機關數", "Agencies";
    HomeWebsites => "登錄網站數", "Registered websites";
    HomeSystems => "資訊系統數", "Information systems";
    HomeCoreSystems => "核心系統數", "Core systems";
    HomeModulesHeading => "模組", "Modules";
    ModuleWebPostureSummary => "掃描所有登錄的政府網站是否符合 HTTPS 規定（憑證有效且與網域相符、http 強制轉址至 https、無混合內容、表單不以 http 送出），並依機關層級公布導入統計表。", "Scans every registered government website for HTTPS compliance (a valid certificate matching the domain, http forced to https, no mixed content, no http form actions) and publishes the adoption table per agency tier.";
    ModuleVansSummary => "機關每月上傳軟體資產清冊，正規化為 CPE 2.3，比對 NVD 弱點並依 CVSS、KEV、EPSS 排序，高風險弱點追蹤至修補完成。", "Agencies upload monthly software inventories, normalised to CPE 2.3, matched against NVD and ranked by CVSS, KEV and EPSS; every high-risk finding is tracked to remediation.";
    ModuleIncidentsSummary => "知悉後一小時內通報、影響等級 1 至 4、上級機關審核、應變時限、當事人通知與證據保管鏈。", "Reporting within one hour of awareness, impact levels 1 to 4, review by the supervising agency, response deadlines, notification of affected people and evidence with chain of custody.";
    ModuleComplianceSummary => "資通安全責任等級 A 至 E 的年度應辦事項、自評表與稽核作業。", "Responsibility levels A to E and their yearly duties, self-assessments and audit campaigns.";
    ModuleNotYetActive => "此模組尚未啟用：以下僅列出名冊中已有的實際資料。", "This module is not active yet: below are only the real figures the registry already holds.";

    // Agency registry.
    AgenciesTitle => "機關名冊", "Agency registry";
    AgenciesSearch => "搜尋機關名稱或代碼", "Search agency name or code";
    AgenciesSearchButton => "搜尋", "Search";
    AgenciesNoMatch => "沒有符合「{0}」的機關。", "No agency matches “{0}”.";
    AgenciesEmpty => "名冊中尚無機關。請以 govsec agency import 匯入。", "The registry holds no agency yet. Import one with govsec agency import.";
    AgenciesCount => "共 {0} 個機關", "{0} agencies";
    AgenciesMatchCount => "{0} 個機關符合「{1}」", "{0} agencies match “{1}”";
    AgencyNotFound => "找不到機關 {0}，或不在您的檢視範圍內。", "Agency {0} does not exist or is outside your scope.";
    AgencyCode => "機關代碼", "Agency code";
    AgencyNameZh => "機關名稱", "Name (Chinese)";
    AgencyNameEn => "英文名稱", "Name (English)";
    AgencyTier => "機關層級", "Tier";
    AgencyParent => "上級機關", "Supervising agency";
    AgencyNoParent => "（無，最上層機關）", "(none: a top-level agency)";
    AgencyLevel => "資通安全責任等級", "Security responsibility level";
    AgencyExchangeLayer => "公文交換層級", "Document-exchange layer";
    AgencyExchangeCentre => "交換中心類型", "Exchange centre type";
    AgencyContacts => "聯絡人", "Contacts";
    AgencyWebsites => "網站", "Websites";
    AgencySystems => "資訊系統", "Information systems";
    AgencySubordinates => "所屬機關", "Subordinate agencies";
    AgencySubtreeSize => "含所屬共 {0} 個機關", "{0} agencies including subordinates";
    AgencyNone => "無", "None";
    ContactName => "姓名", "Name";
    ContactTitle => "職稱", "Title";
    ContactEmail => "電子郵件", "E-mail";
    ContactPhone => "電話", "Phone";
    SystemName => "系統名稱", "System";
    SystemCore => "核心系統", "Core system";
    SystemVans => "納入 VANS", "Covered by VANS";
    SystemEdr => "納入 EDR", "Covered by EDR";
    Yes => "是", "Yes";
    No => "否", "No";

    // Tiers.
    TierSecondLevel => "二級機關", "Second-level agency";
    TierThirdLevel => "三級機關", "Third-level agency";
    TierFourthLevel => "四級機關", "Fourth-level agency";
    TierCityCounty => "縣市政府", "City or county government";
    TierTownship => "鄉鎮市區公所", "Township or district office";
    TierSchool => "學校", "School";
    TierHospital => "醫院", "Hospital";
    TierStateEnterprise => "國營事業", "State-owned enterprise";
    TierOther => "其他", "Other";

    // Document-exchange layers.
    LayerManagement => "管理層", "Management layer";
    LayerExchange => "交換層", "Exchange layer";
    LayerTerminal => "終端層", "Terminal layer";
    CentreShared => "共用", "Shared";
    CentreSelfManaged => "自管", "Self-managed";
    CentreSelfBuilt => "自建", "Self-built";

    // Module pages.
    WebPostureTitle => "網站安全", "Web posture";
    WebPostureRegistered => "各層級登錄網站", "Registered websites by tier";
    WebPostureHttpsShare => "網址為 https:// 的網站", "Websites registered with an https:// address";
    WebPostureScanPending => "HTTPS 導入統計表（已導入、強制導入、導入比率）將由網站掃描器產生；目前尚未掃描。", "The HTTPS adoption table (adopted, enforced, ratio) comes from the website scanner; no scan has run yet.";
    VansTitle => "弱點通報 (VANS)", "Vulnerability alerts (VANS)";
    VansCoverageHeading => "核心系統之 VANS 與 EDR 涵蓋率", "VANS and EDR coverage of core systems";
    VansCoreSystems => "核心系統", "Core systems";
    VansCovered => "已納入 VANS", "Covered by VANS";
    VansEdrCovered => "已納入 EDR", "Covered by EDR";
    VansNotCovered => "未納入比率", "Share not covered";
    VansUploadPending => "資產清冊上傳、弱點比對與修補追蹤尚未啟用。", "Inventory uploads, vulnerability matching and remediation tracking are not active yet.";
    IncidentsTitle => "資安事件", "Incidents";
    IncidentsPending => "事件通報、審核與時限追蹤尚未啟用；啟用後本頁列出進行中的事件及其時限。", "Incident reporting, review and deadline tracking are not active yet; once active this page lists incidents in progress with their clocks.";
    ComplianceTitle => "法遵", "Compliance";
    ComplianceLevelsHeading => "各資通安全責任等級機關數", "Agencies per responsibility level";
    ComplianceLayersHeading => "公文交換系統層級", "Document-exchange system layers";
    CompliancePending => "年度應辦事項、自評與稽核作業尚未啟用。", "Yearly duties, self-assessments and audit campaigns are not active yet.";
    ColumnTier => "層級", "Tier";
    ColumnCount => "數量", "Count";
    ColumnLevel => "等級", "Level";
    ColumnLayer => "層級", "Layer";
    ColumnShare => "比率", "Share";
    Total => "合計", "Total";

    // Errors shown as pages.
    ErrorNotFoundTitle => "找不到頁面", "Page not found";
    ErrorNotFound => "您要找的頁面不存在。", "The page you asked for does not exist.";
    ErrorInternalTitle => "系統錯誤", "Internal error";
    ErrorInternal => "系統發生錯誤，已記錄。請稍後再試。", "Something went wrong on our side and it has been logged. Please try again later.";
    BackToAgencies => "回到機關名冊", "Back to the agency registry";

    // Signing in.
    SignInTitle => "登入", "Sign in";
    SignInLogin => "登入帳號", "Login name";
    SignInPassword => "密碼", "Password";
    SignInButton => "登入", "Sign in";
    SignInFailed => "登入失敗：帳號、密碼或驗證碼不正確", "Sign-in failed: the login name, password or verification code is wrong";
    SignInWait => "嘗試次數過多，請於 {0} 秒後再試", "Too many attempts; try again in {0} seconds";
    SignInLockedOut => "嘗試次數過多，已暫停登入，請於 {0} 分鐘後再試", "Too many attempts; sign-in is paused, try again in {0} minutes";
    SignInRequired => "請先登入", "Please sign in first";
    SecondFactorTitle => "第二道驗證", "Second factor";
    SecondFactorPrompt => "請輸入驗證器 App 顯示的 6 位數驗證碼，或一組備援碼", "Enter the 6-digit code your authenticator app shows, or a recovery code";
    SecondFactorCode => "驗證碼或備援碼", "Code or recovery code";
    SecondFactorButton => "驗證", "Verify";
    TotpEnrolInstructions => "請以驗證器 App 掃描 QR code，再輸入其顯示的 6 位數驗證碼以完成設定", "Scan the QR code with an authenticator app, then enter the 6-digit code it shows to finish";
    TotpManualSecret => "無法掃描時請手動輸入金鑰：{0}", "If you cannot scan, enter this key by hand: {0}";
    SignOut => "登出", "Sign out";
    SignOutEverywhere => "登出所有裝置", "Sign out everywhere";
    SignOutConfirm => "確定要登出嗎？", "Sign out now?";
    SignedInAs => "{0}（{1}，{2}）", "{0} ({1}, {2})";
    FormExpired => "表單已過期，請重新整理頁面再試一次", "The form has expired; reload the page and try again";
    NoRegistryAccess => "您的角色無權檢視機關名冊", "Your role does not give access to the agency registry";
    DemoAccountsHeading => "示範帳號（僅示範模式顯示）", "Demo accounts (shown in demo mode only)";
    DemoAccountsNote => "這些帳號只存在於本次示範環境，密碼印在啟動示範的終端機上；驗證碼每 30 秒更新，重新整理即可取得最新者。", "These accounts exist only in this demo world, and their passwords are printed on the terminal that started the demo; codes change every 30 seconds, reload for the current one.";
    DemoCurrentCode => "目前驗證碼", "Current code";
    RoleAuthorityAdmin => "主管機關管理者", "Authority administrator";
    RoleAuthorityAnalyst => "主管機關分析人員", "Authority analyst";
    RoleSupervisor => "上級機關", "Supervising agency";
    RoleAgencyOfficer => "機關資安人員", "Agency security officer";
    RoleAuditor => "稽核人員", "Auditor";

    // Security keys (WebAuthn / FIDO2).
    SecurityKeysTitle => "安全金鑰", "Security keys";
    SecurityKeysIntro => "安全金鑰（FIDO2／WebAuthn，例如 USB 金鑰）可取代驗證器 App 的驗證碼，作為密碼之後的第二道驗證。金鑰只在本網站的網址上回應，因此無法被仿冒網站騙取。可登錄多把金鑰，並保留一把備用。", "A security key (FIDO2/WebAuthn, such as a USB key) can replace the authenticator app's code as the second factor after your password. A key answers only on this site's address, so a look-alike site cannot trick it. You can register several keys; keep a spare.";
    SecurityKeysNone => "尚未登錄安全金鑰。", "No security key is registered yet.";
    SecurityKeyColumnLabel => "名稱", "Name";
    SecurityKeyColumnAdded => "登錄日期", "Added";
    SecurityKeyColumnLastUsed => "最後使用", "Last used";
    SecurityKeyNeverUsed => "尚未使用", "Never";
    SecurityKeyRemoveButton => "移除", "Remove";
    SecurityKeyAddHeading => "登錄新的安全金鑰", "Register a new security key";
    SecurityKeyLabel => "金鑰名稱（例如「辦公室藍色金鑰」）", "Name of the key (for example \"blue office key\")";
    SecurityKeyAddButton => "下一步：碰觸金鑰", "Next: touch the key";
    SecurityKeyTouchTitle => "碰觸您的安全金鑰", "Touch your security key";
    SecurityKeyTouchPrompt => "插入安全金鑰後按下方按鈕，瀏覽器會請您碰觸金鑰（或輸入金鑰的 PIN）。", "Insert the security key and press the button below; the browser will ask you to touch the key (or enter its PIN).";
    SecurityKeyNeedsScript => "與金鑰溝通需要瀏覽器執行本網站的 JavaScript（/static/security-key.js）。若按下按鈕後沒有反應，請確認瀏覽器已啟用 JavaScript 並支援 WebAuthn；您也可以繼續使用驗證器 App 的驗證碼。", "Talking to the key needs the browser to run this site's JavaScript (/static/security-key.js). If nothing happens when you press the button, check that JavaScript is on and the browser supports WebAuthn; you can keep using your authenticator app's codes.";
    SecurityKeyRegisterButton => "使用安全金鑰登錄", "Register with the security key";
    SecurityKeyScriptFailed => "金鑰沒有回應，或請求已取消。請再按一次按鈕重試。", "The key did not answer, or the request was cancelled. Press the button to try again.";
    SecurityKeyAdded => "已登錄安全金鑰「{0}」。", "Security key \"{0}\" registered.";
    SecurityKeyRemoved => "已移除安全金鑰。", "Security key removed.";
    SecurityKeySignInHeading => "或使用安全金鑰", "Or use a security key";
    SecurityKeySignInPrompt => "插入已登錄的安全金鑰後按下方按鈕，並依瀏覽器指示碰觸金鑰。", "Insert a registered security key, press the button below and touch the key when the browser asks.";
    SecurityKeySignInButton => "使用安全金鑰驗證", "Verify with a security key";
    SecurityKeysLink => "安全金鑰", "Security keys";
    SecurityKeyMalformed => "沒有收到金鑰的回應（瀏覽器可能未執行 JavaScript），或回應格式不正確。", "No answer from the key arrived (the browser may not run JavaScript), or the answer is malformed.";
    SecurityKeyNoCeremony => "此金鑰請求已過期或已使用過，請重新開始。", "This security-key request has expired or was used already; start again.";
    SecurityKeyUnknown => "此安全金鑰未登錄於您的帳號。", "This security key is not registered to your account.";
    SecurityKeyRejected => "安全金鑰的回應未通過驗證。", "The security key's answer did not verify.";
    SecurityKeyPossibleClone => "安全金鑰的簽章計數沒有增加，金鑰可能遭複製；已拒絕並記錄。請通知資安人員。", "The security key's signature counter did not grow, so the key may have been cloned; refused and logged. Tell your security officer.";
    SecurityKeyAlreadyRegistered => "此安全金鑰已登錄過。", "This security key is registered already.";
    SecurityKeyLabelInvalid => "金鑰名稱需為 1 至 {0} 個字元。", "A key's name must be 1 to {0} characters.";
    SecurityKeyLastFactor => "這是您唯一的第二道驗證，不能移除；請先登錄另一把金鑰或設定驗證器 App。", "This is your only second factor and cannot be removed; register another key or an authenticator app first.";

    // Changing one's password.
    PasswordChangeTitle => "變更密碼", "Change password";
    PasswordCurrent => "目前密碼", "Current password";
    PasswordNew => "新密碼", "New password";
    PasswordRepeat => "再次輸入新密碼", "New password again";
    PasswordChangeButton => "變更密碼", "Change password";
    PasswordChanged => "密碼已變更；其他裝置上的登入已全部登出。", "Password changed; every other session was signed out.";
    PasswordCurrentWrong => "目前密碼不正確", "The current password is wrong";
    PasswordRepeatDiffers => "兩次輸入的新密碼不同", "The two new passwords differ";
    PasswordAdvice => "請用至少 12 個字元、好記的長句；勿以機關代碼、名稱、帳號或電子郵件加上數字組成。", "Use a long sentence of at least 12 characters you remember; do not build it from your agency's code or name, your login or e-mail plus digits.";
    PasswordTooShort => "密碼至少需 {0} 個字元；可用一句好記的長句", "a password needs at least {0} characters; a long sentence you remember works well";
    PasswordTooLong => "密碼最多 {0} 個字元", "a password has at most {0} characters";
    PasswordCommon => "此密碼或其組成的字詞是最常見、最先被猜測的密碼之一", "this password, or the word it is built on, is among the most common ones attackers try first";
    PasswordContainsAgencyCode => "密碼含有您的機關代碼", "the password contains your agency's code";
    PasswordContainsLogin => "密碼含有您的登入帳號", "the password contains your login name";
    PasswordContainsEmail => "密碼含有您的電子郵件地址", "the password contains your e-mail address";
    PasswordContainsAgencyName => "密碼含有您的機關名稱或簡稱", "the password contains your agency's name or abbreviation";
    PasswordContextPattern => "密碼是以機關代碼、名稱、帳號或電子郵件加上數字與符號組成，這正是過去資安事件被破解的規則", "the password is your agency's code or name, your login or e-mail followed by digits and symbols: the pattern behind a past breach";
    PasswordRepeated => "密碼只是重複同一個字元或一小段字元", "the password repeats one character or a short group";
    PasswordSequence => "密碼是連續的英文字母或數字", "the password is a run of consecutive letters or digits";

    // The audit log page.
    AuditLogTitle => "稽核紀錄", "Audit log";
    AuditLogIntro => "登入、資料異動與匯出皆記錄於此，各筆以雜湊串鏈防竄改；以 govsec audit verify 離線驗證。", "Sign-ins, changes and exports are recorded here, hash-chained against tampering; verify offline with govsec audit verify.";
    AuditLogNewest => "最新 {0} 筆", "newest {0} entries";
    AuditFilterActor => "執行者", "Actor";
    AuditFilterAction => "動作（開頭）", "Action (prefix)";
    AuditFilterAgency => "機關代碼", "Agency code";
    AuditFilterButton => "篩選", "Filter";
    AuditColumnSequence => "序號", "No.";
    AuditColumnTime => "時間（UTC）", "Time (UTC)";
    AuditColumnRole => "角色", "Role";
    AuditColumnObject => "對象", "Object";
    AuditColumnAddress => "來源位址", "Source address";
    NoPermission => "您的角色無權檢視此頁", "Your role does not give access to this page";

    // `govsec vulndb lookup` as text.
    VulndbPlatform => "平台條件：{0}", "platform: {0}";
    VulndbKev => "KEV 修補期限 {0}，勒索軟體利用 {1}", "KEV due {0} ransomware {1}";
    VulndbEpss => "EPSS {0}（百分位 {1}）", "EPSS {0} (percentile {1})";
    VulndbMatched => "符合條件 {0}", "matched {0}";
    VulndbPlatformCriterion => "平台條件 {0}：{1}", "platform {0}: {1}";
    VulndbNone => "沒有適用的 CVE", "no CVE applies";
    VulndbSkipped => "略過：{0}", "skipped: {0}";
    VulndbFile => "檔案 {0}", "file {0}";
    VulndbField => "欄位 {0}", "field {0}";
    VulndbInput => "輸入", "input";
    VulndbCannotRead => "{0}：無法讀取：{1}", "{0}: cannot read: {1}";
    VulndbMalformedJson => "{0}：JSON 格式錯誤（第 {1} 行第 {2} 欄）：{3}", "{0}: malformed JSON at line {1}, column {2}: {3}";
    VulndbUnsupportedFormat => "{0}：不支援的格式：為 {1}，應為 {2}", "{0}: unsupported format: found {1}, expected {2}";
    VulndbInvalidValue => "{0}：無效的值 {1}：{2}", "{0}: invalid value {1}: {2}";
    VulndbInvalidCvss => "{0}：無效的 CVSS 向量 {1}：{2}", "{0}: invalid CVSS vector {1}: {2}";
    VulndbInvalidCpe => "{0}：無效的 CPE 名稱 {1}：{2}", "{0}: invalid CPE name {1}: {2}";
    VulndbImportAborted => "匯入已中止，未寫入任何資料：{0}", "import aborted, nothing was written: {0}";
    VulndbImported => "CVE 紀錄：新增 {0}、更新 {1}、未變更 {2}、已撤銷（Rejected）{3}", "CVE records: {0} new, {1} updated, {2} unchanged, {3} rejected";
    VulndbImportedKev => "KEV：{0} 筆", "KEV: {0} entries";
    VulndbImportedEpss => "EPSS：{0} 筆（模型 {1}，日期 {2}）", "EPSS: {0} scores (model {1}, date {2})";
    VulndbSkippedFile => "整個檔案 {0}：{1}", "the whole file {0}: {1}";
    VulndbProgress => "已讀取 {0} 筆 CVE 紀錄", "read {0} CVE records";
    VulndbStatLine => "{0}：{1}", "{0}: {1}";
    VulndbStatCves => "CVE 數", "CVEs";
    VulndbStatRecords => "紀錄數", "records";
    VulndbStatBySource => "各來源紀錄數", "records by source";
    VulndbStatByStatus => "各狀態紀錄數", "records by status";
    VulndbStatMetrics => "各版本 CVSS 指標數", "CVSS metrics by version";
    VulndbStatProducts => "涉及的產品數", "products named";
    VulndbStatConfigurations => "適用性組態數", "configurations";
    VulndbStatCriteria => "相異比對條件數", "distinct criteria";
    VulndbStatScoresAgree => "CVSS 分數與計算相符", "CVSS scores that check out";
    VulndbStatScoresDisagree => "CVSS 分數與計算不符", "CVSS scores that do not check out";
    VulndbStatKevEntries => "KEV 筆數", "KEV entries";
    VulndbStatKevVersion => "KEV 目錄版本", "KEV catalogue version";
    VulndbStatInKev => "列於 KEV 的紀錄", "records in KEV";
    VulndbStatEpssScores => "EPSS 分數筆數", "EPSS scores";
    VulndbStatEpssModel => "EPSS 模型版本", "EPSS model version";
    VulndbStatEpssDate => "EPSS 分數日期", "EPSS score date";
    VulndbStatSkipped => "略過的項目", "skipped";
    VulndbEmpty => "資料庫中尚無弱點資料：請先執行 govsec vulndb import 或 govsec vulndb update", "the database holds no vulnerability data yet: run govsec vulndb import or govsec vulndb update first";
    VulndbDownloading => "下載 {0}", "downloading {0}";
    VulndbDownloadUnchanged => "{0} 與 .meta 相符，不需重新下載", "{0} matches its .meta: not downloaded again";
    VulndbResuming => "自第 {1} 位元組續傳 {0}", "resuming {0} from byte {1}";
    VulndbDownloadFailed => "{0}：下載失敗：{1}", "{0}: download failed: {1}";
    VulndbHttpStatus => "{0}：伺服器回應 HTTP {1}", "{0}: the server answered HTTP {1}";
    VulndbBadMeta => "{0}：.meta 檔格式錯誤：缺少 {1}", "{0}: malformed .meta file: no {1}";
    VulndbChecksumMismatch => "{0}：內容的 SHA-256 為 {1}，與 {2} 所載的 {3} 不符；未匯入任何資料", "{0}: the content's SHA-256 is {1}, not {3} as {2} states; nothing was imported";
    VulndbSizeMismatch => "{0}：內容為 {1} 位元組，與 {2} 所載的 {3} 不符；未匯入任何資料", "{0}: the content is {1} bytes, not {3} as {2} states; nothing was imported";
    VulndbBadUrl => "{0}：無效的網址", "{0}: not a valid URL";
    VulndbBadYears => "--years {0}：應為年份或年份範圍（如 2002-2026）", "--years {0}: expected a year or a range of years (such as 2002-2026)";
    VerdictNotRequired => "不需要", "not required";
    VerdictMet => "成立", "met";
    VerdictNotMet => "不成立", "not met";
    VerdictUnknown => "未知", "unknown";
    VerdictMatched => "符合", "matched";
    VerdictNotMatched => "不符合", "not matched";

    VulndbNetworkProblem => "{0}（{1}）", "{0} ({1})";
    VulndbNetworkRefused => "對方拒絕連線：該位址沒有服務在接聽", "the connection was refused: nothing listens at that address";
    VulndbNetworkReset => "連線中途被切斷", "the connection was cut";
    VulndbNetworkTimedOut => "連線逾時", "the connection timed out";
    VulndbNetworkTls => "TLS 交握失敗：伺服器憑證不受信任或不符", "the TLS handshake failed: the server's certificate is not trusted or does not match";
    VulndbNetworkName => "找不到伺服器名稱（DNS）", "the server's name was not found (DNS)";
    VulndbNetworkOther => "網路錯誤", "network error";
    VulndbNothingReceived => "{0} 秒內未收到任何資料", "nothing received for {0} s";
    VulndbAnswerTooLarge => "回應超過 {0} 位元組", "the answer is longer than {0} bytes";
    VulndbConnectionEnded => "連線在收到 {1} 位元組中的 {0} 位元組後中斷", "the connection ended after {0} of {1} bytes";
    VulndbTooManyRedirects => "轉址超過 {0} 次", "more than {0} redirects";
    VulndbFileFlagsNeedNvd => "--kev、--epss 與 --skip-invalid 只用於以 --nvd 指定的檔案；查詢資料庫時請先以 govsec vulndb import 匯入", "--kev, --epss and --skip-invalid apply to files given with --nvd; to use them with the database, import them with govsec vulndb import first";

    // User administration (the authority's).
    UsersTitle => "使用者管理", "Users";
    UsersIntro => "變更角色後，該使用者的所有工作階段立即結束，須以新角色重新登入；新角色不得委派的 API 權杖一併撤銷。", "A role change ends every session of the user, who signs in again under the new role; API tokens the new role may not delegate are revoked.";
    UsersColumnLogin => "帳號", "Login";
    UsersColumnAgency => "機關", "Agency";
    UsersColumnRole => "角色", "Role";
    UsersColumnSecondFactor => "第二因素", "Second factor";
    UsersChangeRole => "變更角色", "Change role";
    UsersRoleChanged => "已變更 {0} 的角色，其工作階段已全部結束。", "The role of {0} was changed and all of their sessions ended.";
    UsersUnknownRole => "未知的角色", "Unknown role";
    UsersNoSuchUser => "查無此使用者", "No such user";
    UsersTotpEnrolled => "已設定 TOTP", "TOTP enrolled";
    UsersSecurityKeys => "；安全金鑰 {0} 把", "; {0} security keys";
    UsersTotpPending => "尚未設定（首次登入時設定）", "Not yet (enrolled at first sign-in)";

    // The page where officers teach the inventory normaliser.
    MappingsTitle => "軟體名稱對應", "Software name mappings";
    MappingsIntro => "清冊中的軟體名稱若無法自動轉換為 CPE，可在此試算並選擇候選項目或輸入 CPE 名稱；對應會記在本機關，之後上傳的清冊自動套用。主管機關可將對應提升為全國適用。", "When an inventory's software name does not convert to a CPE name by itself, try it here and pick a candidate or type a CPE name: the mapping is kept for your agency and applied to its later inventories. The authority can make a mapping national.";
    MappingsTaughtNotice => "已記住「{0}」的對應", "The mapping of {0} is kept";
    MappingsPromotedNotice => "「{0}」的對應已提升為全國適用", "The mapping of {0} now applies nationally";
    MappingsTryHeading => "試算一個軟體名稱", "Try a software name";
    MappingsFieldName => "軟體名稱", "Software name";
    MappingsFieldPublisher => "發行者", "Publisher";
    MappingsFieldVersion => "版本", "Version";
    MappingsFieldCpe => "CPE 名稱", "CPE name";
    MappingsTry => "試算", "Try";
    MappingsUseCandidate => "採用此項", "Use this";
    MappingsTeach => "記住此對應", "Keep this mapping";
    MappingsListHeading => "已學習的對應", "Mappings taught";
    MappingsNone => "尚無對應", "No mappings yet";
    MappingsColumnName => "軟體名稱（發行者）", "Software name (publisher)";
    MappingsColumnProduct => "CPE 產品", "CPE product";
    MappingsColumnAgency => "機關", "Agency";
    MappingsColumnScope => "適用範圍", "Applies to";
    MappingsColumnTaughtBy => "設定者", "Taught by";
    MappingsScopeAgencyOnly => "該機關", "That agency";
    MappingsPromote => "提升為全國", "Make national";
    MappingsBadCpe => "CPE 名稱無效：需為指明 part、vendor、product 的 CPE 2.3 名稱，且不含萬用字元", "Not a valid CPE name: a CPE 2.3 name with its part, vendor and product, without wildcards";
    MappingsBadName => "軟體名稱不可空白或過長", "The software name must not be empty or too long";
    VansMappingsLink => "軟體名稱對應（教導清冊正規化）", "Software name mappings (teach the inventory normaliser)";

    // `govsec inventory normalize`: rows of an inventory as CPE 2.3 names.
    InventoryErrorIo => "{0}：無法讀取：{1}", "{0}: cannot be read: {1}";
    InventoryErrorInputTooLarge => "{0}：檔案超過 {1} 位元組", "{0}: larger than {1} bytes";
    InventoryErrorEmpty => "{0}：檔案是空的", "{0}: the file is empty";
    InventoryErrorUnknownFormat => "{0}：無法辨識的清冊格式（可讀取有標題列的 CSV/XLSX/XLS、CycloneDX JSON 或 XML、SPDX JSON、dpkg-query、rpm -qa 或 osquery JSON）", "{0}: not a recognised inventory (CSV/XLSX/XLS with a header row, CycloneDX JSON or XML, SPDX JSON, dpkg-query, rpm -qa or osquery JSON)";
    InventoryErrorEncryptedWorkbook => "{0}：活頁簿設有開啟密碼；請另存為無密碼的檔案（或 CSV）後再匯入", "{0}: the workbook is encrypted with a password; save it without one (or as CSV) to read it";
    InventoryErrorAliasFile => "{0}：別名檔格式錯誤：{1}", "{0}: not a valid alias file: {1}";
    InventoryErrorUndecodable => "{0}:{1}:{2}：文字不是有效的 {3}", "{0}:{1}:{2}: the text is not valid {3}";
    InventoryErrorMixedEncoding => "{0}:{1}:{2}：檔案混用編碼：此處之前是 UTF-8 文字，此處卻是其他編碼的位元組", "{0}:{1}:{2}: the file mixes encodings: UTF-8 text before this point, other bytes here";
    InventoryErrorCellTooLong => "{0}:{1}:{2}：儲存格超過 {3} 個字元", "{0}:{1}:{2}: the cell holds more than {3} characters";
    InventoryErrorNoNameColumn => "{0}:{1}：沒有軟體名稱欄（軟體名稱/Software/DisplayName/Name…）；標題列的欄位為：{2}", "{0}:{1}: no column names the software (軟體名稱/Software/DisplayName/Name…); the header row holds: {2}";
    InventoryErrorDuplicateColumn => "{0}:{1}:{2}：欄位「{3}」是第二個 {4} 欄（第一個在第 {5} 欄）", "{0}:{1}:{2}: column “{3}” is a second {4} column (the first is column {5})";
    InventoryErrorInvalidFlag => "{0}:{1}:{2}：「{3}」不是核心系統的是否註記；請填 是 或 否", "{0}:{1}:{2}: “{3}” is not a core-system flag; write 是 or 否 (yes or no)";
    InventoryErrorAtRow => "{0}:{1}：{2}", "{0}:{1}: {2}";
    InventoryErrorNotNameVersionRelease => "「{0}」不是 rpm -qa 印出的 名稱-版本-發行[.架構]", "“{0}” is not name-version-release[.arch] as rpm -qa prints";
    InventoryErrorFieldCount => "應有 {0} 或 {1} 個以 Tab 分隔的欄位，實有 {2} 個", "expected {0} or {1} tab-separated fields, found {2}";
    InventoryErrorEmptyPackageName => "套件名稱是空的", "the package name is empty";
    InventoryErrorArchiveTooLarge => "{0}：活頁簿解壓縮後超過 {1} 位元組；疑為壓縮炸彈，不予讀取", "{0}: the workbook decompresses to more than {1} bytes; refusing it as a possible zip bomb";
    InventoryErrorTooManyCells => "{0}:{1}:{2}：工作表超過 {3} 個儲存格", "{0}:{1}:{2}: the sheet has more than {3} cells";
    InventoryErrorSheetSpanTooLarge => "{0}:{1}:{2}：此儲存格使工作表範圍超過 {3} 個儲存格（.xls 工作表以第一格到最後一格的整個矩形讀取）", "{0}:{1}:{2}: this cell stretches the sheet to more than {3} cells (an .xls sheet is read as the whole rectangle from its first cell to its last)";
    InventoryErrorWorkbook => "{0}：無法讀取的活頁簿：{1}", "{0}: unreadable workbook: {1}";
    InventoryErrorXlsRecord => "{0}：Workbook 資料流第 {1} 位元組，紀錄 {2}：{3}", "{0}: byte {1} of the Workbook stream, record {2}: {3}";
    InventoryErrorWorkbookExpands => "{0}:{1}:{2}：工作表的儲存格展開後超過 {3} 位元組文字；疑為解壓縮炸彈，不予讀取", "{0}:{1}:{2}: the sheet's cells expand to more than {3} bytes of text; refusing it as a possible decompression bomb";
    InventoryErrorJson => "{0}:{1}:{2}：JSON 格式錯誤：{3}", "{0}:{1}:{2}: invalid JSON: {3}";
    InventoryErrorXml => "{0}:{1}:{2}：{3}：{4}", "{0}:{1}:{2}: {3}: {4}";
    InventoryErrorJsonShape => "{0}：{1}：{2}", "{0}: {1}: {2}";
    InventoryErrorComponentCycle => "{0}：{1}：元件「{2}」包含自己（bom-ref 經由 {3} 形成循環）", "{0}: {1}: component “{2}” contains itself (bom-ref cycle through {3})";
    InventoryErrorNestingTooDeep => "{0}：{1}：元件巢狀超過 {2} 層", "{0}: {1}: components nest deeper than {2} levels";
    InventoryErrorMapping => "{0}：{1}", "{0}: {1}";
    InventoryChangedWhileRead => "{0}：檔案在讀取期間被修改（兩次讀取的列數不同）；請在檔案不再變動時重新執行", "{0}: the file changed while it was read (the two passes read different numbers of rows); run the command again once it no longer changes";
    InventoryStatusConverted => "已轉換", "converted";
    InventoryStatusAmbiguous => "待確認", "ambiguous";
    InventoryStatusUnconverted => "未轉換", "unconverted";
    InventoryStatusInvalid => "無效", "invalid";
    InventorySummary => "{0}：共 {1} 列（{2}）", "{0}: {1} rows ({2})";
    InventoryUnknownColumn => "未辨識的欄位（第 {0} 欄「{1}」），其內容未讀取", "Unrecognised column {0} ({1}); its values were not read";
    InventoryNoDatabase => "找不到資料庫：僅以內建別名表正規化（匯入弱點資料後，產品字典會加入其中的所有產品）", "No database: normalising with the built-in alias table only (once vulnerability data is imported, every product it names joins the dictionary)";
    InventoryUnknownEncoding => "未知的編碼「{0}」（可用 auto、utf-8、utf-16、big5）", "Unknown encoding {0} (use auto, utf-8, utf-16 or big5)";
    InventoryUnknownFormat => "未知的清冊格式「{0}」（可用 {1}）", "Unknown inventory format {0} (use {1})";
    InventoryAliasesNotUtf8 => "檔案不是 UTF-8 文字", "the file is not UTF-8 text";
    InventoryMethodGivenCpe => "清冊提供的 CPE", "CPE given in the inventory";
    InventoryMethodLearned => "{0}學習的對應", "mapping taught {0}";
    InventoryScopeAgency => "本機關", "by this agency";
    InventoryScopeNational => "全國", "nationally";
    InventoryMethodPackageUrl => "套件 URL（{0}）的套件名稱 {1}", "package name {1} of the package URL ({0})";
    InventoryMethodPackage => "套件名稱 {0}", "package name {0}";
    InventoryMethodAlias => "別名表的名稱「{0}」{1}", "alias phrase \"{0}\"{1}";
    InventoryMethodFirmwareListed => "依 NVD 韌體命名慣例（型號 {0} 加 _firmware），產品字典有此名稱", "NVD's firmware naming (model {0} with _firmware), a name the product dictionary lists";
    InventoryMethodFirmwareBuilt => "依 NVD 韌體命名慣例（型號 {0} 加 _firmware）組成，產品字典沒有此名稱，請確認", "built by NVD's firmware naming (model {0} with _firmware); the product dictionary does not list it, so confirm it";
    InventoryMethodRanked => "與產品字典相似（共同字詞：{0}）{1}", "similar to the product dictionary (shared words: {0}){1}";
    InventoryPublisherAgrees => "，發行者相符", ", publisher agrees";
    InventoryRemarkMissingName => "缺少軟體名稱", "the software name is missing";
    InventoryRemarkInvalidCpe => "CPE 欄位「{0}」無效：{1}", "the CPE field {0} is not valid: {1}";
    InventoryRemarkInvalidPurl => "套件 URL「{0}」無效，改以名稱比對", "the package URL {0} is not valid; the name was used";
    InventoryRemarkVersionUnknown => "未說明版本，CPE 版本為任意值", "no version is stated; the CPE version is ANY";
    InventoryRemarkVersionNotUsable => "版本「{0}」無法寫入 CPE，已略去", "the version {0} cannot stand in a CPE name and was left out";
    InventoryRemarkVersionAmbiguous => "版本可對應多個版次，請選擇其一", "the version fits several releases; pick one";
    InventoryRemarkUpdateOfBuild => "組建 {0} 屬於 NVD 所稱的更新 {1}", "build {0} belongs to the update NVD writes as {1}";
    InventoryRemarkProductOfVersion => "NVD 將版本 {0} 列於產品 {1}", "NVD lists version {0} under the product {1}";
    InventoryRemarkPublisherDisagrees => "發行者指向另一廠商（{0}）", "the publisher names another vendor ({0})";
    InventoryRemarkUntranslated => "無法翻譯的中文字詞未參與比對：{0}", "Chinese words with no translation took no part in matching: {0}";
    InventoryRemarkNoCandidate => "產品字典中沒有相近的產品", "no product in the dictionary is close";
    InventoryReasonSeparator => "；", "; ";
    InventoryUnknownAgency => "查無機關代碼「{0}」", "No agency with the code {0}";
    InventoryTeachBadCpe => "「{0}」不是指明產品的 CPE 2.3 名稱（需有 part、vendor、product，不可含萬用字元）", "{0} is not a CPE 2.3 name of a product (part, vendor and product, no wildcards)";
    InventoryTaught => "已記住：「{0}」為 {1}（適用於機關 {2} 的清冊）", "Learned: {0} is {1} (for the inventories of agency {2})";
    InventoryPromoted => "已將「{0}」的對應提升為全國適用", "The mapping of {0} now applies nationally";
    InventoryNoSuchMapping => "機關 {1} 沒有「{0}」的對應", "Agency {1} has no mapping for {0}";
    InventoryDictionaryImported => "已匯入 CPE 字典：{0} 項產品（{1} 個檔案，略過 {2} 個無效名稱）", "CPE dictionary imported: {0} products ({1} files, {2} invalid names skipped)";
    InventoryProhibited => "列為限制使用軟體：{0}", "on the prohibited-software list: {0}";

    // `govsec scan`: the HTTPS compliance scanner's table.
    ScanColumnTarget => "目標", "Target";
    ScanColumnAdopted => "已導入 HTTPS", "HTTPS adopted";
    ScanColumnEnforced => "強制使用 HTTPS", "HTTPS enforced";
    ScanColumnFindings => "發現", "Findings";
    ScanYes => "是", "yes";
    ScanNo => "否", "no";
    ScanReasonAdopted => "導入判定：{0}", "adopted: {0}";
    ScanReasonEnforced => "強制判定：{0}", "enforced: {0}";
    ScanFix => "修正方式：{0}", "fix: {0}";
    ScanEvidence => "證據：{0}", "evidence: {0}";
    ScanNoFinding => "沒有發現問題", "no findings";
    ScanSummary => "共 {0} 個目標：{1} 個已導入 HTTPS、{2} 個強制使用 HTTPS，耗時 {3} 秒", "{0} target(s): {1} with HTTPS adopted, {2} with HTTPS enforced, in {3} s";
    ScanNoTargets => "沒有指定掃描目標：請給主機名稱或網址，或以 --targets-file 指定清單", "no target given: name hosts or URLs, or a list with --targets-file";
    ScanInvalidTarget => "無效的掃描目標 {0}：{1}", "invalid scan target {0}: {1}";
    ScanInvalidOverride => "{0} 的值 {1} 無效：{2}", "invalid {0} value {1}: {2}";
    ScanCaFile => "無法使用信任錨憑證檔 {0}：{1}", "cannot use the trust anchor file {0}: {1}";
    ScanTargetsFile => "{0}：第 {1} 行：{2}", "{0}: line {1}: {2}";
    ScanTargetsFileUnreadable => "無法讀取目標清單 {0}：{1}", "cannot read the target list {0}: {1}";
    ScanDeadline => "已達單一目標時限，結果不完整", "the target's deadline was reached; the result is partial";

    // The reasons of the two verdicts the national HTTPS table counts.
    HttpsVerdictUnreachable => "https://{0}/ 無法連線。", "https://{0}/ could not be reached.";
    HttpsVerdictAdopted => "https://{0}/ 可連線，憑證有效、受信任、與網域相符且非弱憑證。", "https://{0}/ answers with a certificate that is valid, trusted, matches the host and is not weak.";
    HttpsVerdictCertificateProblems => "https://{0}/ 的憑證有問題：{1}，瀏覽器不會顯示為安全。", "The certificate of https://{0}/ has problems ({1}); a browser would not show it as secure.";
    HttpsVerdictNoAnswer => "http://{0}/ 沒有回應，無法確認是否轉址至 https。", "http://{0}/ did not answer, so no redirect to https was seen.";
    HttpsVerdictLoop => "http://{0}/ 的轉址形成迴圈（回到 {1}）。", "The redirects from http://{0}/ loop (back to {1}).";
    HttpsVerdictTooManyHops => "http://{0}/ 的轉址超過 {1} 次仍未結束。", "The redirects from http://{0}/ did not end within {1} hops.";
    HttpsVerdictNoRedirect => "http://{0}/ 直接回應內容（狀態 {1}），未轉址至 https。", "http://{0}/ answers directly (status {1}) without redirecting to https.";
    HttpsVerdictEndsOnHttp => "http://{0}/ 的轉址終點 {1} 不是 https。", "The redirects from http://{0}/ end on {1}, which is not https.";
    HttpsVerdictOtherHost => "http://{0}/ 轉址至另一個網域 {1}（{2}）；轉址到其他網域不算本網域強制使用 HTTPS（pshtt 會計入，本系統不計入）。", "http://{0}/ redirects to another host, {1} ({2}); a redirect to another host does not enforce HTTPS for this host (pshtt counts it, we do not).";
    HttpsVerdictOtherPort => "http://{0}/ 轉址至非標準連接埠 {1}。", "http://{0}/ redirects to a non-default port ({1}).";
    HttpsVerdictDowngradeOnTheWay => "http://{0}/ 最終轉至 {1}，但途中曾由 https 轉回 http。", "http://{0}/ ends on {1}, but a hop on the way goes from https back to http.";
    HttpsVerdictRedirectsButNotAdopted => "http://{0}/ 轉址至 {1}，但本網域未通過 HTTPS 導入檢核。", "http://{0}/ redirects to {1}, but the host's HTTPS is not adopted.";
    HttpsVerdictEnforced => "http://{0}/ 經 {1} 次轉址到達同網域的 {2}，全程未回到 http。", "http://{0}/ redirects in {1} hop(s) to {2} on the same host, never back to http.";
    HttpsVerdictUnjudgeable => "轉址鏈無法判讀：{0}", "The redirect chain cannot be judged: {0}";

    // Scanner findings (DESIGN.md "Scanner finding codes"): what each means and how to fix it.
    FindingHttpsUnreachableExplanation => "以 https:// 連線本網站時無法完成 TLS 交握或取得回應，民眾只能以未加密的 http 瀏覽。", "The site could not be reached over https://: no TLS handshake or no response, so visitors can only use unencrypted http.";
    FindingHttpsUnreachableFix => "在網站伺服器或負載平衡器啟用 443 埠的 HTTPS 服務並安裝有效憑證，並確認防火牆允許連線。", "Enable HTTPS on port 443 on the web server or load balancer with a valid certificate, and make sure the firewall lets it through.";
    FindingCertExpiredExplanation => "網站憑證已超過有效期限，瀏覽器會顯示安全警告並阻擋連線。", "The site's certificate has expired; browsers show a security warning and block the page.";
    FindingCertExpiredFix => "立即向憑證機構（如 GCA）申請換發憑證並安裝，並設定到期前提醒或自動更新。", "Renew the certificate with the issuing CA (such as GCA) now, install it, and set up renewal reminders or automatic renewal.";
    FindingCertNotYetValidExplanation => "憑證的生效日期尚未到達，瀏覽器不會信任此憑證；也可能是伺服器時間錯誤。", "The certificate is not valid yet, so browsers reject it; the server clock may also be wrong.";
    FindingCertNotYetValidFix => "確認安裝的是正確的憑證，並校正伺服器時間（啟用 NTP 校時）。", "Check that the right certificate is installed and correct the server clock (enable NTP).";
    FindingCertHostnameMismatchExplanation => "憑證主體（主體別名）與網站網域不符，瀏覽器會警告此連線可能遭冒用。", "The certificate's subject (its alternative names) does not match the site's domain, so browsers warn that the connection may be impersonated.";
    FindingCertHostnameMismatchFix => "重新申請並安裝與網域相符的 SSL 憑證，憑證須涵蓋民眾實際使用的每個網域名稱（含 www 與不含 www）。", "Re-issue and install an SSL certificate that matches the domain, covering every name visitors use (with and without www).";
    FindingCertSelfSignedExplanation => "網站使用自行簽發的憑證，瀏覽器無法驗證網站身分。", "The site uses a self-signed certificate, so browsers cannot verify who runs it.";
    FindingCertSelfSignedFix => "改用受信任憑證機構（如 GCA 或其他公開信任的 CA）簽發的憑證。", "Replace it with a certificate from a publicly trusted CA (such as GCA).";
    FindingCertUntrustedRootExplanation => "憑證串鏈的根憑證不在瀏覽器或作業系統的信任清單中。", "The certificate chains to a root that browsers and operating systems do not trust.";
    FindingCertUntrustedRootFix => "改用由公開信任根憑證簽發的憑證，或確認根憑證已列入主要瀏覽器的信任清單。", "Use a certificate that chains to a publicly trusted root, or confirm the root is in the major browsers' trust stores.";
    FindingCertChainIncompleteExplanation => "伺服器未送出必要的中繼憑證，部分瀏覽器與程式無法建立到信任根的串鏈。", "The server does not send the intermediate certificates, so some browsers and clients cannot build a chain to a trusted root.";
    FindingCertChainIncompleteFix => "在伺服器設定中加入憑證機構提供的中繼憑證（完整憑證串鏈）。", "Configure the server to send the full chain, including the intermediates your CA provides.";
    FindingCertWeakSignatureExplanation => "憑證使用 SHA-1 或 MD5 等已不安全的簽章演算法，現行瀏覽器不接受。", "The certificate is signed with an obsolete algorithm such as SHA-1 or MD5, which current browsers reject.";
    FindingCertWeakSignatureFix => "重新申請使用 SHA-256 以上簽章演算法的憑證。", "Re-issue the certificate with a SHA-256 or stronger signature.";
    FindingCertWeakKeyExplanation => "憑證金鑰長度不足（RSA 少於 2048 位元），可能被破解。", "The certificate's key is too short (RSA under 2048 bits) and may be broken.";
    FindingCertWeakKeyFix => "產生 RSA 2048 位元以上或 ECDSA P-256 以上的新金鑰，並重新申請憑證。", "Generate a new RSA key of at least 2048 bits (or ECDSA P-256 or better) and re-issue the certificate.";
    FindingCertExpiringSoonExplanation => "憑證即將到期，到期後網站將無法安全連線。", "The certificate expires soon; after that the site can no longer be reached securely.";
    FindingCertExpiringSoonFix => "儘早申請換發憑證並安裝，避免服務中斷。", "Renew and install the certificate before it expires to avoid an outage.";
    FindingNoHttpsRedirectExplanation => "輸入 http:// 網址時未自動轉址至同一網域的 https://，網站未強制使用 HTTPS。", "Requests to http:// are not redirected to https:// on the same host, so HTTPS is not enforced.";
    FindingNoHttpsRedirectFix => "設定伺服器將所有 http:// 請求以 301 轉址至同一網域的 https:// 網址。", "Configure the server to answer every http:// request with a 301 redirect to the same host over https://.";
    FindingRedirectDowngradeExplanation => "轉址過程中由 https:// 轉回 http://，連線在該步驟失去加密保護。", "A redirect goes from https:// back to http://, losing encryption at that step.";
    FindingRedirectDowngradeFix => "修正轉址規則，使每一步轉址都指向 https:// 網址。", "Fix the redirect rules so that every hop points to an https:// URL.";
    FindingHstsMissingExplanation => "網站未送出 Strict-Transport-Security 標頭，瀏覽器下次仍可能先以 http 連線而遭攔截。", "The site sends no Strict-Transport-Security header, so browsers may still try http first next time and be intercepted.";
    FindingHstsMissingFix => "在 HTTPS 回應加入 Strict-Transport-Security: max-age=31536000; includeSubDomains。", "Add Strict-Transport-Security: max-age=31536000; includeSubDomains to HTTPS responses.";
    FindingHstsWeakExplanation => "Strict-Transport-Security 標頭格式錯誤，或 max-age 少於一年（31536000 秒）。", "The Strict-Transport-Security header is invalid or its max-age is under one year (31536000 seconds).";
    FindingHstsWeakFix => "將標頭修正為 max-age=31536000 以上，並視情況加上 includeSubDomains。", "Set a valid header with max-age of at least 31536000 and, where possible, includeSubDomains.";
    FindingMixedContentActiveExplanation => "HTTPS 網頁以 http 載入程式、框架、樣式表或外掛，攻擊者可竄改這些內容並控制整個網頁；瀏覽器通常會直接封鎖。", "The https page loads scripts, frames, stylesheets or plugins over http; an attacker can alter them and take over the page, and browsers usually block them.";
    FindingMixedContentActiveFix => "將這些資源全部改以 https 提供並修正網頁中的網址。", "Serve every one of these resources over https and update the URLs in the page.";
    FindingMixedContentPassiveExplanation => "HTTPS 網頁以 http 載入圖片、音訊或影片（混合內容），瀏覽器不會顯示安全鎖頭，內容也可能被竄改。", "The https page loads images, audio or video over http (mixed content); browsers do not show the secure lock and the content can be altered.";
    FindingMixedContentPassiveFix => "所有網頁資源皆改以 https 提供；可用瀏覽器開發人員工具（F12）的 Security 頁籤逐一檢視並修正。", "Serve every resource over https; the browser's developer tools (F12, Security tab) list each one to fix.";
    FindingInsecureFormActionExplanation => "網頁表單的 action 指向 http:// 網址，民眾輸入的資料會以未加密方式送出。", "A form's action points to an http:// URL, so what visitors type is sent unencrypted.";
    FindingInsecureFormActionFix => "檢視網頁原始碼，將表單 action 改為 https:// 網址。", "Change the form's action in the page source to an https:// URL.";
    FindingTlsLegacyProtocolExplanation => "伺服器仍接受 SSL 3.0、TLS 1.0 或 TLS 1.1 等已淘汰的協定版本。", "The server still accepts obsolete protocol versions such as SSL 3.0, TLS 1.0 or TLS 1.1.";
    FindingTlsLegacyProtocolFix => "停用 TLS 1.1 以下版本，只保留 TLS 1.2 與 TLS 1.3。", "Disable everything below TLS 1.2 and keep only TLS 1.2 and TLS 1.3.";
    FindingTlsWeakCipherExplanation => "伺服器接受 RC4、3DES、NULL 或匯出等級等弱加密套件。", "The server accepts weak cipher suites such as RC4, 3DES, NULL or export-grade ones.";
    FindingTlsWeakCipherFix => "移除弱加密套件，僅保留具前向保密的 AEAD 套件（如 ECDHE 搭配 AES-GCM 或 ChaCha20-Poly1305）。", "Remove weak suites and keep forward-secret AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305).";
    FindingHeaderMissingExplanation => "網站缺少建議的安全標頭，較容易遭受跨站腳本、點擊劫持或資訊外洩等攻擊。", "The site lacks recommended security headers, which leaves it more exposed to cross-site scripting, clickjacking and information leaks.";
    FindingHeaderMissingFix => "在伺服器設定加入所列缺少的標頭（如 Content-Security-Policy、X-Content-Type-Options: nosniff、X-Frame-Options 或 frame-ancestors、Referrer-Policy）。", "Add the listed headers in the server configuration (Content-Security-Policy, X-Content-Type-Options: nosniff, X-Frame-Options or frame-ancestors, Referrer-Policy).";

    // CPE names (NISTIR 7695/7696), for `govsec cpe`.
    CpeUnknownBinding => "不是 CPE 2.3 名稱：須以「cpe:2.3:」（格式化字串，NISTIR 7695 §6.2）或「cpe:/」（URI，§6.1）開頭", "not a CPE 2.3 name: it must start with “cpe:2.3:” (formatted string, NISTIR 7695 §6.2) or “cpe:/” (URI, §6.1)";
    CpeComponentCount => "{0} 繫結在前綴後有 {1} 個欄位，應為 {2} 個；值中的「:」須加引號", "the {0} binding has {1} components after its prefix where it needs {2}; a “:” inside a value must be quoted";
    CpeInvalidValue => "{0}（第 {1} 個欄位，字元位置 {2}）無效：{3}", "invalid {0} (component {1}) at character offset {2}: {3}";
    CpeInvalidValueString => "值字串於字元位置 {0} 無效：{1}", "invalid value string at character offset {0}: {1}";
    CpeAttributeConstraint => "「{0}」不是有效的 {1}：{2}", "“{0}” is not a valid {1}: {2}";
    CpeUndefinedRelation => "關係未定義：目標的 {0} 含有未加引號的萬用字元，NISTIR 7696 只定義來源端的萬用字元", "the relation is undefined: the target's {0} contains unquoted wildcards, and NISTIR 7696 defines wildcards in the source only";
    CpeNoNameRelation => "兩名稱重疊但互不包含：來源在 {0} 為超集、在 {1} 為子集，NISTIR 7696 對此未定義名稱關係", "the names overlap but neither contains the other: the source is a superset in {0} and a subset in {1}; NISTIR 7696 defines no name relation for that";
    CpeReasonEmpty => "值為空；至少需一個字元（ANY 請寫 *）", "the value is empty; write “*” for ANY";
    CpeReasonCharacter => "不允許「{0}」：值只能含 ASCII 英數字、_ 及加引號的標點", "“{0}” is not allowed: values hold ASCII letters, digits, “_” and quoted punctuation only";
    CpeReasonMustBeQuoted => "「{0}」須加引號寫成「\\{0}」", "“{0}” must be quoted as “\\{0}”";
    CpeReasonPercentEncode => "URI 繫結中「{0}」須以百分比編碼", "“{0}” must be percent-encoded in the URI binding";
    CpeReasonNeedlessQuote => "「\\{0}」引號多餘：只有標點需要加引號", "“\\{0}” quotes a character that is written unquoted";
    CpeReasonDanglingEscape => "值以單獨的「\\」結尾，沒有可加引號的字元", "the value ends in a lone “\\” with nothing to quote";
    CpeReasonEmbeddedWildcard => "未加引號的「{0}」是萬用字元，只能在值的開頭或結尾；要表示字元本身請寫「\\{0}」", "unquoted “{0}” is a wildcard and may stand only at the beginning or end of a value; quote it as “\\{0}” to mean the character";
    CpeReasonMixedWildcards => "值兩端的萬用字元須為單一「*」或一串「?」", "the wildcards at each end of a value must be a single “*” or a run of “?”";
    CpeReasonLoneHyphen => "值不可只是加引號的連字號「\\-」：繫結後會被讀成 NA", "a value may not be a lone quoted hyphen “\\-”: bound, it would read as NA";
    CpeReasonLoneAsterisk => "單獨的「*」是邏輯值 ANY，不是值字串；要表示字元請寫「\\*」", "a lone unquoted “*” is the logical value ANY; quote it as “\\*” to mean the character";
    CpeReasonPercentEncoding => "URI 繫結不允許此百分比編碼", "not a percent-encoding the URI binding allows";
    CpeReasonPackedEdition => "封裝版本（packed edition）須有五個以「~」分隔的欄位", "a packed edition needs five “~”-separated fields";
    CpeReasonPart => "part 須為 a（應用程式）、o（作業系統）、h（硬體）、ANY 或 NA", "part must be a (application), o (operating system), h (hardware), ANY or NA";
    CpeReasonLanguage => "language 須為 ANY、NA 或 RFC 5646 語言標籤（如 zh-tw）", "language must be ANY, NA or an RFC 5646 tag such as zh-tw";

    // Registry import problems: `{0}` etc. are the offending values.
    ProblemNotUtf8 => "不是 UTF-8 文字（可能是 Big5）；請另存為 UTF-8，或以 --encoding big5 匯入", "not UTF-8 text (perhaps Big5); save the file as UTF-8 or import it with --encoding big5";
    ProblemNotDecodable => "無法以 {0} 解碼", "cannot be decoded as {0}";
    ProblemUnreadableFile => "無法讀取檔案：{0}", "cannot read the file: {0}";
    ProblemEmptyFile => "檔案沒有標題列", "the file has no header row";
    ProblemUnknownColumn => "無法辨識的欄位「{0}」", "unknown column “{0}”";
    ProblemDuplicateColumn => "欄位「{0}」重複出現", "column “{0}” appears twice";
    ProblemMissingColumn => "缺少必要欄位「{0}」", "required column “{0}” is missing";
    ProblemMissingValue => "「{0}」不可空白", "“{0}” must not be empty";
    ProblemBadCode => "機關代碼「{0}」格式錯誤：應為 10 個數字或大寫英文字母", "agency code “{0}” is malformed: it must be 10 digits or capital letters";
    ProblemBadTier => "機關層級「{0}」無法辨識；可用值：{1}", "unknown tier “{0}”; allowed: {1}";
    ProblemBadLevel => "資通安全責任等級「{0}」錯誤：應為 A、B、C、D 或 E", "responsibility level “{0}” is invalid: it must be A, B, C, D or E";
    ProblemBadLayer => "公文交換層級「{0}」無法辨識；可用值：管理層、交換層、終端層", "unknown document-exchange layer “{0}”; allowed: 管理層 (management), 交換層 (exchange), 終端層 (terminal)";
    ProblemBadCentre => "交換中心類型「{0}」無法辨識；可用值：共用、自管、自建", "unknown exchange centre type “{0}”; allowed: 共用 (shared), 自管 (self-managed), 自建 (self-built)";
    ProblemCentreWithoutExchange => "只有交換層機關可填交換中心類型", "only an exchange-layer agency has an exchange centre type";
    ProblemExchangeWithoutCentre => "交換層機關須填交換中心類型（共用、自管、自建）", "an exchange-layer agency needs an exchange centre type (共用, 自管 or 自建)";
    ProblemBadUrl => "網址「{0}」格式錯誤：{1}", "malformed URL “{0}”: {1}";
    ProblemUrlScheme => "網址「{0}」須以 http:// 或 https:// 開頭", "URL “{0}” must start with http:// or https://";
    ProblemUrlNoHost => "網址「{0}」沒有主機名稱", "URL “{0}” has no host name";
    ProblemBadContact => "聯絡人「{0}」格式錯誤：應為 姓名|職稱|電子郵件|電話", "contact “{0}” is malformed: expected name|title|e-mail|phone";
    ProblemBadEmail => "電子郵件「{0}」格式錯誤", "malformed e-mail address “{0}”";
    ProblemBadSystem => "資訊系統「{0}」格式錯誤：應為 名稱|核心|VANS|EDR（是/否）", "information system “{0}” is malformed: expected name|core|VANS|EDR (yes/no)";
    ProblemBadYesNo => "「{0}」不是 是/否", "“{0}” is not yes/no";
    ProblemDuplicateCode => "機關代碼 {0} 在第 {1} 列已出現", "agency code {0} already appears on row {1}";
    ProblemUnknownParent => "上級機關 {0} 不在檔案中，也不在名冊中", "supervising agency {0} is neither in the file nor in the registry";
    ProblemSelfParent => "機關不可為自己的上級機關", "an agency cannot supervise itself";
    ProblemCycle => "上級機關形成循環：{0}", "the supervising agencies form a cycle: {0}";
    ProblemTooLong => "「{0}」超過 {1} 個字元", "“{0}” is longer than {1} characters";
    ProblemTooManyRows => "檔案超過 {0} 列", "the file has more than {0} rows";
    ImportRejected => "匯入已中止，未寫入任何資料：{0} 個錯誤", "import aborted, nothing was written: {0} errors";
    ImportDone => "已匯入 {0} 個機關（新增 {1}、更新 {2}）", "imported {0} agencies ({1} new, {2} updated)";
    DemoReady => "示範環境：{0}（{1}）", "demo world: {0} ({1})";
    DemoOpen => "請以瀏覽器開啟 {0}（Ctrl-C 結束）", "open {0} in a browser (Ctrl-C to stop)";
    DemoSecurityKeys => "安全金鑰只在 {0} 可用（WebAuthn 不接受 IP 位址）", "Security keys work at {0} only (WebAuthn does not accept an IP address)";
    ServeListening => "服務中：{0}", "listening on {0}";
    CannotListen => "--addr {0}：無法監聽：{1}", "--addr {0}: cannot listen: {1}";
    UnknownLanguage => "{0}：lang：無法辨識的語言「{1}」；請用 zh-TW 或 en", "{0}: lang: unknown language “{1}”; use zh-TW or en";
    AuditIntact => "稽核紀錄完整：{0} 筆，最新一筆 {1}，雜湊 {2}", "audit log intact: {0} entries, newest {1}, hash {2}";
    AuditTampered => "稽核紀錄遭竄改：{0}", "audit log tampered with: {0}";
    AuditModified => "第 {0} 筆被修改", "entry {0} was modified";
    AuditDeleted => "第 {0} 至 {1} 筆被刪除", "entries {0} to {1} were deleted";
    AuditInserted => "第 {0} 筆為插入", "entry {0} was inserted";
    AuditReordered => "順序被更動：第 {0} 筆接在第 {1} 筆之後", "entries were reordered: entry {0} follows entry {1}";
    AuditAnchorMissing => "先前記下的第 {0} 筆已不在紀錄鏈中", "the anchored entry {0} is no longer in the chain";
    BadAnchor => "--anchor：應為 序號:雜湊（govsec audit verify 所印出者）", "--anchor: expected SEQUENCE:HASH as govsec audit verify prints it";
    MigrationsApplied => "資料庫結構已更新", "migrations applied";
    ExportDone => "已匯出 {0} 個機關至 {1}", "exported {0} agencies to {1}";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages_and_the_same_placeholders() {
        for text in Text::ALL {
            let zh = text.get(Lang::ZhTw);
            let en = text.get(Lang::En);
            assert!(!zh.is_empty() && !en.is_empty(), "{text:?} is empty");
            let placeholders = |s: &str| {
                let mut found: Vec<usize> = (0..10)
                    .filter(|i| s.contains(&format!("{{{i}}}")))
                    .collect();
                found.sort_unstable();
                found
            };
            assert_eq!(
                placeholders(zh),
                placeholders(en),
                "{text:?} placeholders differ"
            );
        }
    }

    #[test]
    fn fill_replaces_positional_placeholders() {
        let filled = Text::ImportDone.fill(Lang::En, &[&3, &2, &1]);
        assert_eq!(filled, "imported 3 agencies (2 new, 1 updated)");
        assert_eq!(
            Text::AgenciesCount.fill(Lang::ZhTw, &[&200]),
            "共 200 個機關"
        );
    }

    #[test]
    fn fill_keeps_braces_that_are_not_placeholders() {
        assert_eq!(
            Text::ProductName.fill(Lang::En, &[]),
            Text::ProductName.get(Lang::En)
        );
    }

    #[test]
    fn language_tags_are_read_leniently() {
        assert_eq!(Lang::from_tag("zh-TW"), Some(Lang::ZhTw));
        assert_eq!(Lang::from_tag("zh_tw"), Some(Lang::ZhTw));
        assert_eq!(Lang::from_tag("EN-us"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
    }
}
