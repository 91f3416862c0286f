//! Try bcsetup without a BigCommerce account: `cargo run --release --example fake-store`.
//!
//! Starts the loopback fake BigCommerce the integration tests use (one fake, included by path), with
//! store `demo123` and one token per outcome, prints the commands to try against it, and serves until
//! Ctrl-C. Nothing here touches a real store; the tokens mean nothing outside this process.
#![allow(
    unreachable_pub,
    reason = "a test, bench or example crate has no public API to keep narrow"
)]
#![allow(
    clippy::too_many_lines,
    reason = "the 60-line function budget (clippy.toml) is for src/; a scenario test reads best whole"
)]

#[path = "../tests/it/support/fake_store.rs"]
mod fake_store;

use std::fmt::Write as _;
use std::io::{self, Write};

fn main() -> io::Result<()> {
    let (fake, tokens) = fake_store::demo();
    let mut out = io::stdout().lock();
    out.write_all(walkthrough(&fake.base_url(), &tokens).as_bytes())?;
    out.flush()?;
    drop(out);
    // Serve until Ctrl-C: SIGINT ends the process, and the fake needs no cleanup.
    loop {
        std::thread::park();
    }
}

/// The try-out text: base URL, store, tokens, and the commands to run in another terminal.
fn walkthrough(base: &str, tokens: &[(&str, String)]) -> String {
    // `demo()` returns the tokens in this order; each gets its own profile.
    let [modify, read_only, no_products, revoked] = [
        "demo-modify",
        "demo-read-only",
        "demo-no-products",
        "demo-revoked",
    ];
    let token = |i: usize| tokens.get(i).map_or("", |(_, t)| t.as_str());
    let mut listing = String::new();
    for (what, token) in tokens {
        let _ = writeln!(listing, "    {token}  {what}");
    }
    let api = format!("BCSETUP_API_BASE={base}");
    let init = |profile: &str, token: &str, access: &str, extra: &str| {
        format!(
            "printf '%s\\n' {token} | {api} bcsetup init --profile {profile} --token-type api \
             --name 'Demo migration' --access {access} --store-hash demo123 --access-token-stdin{extra}"
        )
    };
    let init_modify = init(modify, token(0), "modify", "");
    let init_read_only_as_modify = init(read_only, token(1), "modify", "");
    let init_read_only = init(read_only, token(1), "read-only", "");
    let init_no_products = init(no_products, token(2), "modify", "");
    let init_revoked = init(revoked, token(3), "modify", "");
    let init_revoked_offline = init(revoked, token(3), "modify", " --no-verify");
    format!(
        r#"Fake BigCommerce listening on {base} (loopback only; Ctrl-C stops it)

  base URL    {base}
  store hash  demo123 ("Demo Store")
  tokens:
{listing}
In another terminal, from this repository:

# the bcsetup that `cargo run --release` built (or `cargo install --path .` once)
export PATH="$PWD/target/release:$PATH"
# keep the demo profiles apart from your own
export BCSETUP_CONFIG_DIR="$(mktemp -d)"

# the wizard: V2/V3 API token, any name, Modify, store demo123, "Paste them", then {first}
{api} bcsetup init --profile {modify}

# or without prompts
{init_modify}
#   -> exit 0: every scope proven, the token saved in the keyring
{init_read_only_as_modify}
#   -> exit 4: every scope observed read-only; the hint says to create a new API account
{init_read_only}
#   -> exit 0: the same token is right for migrating data FROM BigCommerce
{init_no_products}
#   -> exit 4: Products missing
{init_revoked}
#   -> exit 3: BigCommerce rejected the token (401)

# re-check stored credentials, list profiles, hand credentials to another program
{api} bcsetup verify --profile {modify}
bcsetup status
{api} bcsetup env --profile {modify}        # BIGCOMMERCE_API_PATH is this fake's, where the token was proven
{api} bcsetup exec --profile {modify} -- sh -c 'curl -s -w "\n" -H "X-Auth-Token: $BIGCOMMERCE_ACCESS_TOKEN" "${{BIGCOMMERCE_API_PATH}}catalog/products?limit=1"'

# a rejected token stored offline: verify fails with exit 3 as well
{init_revoked_offline}
{api} bcsetup verify --profile {revoked}

# no Secret Service (headless Linux)? add --insecure-storage to each init (a 0600 file in the config dir)
# afterwards, remove the demo profiles (and their keyring entries):
bcsetup remove --profile {modify} --yes
bcsetup remove --profile {read_only} --yes
bcsetup remove --profile {revoked} --yes
"#,
        first = token(0),
    )
}
