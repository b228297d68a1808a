//! Resumption across configs, early data, the exporter and the key log, in process.

use super::*;
use crate::core::tickets::TicketKeys;
use crate::core::{ClientConfig, ServerConfig};
use std::sync::{Arc, Mutex};

fn handshake(client: &ClientConfig, server: &ServerConfig) -> (Connection, Connection) {
    let mut c = Connection::client(client, "localhost").expect("client");
    let mut s = Connection::server(server).expect("server");
    let (ce, se) = pump(&mut c, &mut s);
    assert_eq!((ce, se), (None, None));
    assert!(!c.is_handshaking() && !s.is_handshaking());
    (c, s)
}

fn versions(tls12: bool, tls13: bool) -> Versions {
    Versions { tls12, tls13 }
}

fn ticket_server(keys: &Arc<TicketKeys>, versions: Versions) -> ServerConfig {
    let mut builder = server_builder("server.pem", "server.key");
    builder.negotiation_mut().set_versions(versions).unwrap();
    builder.sessions_mut().set_cache_size(0).unwrap();
    builder.sessions_mut().set_ticket_keys(keys.clone());
    builder.build().expect("server config")
}

#[test]
fn servers_sharing_ticket_keys_resume_each_others_sessions_until_the_key_leaves_the_window() {
    for v in [versions(false, true), versions(true, false)] {
        let key = |byte: u8| [byte; 32];
        let keys_a = Arc::new(TicketKeys::new(&key(1), 1, 3600).unwrap());
        let keys_b = Arc::new(TicketKeys::new(&key(1), 1, 3600).unwrap());
        let (a, b) = (ticket_server(&keys_a, v), ticket_server(&keys_b, v));
        let mut client = client_builder();
        client.negotiation_mut().set_versions(v).unwrap();
        let (early, late) = (client.build().unwrap(), client.build().unwrap());

        assert!(
            !handshake(&early, &a).0.is_resumed(),
            "{v:?}: first is full"
        );
        assert!(
            handshake(&early, &b).0.is_resumed(),
            "{v:?}: A's session on B"
        );
        assert!(!handshake(&late, &a).0.is_resumed());
        for keys in [&keys_a, &keys_b] {
            keys.rotate(&key(2)).unwrap();
        }
        assert!(
            handshake(&late, &b).0.is_resumed(),
            "{v:?}: key 1 in the window"
        );
        for keys in [&keys_a, &keys_b] {
            keys.rotate(&key(3)).unwrap();
        }
        let (c, s) = handshake(&early, &a);
        assert!(
            !c.is_resumed() && !s.is_resumed(),
            "{v:?}: key 1 rotated out"
        );
    }
}

#[test]
fn servers_sharing_ticket_keys_resume_only_sessions_of_their_context() {
    for v in [versions(false, true), versions(true, false)] {
        let keys = Arc::new(TicketKeys::new(&[1; 32], 1, 3600).unwrap());
        let server = |context: &[u8]| {
            let mut builder = server_builder("server.pem", "server.key");
            builder.negotiation_mut().set_versions(v).unwrap();
            builder.sessions_mut().set_cache_size(0).unwrap();
            builder.sessions_mut().set_ticket_keys(keys.clone());
            builder.sessions_mut().set_context(context);
            builder.build().expect("server config")
        };
        let (a, twin, other) = (server(b"site"), server(b"site"), server(b"other"));
        let mut client = client_builder();
        client.negotiation_mut().set_versions(v).unwrap();
        let (first, second) = (client.build().unwrap(), client.build().unwrap());
        assert!(!handshake(&first, &a).0.is_resumed());
        assert!(
            handshake(&first, &twin).0.is_resumed(),
            "{v:?}: same context"
        );
        assert!(!handshake(&second, &a).0.is_resumed());
        assert!(
            !handshake(&second, &other).0.is_resumed(),
            "{v:?}: other context"
        );
    }
}

#[test]
fn tls13_tickets_are_counted_and_none_come_without_resumption() {
    let client = client_builder().build().unwrap();
    let (c, s) = handshake(
        &client,
        &server_builder("server.pem", "server.key").build().unwrap(),
    );
    assert_eq!(c.tls13_tickets_received().unwrap(), 2);
    assert_eq!(
        s.tls13_tickets_received().unwrap_err().code(),
        FTLS_ERR_INVALID_STATE
    );
    let mut stateless = server_builder("server.pem", "server.key");
    stateless.sessions_mut().set_cache_size(0).unwrap();
    let (c, _) = handshake(&client, &stateless.build().unwrap());
    assert_eq!(c.tls13_tickets_received().unwrap(), 0);
    stateless.sessions_mut().set_tickets(true);
    let (c, _) = handshake(&client, &stateless.build().unwrap());
    assert_eq!(c.tls13_tickets_received().unwrap(), 2);
}

#[test]
fn early_data_reaches_the_server_once() {
    let mut client = client_builder();
    client.sessions_mut().set_early_data(true);
    let client = client.build().unwrap();
    let mut server = server_builder("server.pem", "server.key");
    server.sessions_mut().set_max_early_data(1024);
    let server = server.build().unwrap();

    let (mut first, _) = handshake(&client, &server);
    assert_eq!(
        first.write_early_data(b"x").unwrap_err().code(),
        FTLS_ERR_INVALID_STATE
    );
    let mut c = Connection::client(&client, "localhost").unwrap();
    assert_eq!(c.write_early_data(b"GET /early").unwrap(), 10);
    let mut s = Connection::server(&server).unwrap();
    assert_eq!((pump(&mut c, &mut s)), (None, None));
    assert!(c.is_early_data_accepted() && s.is_early_data_accepted());
    let mut buf = [0u8; 64];
    assert_eq!(s.read_early_data(&mut buf).unwrap(), 10);
    assert_eq!(&buf[..10], b"GET /early");
    assert_eq!(s.read_early_data(&mut buf).unwrap(), 0);
    assert_eq!(
        c.read_early_data(&mut buf).unwrap_err().code(),
        FTLS_ERR_INVALID_STATE
    );
}

#[test]
fn inconsistent_session_settings_are_config_errors() {
    let mut client = client_builder();
    client.sessions_mut().set_early_data(true);
    client.sessions_mut().set_cache_size(0).unwrap();
    assert_eq!(client.build().unwrap_err().code(), FTLS_ERR_CONFIG);
    let mut server = server_builder("server.pem", "server.key");
    server.sessions_mut().set_max_early_data(10);
    server.sessions_mut().set_tickets(true);
    let err = server.build().unwrap_err();
    assert!(err.detail().contains("stateless tickets"), "{err}");
    server.sessions_mut().set_tickets(false);
    server.sessions_mut().set_cache_size(0).unwrap();
    assert_eq!(server.build().unwrap_err().code(), FTLS_ERR_CONFIG);
}

#[test]
fn exported_keying_material_matches_on_both_sides() {
    for v in [versions(false, true), versions(true, false)] {
        let mut client = client_builder();
        client.negotiation_mut().set_versions(v).unwrap();
        let server = server_builder("server.pem", "server.key").build().unwrap();
        let (c, s) = handshake(&client.build().unwrap(), &server);
        let export = |conn: &Connection, label: &[u8], context: Option<&[u8]>| {
            let mut out = [0u8; 32];
            conn.export_keying_material(&mut out, label, context)
                .unwrap();
            out
        };
        let ours = export(&c, b"EXPORTER-test", Some(b"ctx"));
        assert_eq!(ours, export(&s, b"EXPORTER-test", Some(b"ctx")));
        assert_ne!(ours, export(&c, b"EXPORTER-other", Some(b"ctx")));
        assert_ne!(ours, export(&c, b"EXPORTER-test", Some(b"ctx2")));
        assert_eq!(
            c.export_keying_material(&mut [], b"x", None)
                .unwrap_err()
                .code(),
            FTLS_ERR_INVALID_ARGUMENT
        );
    }
}

#[test]
fn both_sides_log_the_same_secrets() {
    for (v, expected) in [(versions(false, true), 5), (versions(true, false), 1)] {
        let lines = |builder_log: &mut crate::core::key_log::KeyLog| {
            let seen = Arc::new(Mutex::new(Vec::<String>::new()));
            let sink = seen.clone();
            builder_log.set_callback(Arc::new(move |line| {
                sink.lock().unwrap().push(line.to_owned())
            }));
            seen
        };
        let mut client = client_builder();
        client.negotiation_mut().set_versions(v).unwrap();
        let client_lines = lines(client.key_log_mut());
        let mut server = server_builder("server.pem", "server.key");
        let server_lines = lines(server.key_log_mut());
        handshake(&client.build().unwrap(), &server.build().unwrap());
        let mut c = client_lines.lock().unwrap().clone();
        let mut s = server_lines.lock().unwrap().clone();
        c.sort();
        s.sort();
        assert_eq!(c.len(), expected, "{v:?}: {c:?}");
        assert_eq!(c, s);
    }
}

/// Records the sessions a client is given; keeps them unless `refuse`.
#[derive(Debug, Default)]
struct SessionLog(Mutex<Vec<crate::core::ReceivedSession>>, bool);

impl crate::core::ObservesClientSessions for SessionLog {
    fn received(&self, session: crate::core::ReceivedSession) -> bool {
        self.0.lock().unwrap().push(session);
        !self.1
    }
}

#[test]
fn a_client_session_observer_is_told_of_each_session_kept() {
    use crate::core::ReceivedSession::{Tls12, Tls13Ticket};
    for (v, full, resumed) in [
        (
            versions(false, true),
            vec![Tls13Ticket; 2],
            vec![Tls13Ticket; 2],
        ),
        (versions(true, false), vec![Tls12], vec![Tls12]),
    ] {
        let log = Arc::new(SessionLog::default());
        let mut client = client_builder();
        client.negotiation_mut().set_versions(v).unwrap();
        client.sessions_mut().set_observer(Some(log.clone()));
        let client = client.build().unwrap();
        let server = server_builder("server.pem", "server.key").build().unwrap();
        assert!(!handshake(&client, &server).0.is_resumed());
        assert_eq!(std::mem::take(&mut *log.0.lock().unwrap()), full, "{v:?}");
        assert!(handshake(&client, &server).0.is_resumed());
        assert_eq!(*log.0.lock().unwrap(), resumed, "{v:?}: resumed");

        let mut off = client_builder();
        off.sessions_mut().set_cache_size(0).unwrap();
        off.sessions_mut().set_observer(Some(log.clone()));
        handshake(&off.build().unwrap(), &server);
        assert_eq!(
            *log.0.lock().unwrap(),
            resumed,
            "{v:?}: no cache, no sessions"
        );
    }
}

#[test]
fn a_session_the_observer_refuses_is_not_resumed() {
    for v in [versions(false, true), versions(true, false)] {
        let refusing = Arc::new(SessionLog(Mutex::default(), true));
        let mut client = client_builder();
        client.negotiation_mut().set_versions(v).unwrap();
        client.sessions_mut().set_observer(Some(refusing.clone()));
        let client = client.build().unwrap();
        let server = server_builder("server.pem", "server.key").build().unwrap();
        assert!(!handshake(&client, &server).0.is_resumed());
        assert!(!refusing.0.lock().unwrap().is_empty(), "{v:?}: told");
        assert!(!handshake(&client, &server).0.is_resumed(), "{v:?}");
    }
}

/// Approves server sessions or not, as told.
#[derive(Debug)]
struct Approval(bool);

impl crate::core::ApprovesServerSessions for Approval {
    fn approves(&self) -> bool {
        self.0
    }
}

#[test]
fn a_server_makes_no_session_its_approver_refuses() {
    for v in [versions(false, true), versions(true, false)] {
        for tickets in [false, true] {
            for approves in [false, true] {
                let mut client = client_builder();
                client.negotiation_mut().set_versions(v).unwrap();
                let client = client.build().unwrap();
                let mut server = server_builder("server.pem", "server.key");
                server.sessions_mut().set_tickets(tickets);
                server
                    .sessions_mut()
                    .set_approver(Some(Arc::new(Approval(approves))));
                let server = server.build().unwrap();
                assert!(!handshake(&client, &server).0.is_resumed());
                assert_eq!(
                    handshake(&client, &server).0.is_resumed(),
                    approves,
                    "{v:?}, tickets {tickets}, approved {approves}"
                );
            }
        }
    }
}
