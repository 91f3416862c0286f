//! Unit tests of reading and parsing the control panel's credentials file.

use std::io::Write;

use secrecy::ExposeSecret;

use super::*;

const SENTINEL: &str = "SENTINEL-TOKEN-123";
const OTHER_SENTINEL: &str = "SENTINEL-TOKEN-456";
const FULL: [Option<&str>; 5] = [
    Some(SENTINEL),
    Some("Migration"),
    Some("abc123"),
    Some("clientid123"),
    Some("secret456"),
];
const TOKEN_ONLY: [Option<&str>; 5] = [Some(SENTINEL), None, None, None, None];

// BigCommerce's documented example, in its order.
const EXAMPLE: &str = "ACCESS TOKEN: SENTINEL-TOKEN-123
CLIENT NAME: Migration
API PATH: https://api.bigcommerce.com/stores/abc123/v3/
CLIENT ID: clientid123
CLIENT SECRET: secret456
";

/// The fields in `Label` order as plain strings, secrets exposed, for table comparisons.
fn fields(file: &CredentialsFile) -> [Option<&str>; 5] {
    [
        Some(file.access_token.expose_secret()),
        file.client_name.as_deref(),
        file.store_hash.as_ref().map(StoreHash::as_str),
        file.client_id.as_deref(),
        file.client_secret.as_ref().map(ExposeSecret::expose_secret),
    ]
}

#[test]
#[rustfmt::skip]
fn parses_the_example_and_tolerated_variants() {
    let cases: &[(&str, &str, [Option<&str>; 5])] = &[
        ("documented example", EXAMPLE, FULL),
        ("other order, NAME line", "NAME: Migration\nCLIENT ID: clientid123\nCLIENT SECRET: secret456\n\
            API PATH: https://api.bigcommerce.com/stores/abc123/v3\n\
            ACCESS TOKEN: SENTINEL-TOKEN-123", FULL),
        ("CRLF and BOM", "\u{FEFF}ACCESS TOKEN: SENTINEL-TOKEN-123\r\nCLIENT NAME: Migration\r\n\
            API PATH: https://api.bigcommerce.com/stores/abc123/v3/\r\nCLIENT ID: clientid123\r\n\
            CLIENT SECRET: secret456\r\n", FULL),
        ("old Mac CR", "ACCESS TOKEN: SENTINEL-TOKEN-123\rCLIENT ID: id\r",
            [Some(SENTINEL), None, None, Some("id"), None]),
        ("= separators", "access_token=SENTINEL-TOKEN-123\nclient_name = Migration\n\
            api_path=https://api.bigcommerce.com/stores/abc123/v3/\nclient-id= clientid123\n\
            Client-Secret =secret456", FULL),
        ("label spellings", "Access-Token: SENTINEL-TOKEN-123\n  client   NAME :Migration\n\
            Api_Path: https://api.bigcommerce.com/stores/ABC123/v2\nCLIENT__ID: clientid123\n\
            client secret: secret456", FULL),
        ("quoted values", "ACCESS TOKEN: \"SENTINEL-TOKEN-123\"\nCLIENT NAME: ' Migration '\n\
            API PATH: \"https://api.bigcommerce.com/stores/abc123/v3/\"\nCLIENT ID: \"clientid123\"\n\
            CLIENT SECRET: 'secret456'", FULL),
        ("unmatched quotes kept", "ACCESS TOKEN: \"SENTINEL-TOKEN-123'",
            [Some("\"SENTINEL-TOKEN-123'"), None, None, None, None]),
        ("unknown and blank lines", "# from the control panel\n\nSTORE: main\nhello world\n\
            ACCESS TOKEN: SENTINEL-TOKEN-123\nTOKEN TYPE: V2/V3\n   \n", TOKEN_ONLY),
        ("value keeps later separators", "ACCESS TOKEN: a:b=c", [Some("a:b=c"), None, None, None, None]),
        ("empty values are absent", "ACCESS TOKEN: SENTINEL-TOKEN-123\nCLIENT SECRET:\nCLIENT ID: \"\"\n\
            API PATH:   ", TOKEN_ONLY),
        ("empty, then filled", "ACCESS TOKEN:\nACCESS TOKEN: SENTINEL-TOKEN-123", TOKEN_ONLY),
        ("identical duplicates", "ACCESS TOKEN: SENTINEL-TOKEN-123\n\
            access_token = \"SENTINEL-TOKEN-123\"\nNAME: Migration\nCLIENT NAME: Migration",
            [Some(SENTINEL), Some("Migration"), None, None, None]),
        ("white space around", "  ACCESS TOKEN :\tSENTINEL-TOKEN-123 \t\n", TOKEN_ONLY),
    ];
    for (name, input, expected) in cases {
        let parsed = parse(input.as_bytes()).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(fields(&parsed), *expected, "{name}");
    }
}

#[test]
#[rustfmt::skip]
fn refuses_bad_files() {
    let too_large = format!("ACCESS TOKEN: x\n{}", "#".repeat(MAX_LEN - 16 + 1));
    assert!(parse(&too_large.as_bytes()[..MAX_LEN]).is_ok(), "exactly 64 KiB is accepted");
    let path = |url: &str| format!("ACCESS TOKEN: x\nAPI PATH: {url}");
    let http = path("http://api.bigcommerce.com/stores/abc/v3/");
    let host = path("https://SENTINEL-TOKEN-123.com/stores/abc/v3/");
    let (bare, panel) = (path(SENTINEL), path("https://store-abc.mybigcommerce.com/manage/"));
    let cases: &[(&str, &[u8], &str)] = &[
        ("64 KiB + 1", too_large.as_bytes(), "larger than 65536 bytes"),
        ("invalid UTF-8", b"ACCESS TOKEN: \xff\xfe\xfd", "not UTF-8"),
        ("UTF-16 LE", b"\xff\xfeA\0C\0C\0", "not UTF-8"),
        ("UTF-16 without BOM", b"A\0C\0C\0E\0S\0S\0", "NUL byte"),
        ("NUL byte", b"ACCESS TOKEN: SENTINEL-TOKEN-123\0", "NUL byte"),
        ("empty", b"", "is empty"),
        ("white space only", b" \r\n\t\n", "is empty"),
        ("BOM only", "\u{FEFF}\n".as_bytes(), "is empty"),
        ("no token", b"CLIENT ID: SENTINEL-TOKEN-123\nCLIENT SECRET: x", "no ACCESS TOKEN line"),
        ("empty token", b"ACCESS TOKEN:\nACCESS TOKEN: \"\"", "no ACCESS TOKEN line"),
        ("prose", b"hello\nworld", "no ACCESS TOKEN line"),
        ("token conflict", b"ACCESS TOKEN: SENTINEL-TOKEN-123\nACCESS_TOKEN: SENTINEL-TOKEN-456",
            "two different ACCESS TOKEN values"),
        ("secret conflict", b"ACCESS TOKEN: x\nCLIENT SECRET: SENTINEL-TOKEN-123\n\
            client-secret=SENTINEL-TOKEN-456", "two different CLIENT SECRET values"),
        ("id conflict", b"ACCESS TOKEN: x\nCLIENT ID: SENTINEL-TOKEN-123\nCLIENT ID: SENTINEL-TOKEN-456",
            "two different CLIENT ID values"),
        ("NAME against CLIENT NAME", b"ACCESS TOKEN: x\nNAME: SENTINEL-TOKEN-123\n\
            CLIENT NAME: SENTINEL-TOKEN-456", "two different CLIENT NAME values"),
        ("API PATH conflict", b"ACCESS TOKEN: x\nAPI PATH: https://api.bigcommerce.com/stores/a/v3/\n\
            API PATH: https://api.bigcommerce.com/stores/b/v3/", "two different API PATH values"),
        ("API PATH over http", http.as_bytes(), "API PATH is not valid: the API path must use https"),
        ("API PATH on another host", host.as_bytes(), "API PATH is not valid"),
        ("API PATH a bare value", bare.as_bytes(), "API PATH is not valid"),
        ("API PATH the control panel", panel.as_bytes(), "API PATH is not valid"),
    ];
    for (name, input, fragment) in cases {
        let err = parse(input).map(|_| ()).expect_err(name);
        assert!(err.to_string().contains(fragment), "{name}: {err} lacks {fragment:?}");
        assert_no_value(name, &err);
    }
}

/// No rendering of an error may hold a value from the file, and messages start lowercase.
fn assert_no_value(name: &str, err: &CredentialsFileError) {
    for shown in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        assert!(
            !shown.to_lowercase().contains("sentinel-token"),
            "{name}: {shown:?} leaks a value"
        );
    }
    assert!(
        err.to_string().starts_with(|c: char| c.is_ascii_lowercase()),
        "{name}: not lowercase"
    );
}

#[test]
fn debug_redacts_the_secrets() {
    let file = parse(EXAMPLE.replace("secret456", OTHER_SENTINEL).as_bytes()).expect("example");
    let shown = format!("{file:?}");
    for rendering in [&shown, &format!("{file:#?}")] {
        assert!(
            !rendering.contains(SENTINEL) && !rendering.contains(OTHER_SENTINEL),
            "{rendering}"
        );
    }
    assert!(shown.contains("access_token: \"[REDACTED]\""), "{shown}");
    assert!(shown.contains("client_secret: Some(\"[REDACTED]\")"), "{shown}");
    assert!(shown.contains("clientid123") && shown.contains("Migration") && shown.contains("abc123"));
    let token_only = parse(b"ACCESS TOKEN: t").expect("token only");
    assert!(format!("{token_only:?}").contains("client_secret: None"));
}

#[test]
fn read_from_applies_the_size_limit() {
    assert_eq!(fields(&read_from(EXAMPLE.as_bytes()).expect("example")), FULL);
    // An endless reader must be cut off at the limit, not read to exhaustion.
    let err = read_from(std::io::repeat(b'a'))
        .map(|_| ())
        .expect_err("endless input");
    assert!(
        matches!(err, CredentialsFileError::TooLarge { limit: MAX_BYTES }),
        "{err}"
    );
}

#[test]
fn read_path_reads_regular_files_and_symlinks_to_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("credentials.txt");
    std::fs::write(&path, EXAMPLE).expect("write");
    assert_eq!(fields(&read_path(&path).expect("read")), FULL);
    #[cfg(unix)]
    {
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&path, &link).expect("symlink");
        assert_eq!(fields(&read_path(&link).expect("read link")), FULL);
    }
}

#[test]
fn read_path_refuses_what_is_not_a_small_regular_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = read_path(&dir.path().join("missing.txt"))
        .map(|_| ())
        .expect_err("missing");
    assert!(matches!(err, CredentialsFileError::Io { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with("could not read credentials file `"),
        "{err}"
    );
    assert!(err.to_string().contains("missing.txt`: "), "{err}");

    let err = read_path(dir.path()).map(|_| ()).expect_err("directory");
    assert!(matches!(err, CredentialsFileError::NotAFile { .. }), "{err:?}");
    assert!(err.to_string().ends_with("is not a regular file"), "{err}");

    // A sparse 1 GiB file is refused from its metadata, without reading it.
    let huge = dir.path().join("huge.txt");
    File::create(&huge)
        .and_then(|file| file.set_len(1 << 30))
        .expect("sparse file");
    let err = read_path(&huge).map(|_| ()).expect_err("huge");
    assert!(
        matches!(err, CredentialsFileError::TooLarge { limit: MAX_BYTES }),
        "{err:?}"
    );

    let one_over = dir.path().join("one-over.txt");
    File::create(&one_over)
        .and_then(|mut file| file.write_all(&vec![b'#'; MAX_LEN + 1]))
        .expect("write");
    let err = read_path(&one_over).map(|_| ()).expect_err("one over");
    assert!(matches!(err, CredentialsFileError::TooLarge { .. }), "{err:?}");
}

#[cfg(unix)]
#[test]
fn read_path_refuses_devices_and_fifos_without_blocking() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zero = dir.path().join("zero.txt");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    let fifo = dir.path().join("fifo.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo failed");
    for path in [fifo, zero] {
        // On a thread, so a regression that opens the FIFO fails after 5 s instead of hanging the run.
        let (sender, receiver) = std::sync::mpsc::channel();
        let probe = path.clone();
        std::thread::spawn(move || sender.send(read_path(&probe).map(|_| ())));
        let outcome = receiver.recv_timeout(std::time::Duration::from_secs(5));
        let outcome = outcome.unwrap_or_else(|_| panic!("read_path blocked on {}", path.display()));
        let err = outcome.expect_err("not a regular file");
        assert!(matches!(err, CredentialsFileError::NotAFile { .. }), "{err:?}");
    }
}

#[test]
#[rustfmt::skip]
fn recognises_label_spellings() {
    let cases: &[(&str, Option<&str>)] = &[
        ("ACCESS TOKEN", Some("ACCESS TOKEN")),
        ("access_token", Some("ACCESS TOKEN")),
        ("Access-Token", Some("ACCESS TOKEN")),
        (" access \t token ", Some("ACCESS TOKEN")),
        ("name", Some("CLIENT NAME")),
        ("Client_Name", Some("CLIENT NAME")),
        ("api-path", Some("API PATH")),
        ("CLIENTID", None),
        ("TOKEN", None),
        ("ACCESS TOKEN 2", None),
        ("", None),
    ];
    for (raw, expected) in cases {
        assert_eq!(Label::recognise(raw).map(Label::canonical), *expected, "{raw:?}");
    }
}
