//! The Secret Service behind the OS keyring on Linux and the BSDs: the pre-check `init` makes before its
//! first question, and what is missing, read off the errors of every call.
//!
//! The store crate finds a missing default collection only on the first write (`ReadAlias("default")`
//! answers `/`), that is after every question was answered. So `ready` asks the service itself, on a
//! connection of its own that reads and writes no entry: connect to the session bus and open a session
//! (else `SessionBus` or `SecretService`), read the `default` alias (else `DefaultCollection`), and unlock
//! that collection when it is locked (else `Unlock`). Unlocking may show the desktop's prompt; the call
//! is bounded like every other (`KeyringStore::bounded`). Without a desktop, gnome-keyring dismisses the
//! prompt at once, as it cannot show one.

use secret_service::EncryptionType;
use secret_service::blocking::SecretService;
use zbus::DBusError as _;

use super::{StoreCell, StoreError};
use crate::store::Missing;

/// The default collection exists and is unlocked (after the user unlocked it, if it was locked).
pub(super) fn ready(_cell: &StoreCell) -> Result<(), StoreError> {
    // A plain session: nothing secret crosses it, and it saves the key exchange.
    let service = SecretService::connect(EncryptionType::Plain).map_err(|e| fail(&e, Target::Service))?;
    let collection = service
        .get_default_collection()
        .map_err(|e| fail(&e, Target::Service))?;
    if collection.is_locked().map_err(|e| fail(&e, Target::Default))? {
        collection.unlock().map_err(|e| fail(&e, Target::Default))?;
    }
    Ok(())
}

/// What is missing, when a keyring-core error carries a Secret Service error that says.
pub(super) fn missing_in(err: &keyring_core::Error) -> Option<Missing> {
    match err {
        keyring_core::Error::PlatformFailure(inner) | keyring_core::Error::NoStorageAccess(inner) => inner
            .downcast_ref::<secret_service::Error>()
            .and_then(|e| missing(e, Target::Service)),
        _ => None,
    }
}

/// What a call was addressed to: an object that does not exist is a missing default collection when
/// the call was on it, or when the error names a collection.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Service,
    Default,
}

fn fail(err: &secret_service::Error, target: Target) -> StoreError {
    missing(err, target).map_or_else(|| StoreError::Unavailable(err.to_string()), StoreError::Keyring)
}

fn missing(err: &secret_service::Error, target: Target) -> Option<Missing> {
    use secret_service::Error as S;
    match err {
        // No bus address, or a socket that is not there (secret-service's own reading).
        S::Unavailable => Some(Missing::SessionBus),
        // The `default` alias names no collection.
        S::NoResult => Some(Missing::DefaultCollection),
        S::Locked | S::Prompt | S::PromptDisconnected => Some(Missing::Unlock),
        S::Zbus(e) => from_zbus(e, target),
        S::ZbusFdo(e) => from_fdo(e, target),
        _ => None,
    }
}

fn from_zbus(err: &zbus::Error, target: Target) -> Option<Missing> {
    match err {
        // The bus is not there, refuses the connection, or went away.
        zbus::Error::Address(_)
        | zbus::Error::Connection(..)
        | zbus::Error::InputOutput(_)
        | zbus::Error::Handshake(_) => Some(Missing::SessionBus),
        zbus::Error::MethodError(name, description, _) => {
            from_name(name.as_str(), description.as_deref(), target)
        }
        zbus::Error::FDO(e) => from_fdo(e, target),
        _ => None,
    }
}

fn from_fdo(err: &zbus::fdo::Error, target: Target) -> Option<Missing> {
    match err {
        zbus::fdo::Error::ZBus(e) => from_zbus(e, target),
        e => from_name(e.name().as_str(), e.description(), target),
    }
}

fn from_name(name: &str, description: Option<&str>, target: Target) -> Option<Missing> {
    let on_collection = target == Target::Default || description.is_some_and(names_a_collection);
    match name {
        "org.freedesktop.DBus.Error.ServiceUnknown" | "org.freedesktop.DBus.Error.NameHasNoOwner" => {
            Some(Missing::SecretService)
        }
        // Activation found a service file, but the program did not start.
        spawn if spawn.starts_with("org.freedesktop.DBus.Error.Spawn.") => Some(Missing::SecretService),
        "org.freedesktop.DBus.Error.UnknownMethod"
        | "org.freedesktop.DBus.Error.UnknownObject"
        | "org.freedesktop.Secret.Error.NoSuchObject"
            if on_collection =>
        {
            Some(Missing::DefaultCollection)
        }
        "org.freedesktop.Secret.Error.IsLocked" => Some(Missing::Unlock),
        _ => None,
    }
}

/// Whether a D-Bus error's text names a collection rather than one of its items: gnome-keyring answers
/// a call on an alias that points nowhere with "Object does not exist at path
/// “/org/freedesktop/secrets/collection/login”".
fn names_a_collection(text: &str) -> bool {
    const PREFIX: &str = "/org/freedesktop/secrets/collection/";
    text.find(PREFIX).is_some_and(|at| {
        let path = text[at + PREFIX.len()..]
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '/'))
            .next()
            .unwrap_or_default();
        !path.is_empty() && !path.contains('/')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A D-Bus error reply as a proxy call returns it.
    fn method_error(name: &'static str, description: &str) -> secret_service::Error {
        let reply = zbus::Message::method_call("/", "M").unwrap().build(&()).unwrap();
        let name = zbus::names::OwnedErrorName::try_from(name).unwrap();
        secret_service::Error::Zbus(zbus::Error::MethodError(
            name,
            Some(description.to_owned()),
            reply,
        ))
    }

    #[test]
    fn each_missing_piece_is_named() {
        use Missing::{DefaultCollection, SecretService, SessionBus, Unlock};
        use Target::{Default, Service};
        use secret_service::Error as Ss;
        let login = "Object does not exist at path “/org/freedesktop/secrets/collection/login”";
        let item = "Object does not exist at path “/org/freedesktop/secrets/collection/login/7”";
        let unknown_method = |text| method_error("org.freedesktop.DBus.Error.UnknownMethod", text);
        let no_service = method_error(
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "The name org.freedesktop.secrets was not provided by any .service files",
        );
        let gone = Ss::Zbus(zbus::Error::FDO(Box::new(zbus::fdo::Error::UnknownObject(
            login.into(),
        ))));
        let cases = [
            (Ss::Unavailable, Service, Some(SessionBus)),
            (Ss::NoResult, Service, Some(DefaultCollection)),
            (Ss::Prompt, Default, Some(Unlock)),
            (no_service, Service, Some(SecretService)),
            (
                Ss::ZbusFdo(zbus::fdo::Error::SpawnChildExited("exited".into())),
                Service,
                Some(SecretService),
            ),
            (gone, Service, Some(DefaultCollection)),
            (unknown_method(login), Service, Some(DefaultCollection)),
            (unknown_method("no such method"), Default, Some(DefaultCollection)),
            // An item that vanished between a search and a read is not a missing collection.
            (unknown_method(item), Service, None),
            (
                method_error("org.freedesktop.DBus.Error.NoReply", "timeout"),
                Service,
                None,
            ),
        ];
        for (err, target, want) in cases {
            assert_eq!(missing(&err, target), want, "{err}");
        }
    }

    #[test]
    fn a_connection_refused_is_no_session_bus() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let err = secret_service::Error::Zbus(zbus::Error::InputOutput(refused.into()));
        assert_eq!(missing(&err, Target::Service), Some(Missing::SessionBus));
    }
}
