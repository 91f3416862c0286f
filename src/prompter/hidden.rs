//! The hidden prompt, read key by key rather than in the terminal's line mode (dialoguer's
//! `Password`). In line mode the prompt sees nothing until Enter: Esc could not cancel, and Ctrl-C
//! reached bcsetup as a signal from the terminal, not as a key. Here the terminal sends every key
//! at once, with echo, line editing and signal keys off for as long as the line is read (and put
//! back by a guard): Enter ends the line, Esc and Ctrl-C cancel, Backspace and Ctrl-U edit.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::time::Duration;

use dialoguer::theme::Theme;
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, poll};
use nix::sys::termios::{LocalFlags, SetArg, SpecialCharacterIndices, Termios, tcgetattr, tcsetattr};
use secrecy::SecretString;
use secrecy::zeroize::Zeroizing;

/// How long after an Esc byte the rest of a key's sequence (an arrow: `ESC [ A`) may arrive. A
/// terminal sends a sequence in one write, so its bytes are already there.
const SEQUENCE_WAIT: Duration = Duration::from_millis(50);

/// Draw `prompt`, read a hidden line, and show it as a mask. Esc and Ctrl-C give
/// `ErrorKind::Interrupted`, which the prompter turns into a cancel.
pub(super) fn ask(
    theme: &dyn Theme,
    prompt: &str,
    allow_empty: bool,
    report: bool,
) -> io::Result<(bool, SecretString)> {
    let term = console::Term::stderr();
    let mut shown = String::new();
    theme
        .format_password_prompt(&mut shown, prompt)
        .map_err(io::Error::other)?;
    let stdin = io::stdin();
    let answer = {
        // Quiet before the prompt shows, so no key typed after it is dropped by the flush.
        let _quiet = Quiet::new(stdin.as_fd())?;
        term.write_str(&shown)?;
        term.flush()?;
        loop {
            let Some(line) = read_line(stdin.as_fd())? else {
                return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
            };
            if allow_empty || !line.is_empty() {
                break line;
            }
        }
    };
    // Echo is off, so Enter did not move the cursor: the mask (or the caller's echo, without
    // `report`) replaces the prompt's own line.
    term.clear_line()?;
    if report {
        shown.clear();
        theme
            .format_password_prompt_selection(&mut shown, prompt)
            .map_err(io::Error::other)?;
        term.write_line(&shown)?;
    }
    let blank = answer.iter().all(u8::is_ascii_whitespace);
    Ok((
        blank,
        SecretString::from(String::from_utf8_lossy(&answer).into_owned()),
    ))
}

/// The terminal in key-by-key mode without echo, for as long as the guard lives. TCSAFLUSH on the
/// way in, as a line-mode password prompt does: keys typed before the prompt showed are dropped,
/// not taken as the secret.
struct Quiet<'a> {
    tty: BorrowedFd<'a>,
    saved: Termios,
}

impl<'a> Quiet<'a> {
    fn new(tty: BorrowedFd<'a>) -> io::Result<Self> {
        let saved = tcgetattr(tty)?;
        let mut quiet = saved.clone();
        quiet
            .local_flags
            .remove(LocalFlags::ECHO | LocalFlags::ICANON | LocalFlags::ISIG | LocalFlags::IEXTEN);
        quiet.control_chars[SpecialCharacterIndices::VMIN as usize] = 1;
        quiet.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
        tcsetattr(tty, SetArg::TCSAFLUSH, &quiet)?;
        Ok(Self { tty, saved })
    }
}

impl Drop for Quiet<'_> {
    fn drop(&mut self) {
        // TCSAFLUSH: what was typed after Enter (a pasted line's trailing newline) is not the next
        // prompt's answer.
        let _ = tcsetattr(self.tty, SetArg::TCSAFLUSH, &self.saved);
    }
}

/// One line from `tty`; `None` when Esc or Ctrl-C cancelled it.
fn read_line(tty: BorrowedFd<'_>) -> io::Result<Option<Zeroizing<Vec<u8>>>> {
    let mut line = Line::default();
    loop {
        let byte = read_byte(tty)?;
        if byte == ESC {
            if !ready(tty, SEQUENCE_WAIT)? {
                return Ok(None);
            }
            skip_sequence(tty)?;
            continue;
        }
        match line.key(byte) {
            Next::More => {}
            Next::Enter => return Ok(Some(line.bytes)),
            Next::Cancel => return Ok(None),
        }
    }
}

const ESC: u8 = 0x1b;

fn read_byte(tty: BorrowedFd<'_>) -> io::Result<u8> {
    let mut byte = [0u8];
    loop {
        match nix::unistd::read(tty, &mut byte) {
            Ok(1) => return Ok(byte[0]),
            Ok(_) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// Whether a byte arrives within `wait`.
fn ready(tty: BorrowedFd<'_>, wait: Duration) -> io::Result<bool> {
    let millis = u16::try_from(wait.as_millis()).unwrap_or(u16::MAX);
    let mut fds = [PollFd::new(tty, PollFlags::POLLIN)];
    Ok(poll(&mut fds, millis)? > 0)
}

/// The rest of a key that starts with Esc (arrows, function keys, Alt+key), which means nothing
/// in a hidden line: `ESC [ … final`, `ESC O x`, or `ESC x`.
fn skip_sequence(tty: BorrowedFd<'_>) -> io::Result<()> {
    match read_byte(tty)? {
        b'[' => while !(0x40..=0x7e).contains(&read_byte(tty)?) {},
        b'O' => {
            read_byte(tty)?;
        }
        _ => {}
    }
    Ok(())
}

/// What a key did to the line.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    More,
    Enter,
    Cancel,
}

/// The line being typed, wiped from memory when dropped.
#[derive(Default)]
struct Line {
    bytes: Zeroizing<Vec<u8>>,
}

impl Line {
    fn key(&mut self, byte: u8) -> Next {
        match byte {
            b'\r' | b'\n' => return Next::Enter,
            // Ctrl-C: the terminal sends it as a key while signal keys are off.
            0x03 => return Next::Cancel,
            // Backspace (DEL or ^H): one character, however many bytes it took.
            0x7f | 0x08 => {
                while let Some(b) = self.bytes.pop() {
                    if b & 0xc0 != 0x80 {
                        break;
                    }
                }
            }
            // Ctrl-U, as in line mode: start again.
            0x15 => self.bytes.clear(),
            // Other control keys (Tab, Ctrl-D, Ctrl-Z) are never part of a secret.
            0x00..=0x1f => {}
            _ => self.push(byte),
        }
        Next::More
    }

    /// Grows by hand when full: a `Vec`'s own growth frees the old buffer without wiping it, which
    /// would leave a copy of the secret typed so far in freed memory. Here the old buffer is wiped
    /// as it drops.
    fn push(&mut self, byte: u8) {
        if self.bytes.len() == self.bytes.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity((self.bytes.capacity() * 2).max(64)));
            bigger.extend_from_slice(&self.bytes);
            self.bytes = bigger;
        }
        self.bytes.push(byte);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &[u8]) -> (String, Next) {
        let mut line = Line::default();
        for &key in keys {
            let next = line.key(key);
            if next != Next::More {
                return (String::from_utf8_lossy(&line.bytes).into_owned(), next);
            }
        }
        (String::from_utf8_lossy(&line.bytes).into_owned(), Next::More)
    }

    #[test]
    fn keys_edit_the_hidden_line() {
        assert_eq!(typed(b"abc\r"), ("abc".into(), Next::Enter));
        assert_eq!(typed(b"abc\n"), ("abc".into(), Next::Enter));
        assert_eq!(typed(b"abx\x7fc\r"), ("abc".into(), Next::Enter));
        assert_eq!(typed(b"wrong\x15abc\x08d\r"), ("abd".into(), Next::Enter));
        assert_eq!(typed(b"a\tb\x04c\x1a\r"), ("abc".into(), Next::Enter));
        assert_eq!(typed(b"\x7f\x7fab\r"), ("ab".into(), Next::Enter));
        assert_eq!(typed(b"abc\x03"), ("abc".into(), Next::Cancel));
        // Backspace removes a whole character, not one byte of it.
        assert_eq!(typed("aé\x7f\r".as_bytes()), ("a".into(), Next::Enter));
    }

    #[test]
    fn a_long_line_grows_in_buffers_made_by_hand() {
        let keys: Vec<u8> = (0..1000u16)
            .map(|i| b'a' + u8::try_from(i % 26).unwrap())
            .collect();
        let mut line = Line::default();
        let mut capacities = vec![line.bytes.capacity()];
        for &key in &keys {
            line.key(key);
            if capacities.last() != Some(&line.bytes.capacity()) {
                capacities.push(line.bytes.capacity());
            }
        }
        assert_eq!(line.bytes.as_slice(), keys.as_slice());
        // `push`'s own sizes; a `Vec` growing by itself would have gone through 8, 16 and 32.
        assert_eq!(capacities, [0, 64, 128, 256, 512, 1024]);
    }
}
