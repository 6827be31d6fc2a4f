//! Secrets written literally into a container's environment (`secret-in-env`): anyone who can
//! read the workload (`kubectl get -o yaml`, a GitOps repository, a Helm release) reads them.
//!
//! Only literal `env[].value` is read. `valueFrom` (a Secret, ConfigMap or field reference)
//! is how it should be done, and `envFrom` names whole objects, so neither is a finding. A
//! value is a finding when its shape is that of a known credential, whatever the variable is
//! called, or when the variable's name says it holds a secret and the value is not a mere
//! reference or placeholder. There is one finding per container; its message names each such
//! variable and why it counts, never the value.

use k8s_openapi::api::core::v1::EnvVar;

use super::FindingId;
use super::pod::{Member, members};
use crate::api::Finding;
use crate::engine::workload::Workload;

/// Words that make a variable name a secret's wherever they stand in it.
const SECRET_WORDS: [&str; 13] = [
    "password",
    "passwd",
    "passphrase",
    "secret",
    "secrets",
    "token",
    "tokens",
    "credential",
    "credentials",
    "creds",
    "apikey",
    "privatekey",
    "accesskey",
];

/// Adjacent words that make a name a secret's, where the second alone would not: `key` also
/// names cache keys, map keys and primary keys.
const SECRET_PAIRS: [(&str, &str); 9] = [
    ("api", "key"),
    ("private", "key"),
    ("access", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("account", "key"),
    ("auth", "key"),
    ("connection", "string"),
];

/// Last words that make a name describe a secret rather than hold one: `TOKEN_URL`,
/// `PASSWORD_FILE`, `SECRET_NAME`, `TOKEN_TTL`, `AWS_ACCESS_KEY_ID`.
const DESCRIPTOR_WORDS: [&str; 34] = [
    "file",
    "path",
    "dir",
    "url",
    "uri",
    "endpoint",
    "host",
    "name",
    "ref",
    "header",
    "type",
    "id",
    "ttl",
    "timeout",
    "expiry",
    "expiration",
    "lifetime",
    "length",
    "enabled",
    "mode",
    "policy",
    "format",
    "field",
    "location",
    "version",
    "size",
    "count",
    "seconds",
    "algorithm",
    "issuer",
    "port",
    "interval",
    "duration",
    "prefix",
];

/// Values, compared in lower case, that stand in for a secret rather than being one.
const PLACEHOLDER_WORDS: [&str; 20] = [
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "none",
    "null",
    "nil",
    "undefined",
    "unset",
    "empty",
    "n/a",
    "tbd",
    "todo",
    "placeholder",
    "redacted",
    "replaceme",
    "replace_me",
    "replace-me",
];

/// Prefixes, compared in lower case, of values that point at a secret kept elsewhere: secret
/// managers' reference syntaxes and file locations.
const REFERENCE_PREFIXES: [&str; 12] = [
    "/",
    "./",
    "~/",
    "file:",
    "vault:",
    "ref+",
    "op://",
    "sm://",
    "gsm://",
    "arn:aws:secretsmanager:",
    "arn:aws:ssm:",
    "@microsoft.keyvault(",
];

const PEM_BEGIN: &str = "-----BEGIN ";
const PEM_DASHES: &str = "-----";

/// The `secret-in-env` findings of the workload's pods: one per container, naming each
/// variable that holds a secret.
pub(super) fn findings(workload: &Workload) -> Vec<Finding> {
    let members = members(workload);

    members.iter().filter_map(literal_secrets).collect()
}

fn literal_secrets(member: &Member) -> Option<Finding> {
    let leaks: Vec<(&str, Kind)> = member
        .env
        .iter()
        .filter_map(|var| leak(var).map(|kind| (var.name.as_str(), kind)))
        .collect();
    if leaks.is_empty() {
        return None;
    }

    let listed: Vec<String> = leaks
        .iter()
        .map(|(name, kind)| format!("{name} ({})", kind.describe()))
        .collect();
    let (what, it) = if leaks.len() == 1 {
        ("a literal secret", "it")
    } else {
        ("literal secrets", "them")
    };
    let message = format!(
        "{} has {what} in its environment: {}; read {it} from a Secret with \
         valueFrom.secretKeyRef",
        member.label(),
        listed.join(", ")
    );

    let check = FindingId::SecretInEnv;
    Some(if leaks.iter().any(|(_, kind)| kind.is_key()) {
        check.raised_finding(message)
    } else {
        check.finding(message)
    })
}

/// What makes the variable's literal value a secret, if anything does.
fn leak(var: &EnvVar) -> Option<Kind> {
    if var.value_from.is_some() {
        return None;
    }
    let value = var.value.as_deref()?;

    let named = names_a_secret(&var.name) && !is_placeholder(value);
    shape_of(value).or(named.then_some(Kind::Named))
}

/// Why a value counts as a secret: its name, or the shape of a known credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Named,
    PrivateKey,
    AwsAccessKey,
    GoogleApiKey,
    GitHubToken,
    SlackToken,
    Jwt,
    UrlPassword,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Named => "its name says it is a secret",
            Kind::PrivateKey => "a PEM private key",
            Kind::AwsAccessKey => "an AWS access key id",
            Kind::GoogleApiKey => "a Google API key",
            Kind::GitHubToken => "a GitHub token",
            Kind::SlackToken => "a Slack token",
            Kind::Jwt => "a JSON Web Token",
            Kind::UrlPassword => "a URL with a password in it",
        }
    }

    /// Private keys and cloud provider keys: with one, an intruder is someone else entirely.
    fn is_key(self) -> bool {
        matches!(
            self,
            Kind::PrivateKey | Kind::AwsAccessKey | Kind::GoogleApiKey
        )
    }
}

/// Whether a token of a value has a credential's shape.
type ShapeTest = fn(&str) -> bool;

/// Credentials that stand as one token of a value, with the test for each.
const TOKEN_SHAPES: [(ShapeTest, Kind); 5] = [
    (is_aws_access_key, Kind::AwsAccessKey),
    (is_google_api_key, Kind::GoogleApiKey),
    (is_github_token, Kind::GitHubToken),
    (is_slack_token, Kind::SlackToken),
    (is_jwt, Kind::Jwt),
];

fn shape_of(value: &str) -> Option<Kind> {
    if holds_private_key(value) {
        return Some(Kind::PrivateKey);
    }

    let token_kind = tokens(value).find_map(|token| {
        let matching = TOKEN_SHAPES.iter().find(|(test, _)| test(token));
        matching.map(|(_, kind)| *kind)
    });
    if token_kind.is_some() {
        return token_kind;
    }

    let with_password = value.split_whitespace().any(has_url_password);
    with_password.then_some(Kind::UrlPassword)
}

/// The runs of a value that a credential could be: `aws_key=AKIA...` holds `AKIA...`.
fn tokens(value: &str) -> impl Iterator<Item = &str> {
    let separator = |c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    value.split(separator).filter(|token| !token.is_empty())
}

/// A PEM block whose label names a private key: `RSA PRIVATE KEY`, `EC PRIVATE KEY`,
/// `OPENSSH PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, `PGP PRIVATE KEY BLOCK`.
fn holds_private_key(value: &str) -> bool {
    value.match_indices(PEM_BEGIN).any(|(start, _)| {
        let rest = value.get(start + PEM_BEGIN.len()..).unwrap_or_default();
        let label = rest.split_once(PEM_DASHES).map(|(label, _)| label);
        label.is_some_and(|label| label.contains("PRIVATE KEY"))
    })
}

/// `AKIA` (a long-term key) or `ASIA` (a temporary one) and 16 upper-case letters or digits.
fn is_aws_access_key(token: &str) -> bool {
    let rest = token
        .strip_prefix("AKIA")
        .or_else(|| token.strip_prefix("ASIA"));

    rest.is_some_and(|rest| {
        rest.len() == 16
            && rest
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

/// `AIza` and 35 URL-safe characters.
fn is_google_api_key(token: &str) -> bool {
    let rest = token.strip_prefix("AIza");

    rest.is_some_and(|rest| rest.len() == 35 && rest.bytes().all(is_url_safe))
}

/// Classic and OAuth tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and 36 characters) and
/// fine-grained ones (`github_pat_`).
fn is_github_token(token: &str) -> bool {
    let classic = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .find_map(|prefix| token.strip_prefix(prefix));
    if let Some(rest) = classic {
        return rest.len() >= 36 && rest.bytes().all(|b| b.is_ascii_alphanumeric());
    }

    let fine_grained = token.strip_prefix("github_pat_");
    fine_grained.is_some_and(|rest| {
        rest.len() >= 22 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// `xoxa-`, `xoxb-`, `xoxp-`, `xoxr-` or `xoxs-` and the token's body.
fn is_slack_token(token: &str) -> bool {
    let Some(rest) = token.strip_prefix("xox") else {
        return false;
    };
    let mut chars = rest.chars();
    let kind = chars.next();
    let dash = chars.next();
    let body = chars.as_str();

    matches!(kind, Some('a' | 'b' | 'p' | 'r' | 's'))
        && dash == Some('-')
        && body.len() >= 10
        && body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Three base64url parts whose first decodes to a JSON header naming its `alg`. The signature
/// may be empty: an unsigned token still carries its claims.
fn is_jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    if header.is_empty() || payload.is_empty() || !payload.bytes().all(is_url_safe) {
        return false;
    }

    let decoded = base64url_decode(header);
    let json = decoded.and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
    json.is_some_and(|header| header.get("alg").is_some())
}

fn is_url_safe(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

/// Unpadded base64url, as JWTs write it; `None` on any other character.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut decoded = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0;

    for byte in text.bytes() {
        let sextet = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(sextet);
        bits += 6;

        if bits >= 8 {
            bits -= 8;
            decoded.push(((buffer >> bits) & 0xFF) as u8);
            buffer &= (1 << bits) - 1;
        }
    }

    Some(decoded)
}

/// `scheme://user:password@host/...` with a password that is not a placeholder, such as
/// `postgres://app:s3cret@db:5432/shop`; `$(DB_PASSWORD)` in its place is fine.
fn has_url_password(word: &str) -> bool {
    let Some((_, after_scheme)) = word.split_once("://") else {
        return false;
    };
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let Some((user_info, _)) = authority.rsplit_once('@') else {
        return false;
    };
    let password = user_info.split_once(':').map(|(_, password)| password);

    password.is_some_and(|password| !is_placeholder(password))
}

/// True when the variable's name says it holds a secret: one of [`SECRET_WORDS`] or
/// [`SECRET_PAIRS`] among its words, and no [`DESCRIPTOR_WORDS`] at its end.
fn names_a_secret(name: &str) -> bool {
    let words = words(name);
    let Some(last) = words.last() else {
        return false;
    };
    if DESCRIPTOR_WORDS.contains(&last.as_str()) {
        return false;
    }

    let secret_word = words
        .iter()
        .any(|word| SECRET_WORDS.contains(&word.as_str()));
    let secret_pair = words.windows(2).any(|pair| match pair {
        [first, second] => SECRET_PAIRS.contains(&(first.as_str(), second.as_str())),
        _ => false,
    });
    secret_word || secret_pair
}

/// The words of a name in lower case, split at anything but letters and digits, at
/// camelCase humps (`dbPassword`, `APIKey`) and between letters and digits (`OAUTH2_TOKEN`).
/// `KEYBOARD_LAYOUT` is `keyboard` and `layout`: words are matched whole, never as substrings.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();

    for (index, &current) in chars.iter().enumerate() {
        if !current.is_alphanumeric() {
            end_word(&mut words, &mut word);
            continue;
        }

        let previous = index.checked_sub(1).and_then(|at| chars.get(at)).copied();
        let next = chars.get(index + 1).copied();
        if previous.is_some_and(|previous| starts_word(previous, current, next)) {
            end_word(&mut words, &mut word);
        }
        word.extend(current.to_lowercase());
    }

    end_word(&mut words, &mut word);
    words
}

fn starts_word(previous: char, current: char, next: Option<char>) -> bool {
    if !previous.is_alphanumeric() {
        return false;
    }

    let hump = previous.is_lowercase() && current.is_uppercase();
    let acronym_end =
        previous.is_uppercase() && current.is_uppercase() && next.is_some_and(char::is_lowercase);
    let digits = previous.is_numeric() != current.is_numeric();

    hump || acronym_end || digits
}

fn end_word(words: &mut Vec<String>, word: &mut String) {
    if !word.is_empty() {
        words.push(std::mem::take(word));
    }
}

/// True for a value that stands in for a secret rather than being one: empty, a reference to
/// where the secret is kept, a template or variable to be expanded, filler, or a switch.
fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    let lower = value.to_ascii_lowercase();

    value.is_empty()
        || is_template(value)
        || is_filler(value)
        || PLACEHOLDER_WORDS.contains(&lower.as_str())
        || REFERENCE_PREFIXES
            .iter()
            .any(|prefix| lower.starts_with(prefix))
        || (lower.starts_with("projects/") && lower.contains("/secrets/"))
}

/// `$(VAR)` is expanded by the kubelet from the container's other variables; `$VAR` and
/// `${VAR}` by a shell or an entrypoint script; the bracketed forms by templating that was
/// never run.
fn is_template(value: &str) -> bool {
    let wrapped = |open: &str, close: &str| value.starts_with(open) && value.ends_with(close);

    expands_variable(value) || wrapped("{{", "}}") || wrapped("<", ">") || wrapped("%", "%")
}

/// `$(`, `${`, or `$` and an upper-case name; a password may well start with `$` otherwise.
fn expands_variable(value: &str) -> bool {
    let mut chars = value.chars();
    let dollar = chars.next() == Some('$');
    let next = chars.next();

    dollar && next.is_some_and(|c| matches!(c, '(' | '{' | '_') || c.is_ascii_uppercase())
}

/// Masking such as `xxxx`, `****` or `xxxx-xxxx` (x in either case, stars, dots, dashes,
/// underscores, hashes, question marks): not a secret.
fn is_filler(value: &str) -> bool {
    value
        .chars()
        .all(|c| matches!(c, 'x' | 'X' | '*' | '.' | '-' | '_' | '#' | '?'))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::Asset;
    use super::*;
    use crate::api::Severity;
    use serde_json::{Value, json};

    // Credential-shaped test values are assembled from parts, so that secret scanners run on
    // this repository do not take them for leaks.
    const AWS_KEY_ID: &str = concat!("AKIA", "IOSFODNN7EXAMPLE");
    const GITHUB_TOKEN: &str = concat!("ghp_", "0123456789abcdefghijklmnopqrstuvwxyz");
    const SLACK_TOKEN: &str = concat!("xoxb-", "000000000000-0000000000000-fakefakefake");
    const GOOGLE_KEY: &str = concat!("AIza", "SyFAKEfakeFAKEfakeFAKEfakeFAKEfake0");
    const JWT: &str = concat!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
        ".eyJzdWIiOiIxMjM0NTY3ODkwIn0",
        ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    );
    const PRIVATE_KEY: &str = concat!(
        "-----BEGIN RSA ",
        "PRIVATE KEY-----\n",
        "MIIEowIBAAKCAQEAfake\n",
        "-----END RSA ",
        "PRIVATE KEY-----\n"
    );

    /// Deployment shop/web whose container `app` has the environment `env`.
    fn with_env(env: Value) -> Asset {
        Asset::deployment(json!({
            "containers": [{ "name": "app", "image": "shop/app:1.0", "env": env }],
        }))
    }

    /// Deployment shop/web whose container `app` sets `name` to the literal `value`.
    fn setting(name: &str, value: &str) -> Asset {
        with_env(json!([{ "name": name, "value": value }]))
    }

    fn secret_messages(asset: &Asset) -> Vec<String> {
        asset.messages_of("secret-in-env")
    }

    #[test]
    fn a_secret_key_ref_is_not_secret_in_env() {
        let asset = with_env(json!([{
            "name": "DB_PASSWORD",
            "valueFrom": { "secretKeyRef": { "name": "db", "key": "password" } },
        }]));

        assert!(secret_messages(&asset).is_empty());
    }

    #[test]
    fn a_literal_password_names_container_and_variable_but_not_the_value() {
        let asset = setting("DB_PASSWORD", "hunter2-prod");

        let found = asset.findings_of("secret-in-env");

        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::High);
        assert_eq!(
            found[0].message,
            "container app has a literal secret in its environment: DB_PASSWORD (its name \
             says it is a secret); read it from a Secret with valueFrom.secretKeyRef"
        );
        assert!(!found[0].message.contains("hunter2"));
    }

    #[test]
    fn secret_words_are_found_in_camel_case_and_snake_case_names() {
        for name in [
            "dbPassword",
            "APIKey",
            "api_key",
            "STRIPE_API_KEY",
            "clientSecret",
            "OAUTH2_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "PRIVATE_KEY",
            "GIT_CREDENTIALS",
            "AzureStorageConnectionString",
        ] {
            let asset = setting(name, "s3cr3t-value-123");

            assert_eq!(secret_messages(&asset).len(), 1, "{name}");
        }
    }

    #[test]
    fn keyboard_layout_is_not_a_secret() {
        let asset = setting("KEYBOARD_LAYOUT", "de-nodeadkeys");

        assert!(secret_messages(&asset).is_empty());
    }

    #[test]
    fn names_that_only_contain_a_secret_word_as_a_substring_are_not_secrets() {
        for name in [
            "TOKENIZER_MODEL",
            "PASSWORDLESS_LOGIN",
            "SECRETARY_EMAIL",
            "CACHE_KEY",
        ] {
            let asset = setting(name, "some-value");

            assert!(secret_messages(&asset).is_empty(), "{name}");
        }
    }

    #[test]
    fn names_that_describe_a_secret_rather_than_hold_it_are_not_secrets() {
        for name in [
            "TOKEN_URL",
            "PASSWORD_FILE",
            "SECRET_NAME",
            "JWT_TOKEN_TTL",
            "AWS_ACCESS_KEY_ID",
        ] {
            let asset = setting(name, "shop-values");

            assert!(secret_messages(&asset).is_empty(), "{name}");
        }
    }

    #[test]
    fn references_and_placeholders_are_not_secrets() {
        for value in [
            "",
            "   ",
            "$(DB_PASSWORD)",
            "${DB_PASSWORD}",
            "{{ .Values.password }}",
            "<your-password>",
            "/run/secrets/db-password",
            "vault:secret/data/shop/db#password",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/db",
            "projects/shop/secrets/db-password/versions/latest",
            "********",
            "xxxx-xxxx",
            "REDACTED",
            "true",
        ] {
            let asset = setting("DB_PASSWORD", value);

            assert!(secret_messages(&asset).is_empty(), "{value:?}");
        }
    }

    #[test]
    fn a_password_that_starts_with_a_dollar_is_still_a_secret() {
        let asset = setting("DB_PASSWORD", "$ecret-123");

        assert_eq!(secret_messages(&asset).len(), 1);
    }

    #[test]
    fn an_aws_access_key_is_critical_whatever_the_variable_is_called() {
        let asset = setting("BACKUP_TARGET", AWS_KEY_ID);

        let found = asset.findings_of("secret-in-env");

        assert_eq!(found[0].severity, Severity::Critical);
        assert_eq!(
            found[0].message,
            "container app has a literal secret in its environment: BACKUP_TARGET (an AWS \
             access key id); read it from a Secret with valueFrom.secretKeyRef"
        );
        assert!(!found[0].message.contains(AWS_KEY_ID));
    }

    #[test]
    fn an_aws_access_key_inside_a_longer_value_is_found() {
        let asset = setting(
            "BACKUP_OPTIONS",
            &format!("--region=eu-west-1 --key={AWS_KEY_ID}"),
        );

        assert_eq!(
            asset.findings_of("secret-in-env")[0].severity,
            Severity::Critical
        );
    }

    #[test]
    fn a_pem_private_key_is_critical() {
        let asset = setting("TLS_KEY_PEM", PRIVATE_KEY);

        let found = asset.findings_of("secret-in-env");

        assert_eq!(found[0].severity, Severity::Critical);
        assert!(found[0].message.contains("TLS_KEY_PEM (a PEM private key)"));
    }

    #[test]
    fn a_pem_certificate_is_not_a_private_key() {
        let certificate = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----";
        let asset = setting("CA_BUNDLE", certificate);

        assert!(secret_messages(&asset).is_empty());
    }

    #[test]
    fn a_google_api_key_is_critical() {
        let asset = setting("MAPS", GOOGLE_KEY);

        let found = asset.findings_of("secret-in-env");

        assert_eq!(found[0].severity, Severity::Critical);
        assert!(found[0].message.contains("MAPS (a Google API key)"));
    }

    #[test]
    fn github_and_slack_tokens_are_high() {
        for (value, kind) in [(GITHUB_TOKEN, "GitHub token"), (SLACK_TOKEN, "Slack token")] {
            let asset = setting("NOTIFY", value);

            let found = asset.findings_of("secret-in-env");

            assert_eq!(found[0].severity, Severity::High, "{kind}");
            assert!(found[0].message.contains(kind), "{kind}");
        }
    }

    #[test]
    fn a_jwt_is_recognised_by_its_header() {
        let asset = setting("UPSTREAM_AUTH", JWT);

        assert_eq!(
            secret_messages(&asset),
            [
                "container app has a literal secret in its environment: UPSTREAM_AUTH (a JSON \
                 Web Token); read it from a Secret with valueFrom.secretKeyRef"
            ]
        );
    }

    #[test]
    fn dotted_values_without_a_jwt_header_are_not_jwts() {
        for value in [
            "1.27.3",
            "eyJub3QiOiJqd3QifQ.e30.sig",
            "api.shop.svc",
            "a.b.c",
        ] {
            assert!(!is_jwt(value), "{value}");
        }
    }

    #[test]
    fn a_url_with_a_password_is_a_secret_whatever_the_name() {
        let asset = setting("DATABASE_URL", "postgres://shop:s3cret@db.shop:5432/orders");

        assert_eq!(
            secret_messages(&asset),
            [
                "container app has a literal secret in its environment: DATABASE_URL (a URL \
                 with a password in it); read it from a Secret with valueFrom.secretKeyRef"
            ]
        );
    }

    #[test]
    fn a_url_whose_password_is_expanded_from_another_variable_is_fine() {
        let asset = setting(
            "DATABASE_URL",
            "postgres://shop:$(DB_PASSWORD)@db.shop:5432/orders",
        );

        assert!(secret_messages(&asset).is_empty());
    }

    #[test]
    fn a_url_with_only_a_user_is_fine() {
        let asset = setting("UPSTREAM", "https://shop@api.example.com/v1?ref=a:b@c");

        assert!(secret_messages(&asset).is_empty());
    }

    #[test]
    fn one_finding_per_container_names_each_of_its_secret_variables() {
        let asset = Asset::deployment(json!({
            "initContainers": [{
                "name": "migrate",
                "image": "shop/migrate:1.0",
                "env": [{ "name": "DB_PASSWORD", "value": "hunter2-prod" }],
            }],
            "containers": [{
                "name": "app",
                "image": "shop/app:1.0",
                "env": [
                    { "name": "DB_PASSWORD", "value": "hunter2-prod" },
                    { "name": "LOG_LEVEL", "value": "info" },
                    { "name": "BACKUP_KEY", "value": AWS_KEY_ID },
                ],
            }],
        }));

        let found = asset.findings_of("secret-in-env");

        assert_eq!(found.len(), 2);
        assert_eq!(found[0].severity, Severity::Critical);
        assert_eq!(
            found[0].message,
            "container app has literal secrets in its environment: DB_PASSWORD (its name says \
             it is a secret), BACKUP_KEY (an AWS access key id); read them from a Secret with \
             valueFrom.secretKeyRef"
        );
        assert_eq!(found[1].severity, Severity::High);
        assert!(
            found[1]
                .message
                .starts_with("init container migrate has a literal secret")
        );
    }

    #[test]
    fn words_split_at_humps_acronyms_digits_and_separators() {
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(words("dbPassword"), ["db", "password"]);
        assert_eq!(words("OAUTH2_TOKEN"), ["oauth", "2", "token"]);
        assert_eq!(words("KEYBOARD_LAYOUT"), ["keyboard", "layout"]);
        assert_eq!(words("--"), Vec::<String>::new());
    }

    #[test]
    fn odd_values_never_panic() {
        for value in [
            "-----BEGIN ",
            "-----BEGIN PRIVATE KEY",
            "xox",
            "xoxb",
            "xoxé-",
            "AKIA",
            "://",
            "a://@",
            "é.é.é",
            "eyJ.eyJ.",
            "..",
            "$",
        ] {
            let _ = shape_of(value);
            let _ = is_placeholder(value);
            let _ = names_a_secret(value);
        }
    }
}
