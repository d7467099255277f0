//! Files from `content/`, embedded in the binary so `cv` needs no data files.

/// The built-in Customer Value framework.
pub const FRAMEWORK: &str = include_str!("../content/framework.toml");

/// The HTML report's style sheet, inlined into every page it writes.
pub const REPORT_CSS: &str = include_str!("../content/report.css");

/// The demo ledger's `cv.toml`.
pub const DEMO_CONFIG: &str = include_str!("../content/demo/cv.toml");

/// The demo ledger's entries, as (file name, text).
pub const DEMO_ENTRIES: &[(&str, &str)] = &[
    (
        "01-onboarding-checklist.toml",
        include_str!("../content/demo/01-onboarding-checklist.toml"),
    ),
    (
        "02-search-typo-tolerance.toml",
        include_str!("../content/demo/02-search-typo-tolerance.toml"),
    ),
    (
        "03-invoice-pdf-timeouts.toml",
        include_str!("../content/demo/03-invoice-pdf-timeouts.toml"),
    ),
    (
        "04-checkout-latency.toml",
        include_str!("../content/demo/04-checkout-latency.toml"),
    ),
    (
        "05-support-macro-export.toml",
        include_str!("../content/demo/05-support-macro-export.toml"),
    ),
    (
        "06-success-criteria-template.toml",
        include_str!("../content/demo/06-success-criteria-template.toml"),
    ),
    (
        "07-dunning-emails.toml",
        include_str!("../content/demo/07-dunning-emails.toml"),
    ),
    (
        "08-mobile-address-autofill.toml",
        include_str!("../content/demo/08-mobile-address-autofill.toml"),
    ),
    (
        "09-status-page-incidents.toml",
        include_str!("../content/demo/09-status-page-incidents.toml"),
    ),
    (
        "10-refund-self-service.toml",
        include_str!("../content/demo/10-refund-self-service.toml"),
    ),
    (
        "11-api-rate-limit-headers.toml",
        include_str!("../content/demo/11-api-rate-limit-headers.toml"),
    ),
    (
        "12-planning-customer-impact.toml",
        include_str!("../content/demo/12-planning-customer-impact.toml"),
    ),
];
