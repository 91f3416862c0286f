//! `--from-stencil`: the token type it implies, and the store hash from a flag, the folder's URL, the
//! storefront's answer (confirmed on a terminal, even over a rotated profile's store) or a prompt.

use super::super::stencil::Lookup;
use super::*;
use crate::bigcommerce::StoreHash;

fn folder(url: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.stencil.json"),
        format!("{{\"normalStoreUrl\": \"{url}\"}}"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("secrets.stencil.json"),
        "{\"accessToken\": \"SENTINELstencil1234\"}",
    )
    .unwrap();
    dir
}

fn resolve_stencil(
    dir: &std::path::Path,
    lookup: Lookup<'_>,
    defaults: Defaults,
    p: Option<&mut ScriptedPrompter>,
) -> Result<InitPlan, Error> {
    let args = InitArgs {
        from_stencil: Some(dir.to_owned()),
        name: Some("Theme dev".into()),
        access: Some(Access::ReadOnly),
        ..InitArgs::default()
    };
    let mut stdin: &[u8] = b"";
    resolve(Inputs {
        args: &args,
        env: &Env::default(),
        profile: &ProfileName::parse("shop").unwrap(),
        stdin: &mut stdin,
        prompter: p.map(|p| p as &mut dyn Prompter),
        defaults,
        downloads: None,
        can_open_browser: false,
        api_base: &crate::bigcommerce::client::ApiBase::default(),
        opening: None,
        lookup,
    })
}

fn told(hash: &'static str) -> impl Fn(&url::Url) -> Result<StoreHash, String> {
    move |_| StoreHash::parse(hash)
}

fn rotation() -> Defaults {
    Defaults {
        store: Some(StoreHash::parse("abc123").unwrap()),
        ..Defaults::default()
    }
}

#[test]
fn the_storefront_s_hash_is_taken_without_a_terminal_and_confirmed_on_one() {
    let dir = folder("https://shop.example.com");
    let plan = resolve_stencil(dir.path(), &told("zzz999"), Defaults::default(), None).unwrap();
    assert_eq!(plan.store_hash.as_str(), "zzz999");
    assert_eq!(plan.token_type, TokenType::Stencil);
    let source = plan.stencil.unwrap();
    assert_eq!(
        source.store_from.as_deref(),
        Some("https://shop.example.com/admin/oauth/info")
    );

    // On a terminal, over a rotated profile's store: asked, and a No asks for the hash.
    let mut p = ScriptedPrompter::new([Reply::Yes(false), Reply::Text("def456".into())]);
    let plan = resolve_stencil(dir.path(), &told("zzz999"), rotation(), Some(&mut p)).unwrap();
    assert_eq!(plan.store_hash.as_str(), "def456");
    assert_eq!(p.asked[0], "Use store hash zzz999?");
    let mut p = ScriptedPrompter::new([Reply::Yes(true)]);
    let plan = resolve_stencil(dir.path(), &told("zzz999"), rotation(), Some(&mut p)).unwrap();
    assert_eq!(plan.store_hash.as_str(), "zzz999");
    let notes = p.notes.join("\n");
    assert!(notes.contains("Importing the access token ••••1234"), "{notes}");
    assert!(!notes.contains("SENTINEL"), "{notes}");
}

#[test]
fn a_store_url_needs_no_request_and_a_failed_one_is_said() {
    let never: &dyn Fn(&url::Url) -> Result<StoreHash, String> = &|_| panic!("no request");
    let dir = folder("https://store-qqq111.mybigcommerce.com");
    let plan = resolve_stencil(dir.path(), never, rotation(), None).unwrap();
    assert_eq!(
        plan.store_hash.as_str(),
        "qqq111",
        "the folder outranks the profile"
    );

    let dir = folder("https://shop.example.com");
    let refused: &dyn Fn(&url::Url) -> Result<StoreHash, String> = &|_| Err("it answered HTTP 404".into());
    // A rotation keeps its store when the storefront cannot tell one.
    let plan = resolve_stencil(dir.path(), refused, rotation(), None).unwrap();
    assert_eq!(plan.store_hash.as_str(), "abc123");
    let Err(Error::Input(errors)) = resolve_stencil(dir.path(), refused, Defaults::default(), None) else {
        panic!("a new profile needs the hash")
    };
    assert!(errors.to_string().contains("HTTP 404"), "{errors}");
    // On a terminal the reason is said, then the hash asked.
    let mut p = ScriptedPrompter::new([Reply::Text("def456".into())]);
    let plan = resolve_stencil(dir.path(), refused, Defaults::default(), Some(&mut p)).unwrap();
    assert_eq!(plan.store_hash.as_str(), "def456");
    assert!(p.notes.join("\n").contains("HTTP 404"));
}
