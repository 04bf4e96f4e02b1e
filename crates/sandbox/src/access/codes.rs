//! One-time sign-in codes and the dev mailbox they are "sent" to. A code is six
//! digits from the CSPRNG, lives [`CODE_TTL_MS`], and dies after [`MAX_WRONG_TRIES`]
//! wrong guesses; only the newest code sent to an address counts. The mailbox is the
//! same table read newest first, so a person (or a test suite) can read the code.

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::http::{AppError, AppResult, rfc3339};
use crate::store::{Db, int, text};

/// How long a code is valid (10 minutes).
pub const CODE_TTL_MS: i64 = 10 * 60 * 1000;

/// Wrong guesses a code survives; the next guess, right or wrong, is refused.
pub const MAX_WRONG_TRIES: i64 = 5;

/// Messages the mailbox shows.
pub const MAILBOX_SIZE: i64 = 20;

/// Rows kept in all (older ones are deleted when a code is sent).
const KEPT: i64 = 200;

/// The largest multiple of 10⁶ that fits in a `u32`: draws at or above it are
/// redrawn, so every code is equally likely.
const UNBIASED_LIMIT: u32 = 4_294_000_000;

/// A six-digit code from one 32-bit draw, or `None` when the draw must be redrawn.
pub fn code_from_draw(draw: u32) -> Option<String> {
    (draw < UNBIASED_LIMIT).then(|| format!("{:06}", draw % 1_000_000))
}

/// A fresh code from the platform CSPRNG.
///
/// # Errors
///
/// When the CSPRNG fails.
pub fn new_code() -> AppResult<String> {
    loop {
        let mut b = [0u8; 4];
        getrandom::fill(&mut b).map_err(|e| AppError::Internal(format!("getrandom: {e}")))?;
        if let Some(code) = code_from_draw(u32::from_le_bytes(b)) {
            return Ok(code);
        }
    }
}

/// A stored code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CodeRow {
    /// Row id (newest is highest).
    pub seq: i64,
    /// Lower-cased address it was sent to.
    pub email: String,
    /// The six digits.
    pub code: String,
    /// When it was sent (ms).
    pub sent_at: i64,
    /// When it stops being valid (ms).
    pub expires_at: i64,
    /// Wrong guesses so far.
    pub tries: i64,
    /// 1 once it has signed someone in.
    pub used: i64,
}

/// What a guess comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Right, and now used up.
    Accepted,
    /// Wrong; this many guesses remain (0: the code is now dead).
    Wrong {
        /// Guesses left.
        tries_left: i64,
    },
    /// Older than [`CODE_TTL_MS`].
    Expired,
    /// [`MAX_WRONG_TRIES`] wrong guesses already.
    Locked,
    /// Already used to sign in.
    Used,
    /// No code was sent to this address.
    Missing,
}

/// Judges `presented` against the newest code sent to an address (pure; the caller
/// records the outcome). Order: missing, used, locked, expired, then the comparison
/// (constant time).
pub fn judge(row: Option<&CodeRow>, presented: &str, now_ms: i64) -> Verdict {
    let Some(row) = row else {
        return Verdict::Missing;
    };
    if row.used != 0 {
        Verdict::Used
    } else if row.tries >= MAX_WRONG_TRIES {
        Verdict::Locked
    } else if now_ms >= row.expires_at {
        Verdict::Expired
    } else if bool::from(presented.trim().as_bytes().ct_eq(row.code.as_bytes())) {
        Verdict::Accepted
    } else {
        Verdict::Wrong {
            tries_left: MAX_WRONG_TRIES - row.tries - 1,
        }
    }
}

/// Records a code sent to `email` (already lower-cased) and trims old rows.
///
/// # Errors
///
/// SQL errors.
pub fn record(db: &Db, email: &str, code: &str, now_ms: i64) -> AppResult<()> {
    let (email, code) = (email.to_owned(), code.to_owned());
    db.transaction(move |db| {
        db.exec(
            "INSERT INTO access_codes (email, code, sent_at, expires_at) VALUES (?, ?, ?, ?)",
            vec![
                text(email),
                text(code),
                int(now_ms),
                int(now_ms + CODE_TTL_MS),
            ],
        )?;
        db.exec(
            "DELETE FROM access_codes WHERE seq <= (SELECT MAX(seq) FROM access_codes) - ?",
            vec![int(KEPT)],
        )
    })
}

/// Judges a guess at the newest code sent to `email` and records the outcome (a wrong
/// guess counts, a right one uses the code up), in one transaction.
///
/// # Errors
///
/// SQL errors.
pub fn verify(db: &Db, email: &str, presented: &str, now_ms: i64) -> AppResult<Verdict> {
    let (email, presented) = (email.to_owned(), presented.to_owned());
    db.transaction(move |db| {
        let row: Option<CodeRow> = db.row(
            "SELECT seq, email, code, sent_at, expires_at, tries, used FROM access_codes \
             WHERE email = ? ORDER BY seq DESC LIMIT 1",
            vec![text(&email)],
        )?;
        let verdict = judge(row.as_ref(), &presented, now_ms);
        let seq = row.map(|r| r.seq).unwrap_or_default();
        match verdict {
            Verdict::Accepted => db.exec(
                "UPDATE access_codes SET used = 1 WHERE seq = ?",
                vec![int(seq)],
            )?,
            Verdict::Wrong { .. } => db.exec(
                "UPDATE access_codes SET tries = tries + 1 WHERE seq = ?",
                vec![int(seq)],
            )?,
            _ => {}
        }
        Ok(verdict)
    })
}

/// One message of the dev mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// To whom.
    pub email: String,
    /// The code.
    pub code: String,
    /// RFC 3339.
    pub sent_at: String,
}

/// `GET /cdn-cgi/access/mailbox?format=json`.
#[derive(Debug, Clone, Serialize)]
pub struct Mailbox {
    /// Newest first.
    pub messages: Vec<Message>,
}

/// The last [`MAILBOX_SIZE`] codes sent, newest first.
///
/// # Errors
///
/// SQL errors.
pub fn mailbox(db: &Db) -> AppResult<Mailbox> {
    let rows: Vec<CodeRow> = db.rows(
        "SELECT seq, email, code, sent_at, expires_at, tries, used FROM access_codes \
         ORDER BY seq DESC LIMIT ?",
        vec![int(MAILBOX_SIZE)],
    )?;
    Ok(Mailbox {
        messages: rows
            .into_iter()
            .map(|r| Message {
                email: r.email,
                code: r.code,
                sent_at: rfc3339(r.sent_at),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(tries: i64, used: i64) -> CodeRow {
        CodeRow {
            seq: 1,
            email: "a@example.com".into(),
            code: "012345".into(),
            sent_at: 1_000,
            expires_at: 1_000 + CODE_TTL_MS,
            tries,
            used,
        }
    }

    #[test]
    fn codes_are_six_digits_and_unbiased() {
        assert_eq!(code_from_draw(0).unwrap(), "000000");
        assert_eq!(code_from_draw(42).unwrap(), "000042");
        assert_eq!(code_from_draw(1_999_999).unwrap(), "999999");
        assert_eq!(code_from_draw(UNBIASED_LIMIT - 1).unwrap(), "999999");
        assert!(code_from_draw(UNBIASED_LIMIT).is_none());
        assert!(code_from_draw(u32::MAX).is_none());
        assert_eq!(UNBIASED_LIMIT % 1_000_000, 0);
        assert!(u64::from(UNBIASED_LIMIT) + 1_000_000 > u64::from(u32::MAX));
        let c = new_code().unwrap();
        assert_eq!(c.len(), 6);
        assert!(c.bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn right_code_within_ten_minutes() {
        let r = row(0, 0);
        assert_eq!(judge(Some(&r), "012345", 1_000), Verdict::Accepted);
        assert_eq!(judge(Some(&r), " 012345 ", 1_000), Verdict::Accepted);
        assert_eq!(
            judge(Some(&r), "012345", 1_000 + CODE_TTL_MS - 1),
            Verdict::Accepted
        );
        assert_eq!(
            judge(Some(&r), "012345", 1_000 + CODE_TTL_MS),
            Verdict::Expired
        );
        assert_eq!(judge(None, "012345", 1_000), Verdict::Missing);
        assert_eq!(judge(Some(&row(0, 1)), "012345", 1_000), Verdict::Used);
    }

    #[test]
    fn five_wrong_tries_then_locked() {
        let mut r = row(0, 0);
        for left in (0..MAX_WRONG_TRIES).rev() {
            assert_eq!(
                judge(Some(&r), "999999", 1_000),
                Verdict::Wrong { tries_left: left }
            );
            r.tries += 1;
        }
        assert_eq!(r.tries, 5);
        // Even the right code is refused now.
        assert_eq!(judge(Some(&r), "012345", 1_000), Verdict::Locked);
        assert_eq!(judge(Some(&row(4, 0)), "012345", 1_000), Verdict::Accepted);
        // A prefix or an empty guess is wrong, not right.
        assert!(matches!(
            judge(Some(&row(0, 0)), "01234", 1_000),
            Verdict::Wrong { .. }
        ));
        assert!(matches!(
            judge(Some(&row(0, 0)), "", 1_000),
            Verdict::Wrong { .. }
        ));
    }
}
