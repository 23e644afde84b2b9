//! Correction events: a recorded fact was wrong (a date typed wrong, a registration made on
//! the wrong organisation). A correction names the history entry it corrects by its number,
//! gives the right values and the reason, and is appended as a `corrected` entry; the
//! corrected entry stays as it was. The corrected facts must pass every rule the corrected
//! event had to pass, checked by the same functions.

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    Accession, AgreementTerms, CitedDecision, ExistingAccession, check_board_dates_in_validity,
    check_no_other_open, check_notice_dates,
};
use crate::accession::values::{
    AccessionState, BoardDecisionInput, HistoryEvent, Signatory, WithdrawalNotice,
    WithdrawalNoticeInput,
};
use crate::accession::{AccessionField, REASON_MAX, swedish_date};
use crate::error::{DomainError, Validator};

/// The right dates of the board decision a submission recorded; a date left out stays as
/// recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorrectedBoardDecision {
    pub decided_on: Option<NaiveDate>,
    /// When the public body received the minutes (the application's received date).
    pub received_on: Option<NaiveDate>,
}

/// The right dates of a withdrawal's written notice; a date left out stays as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorrectedWithdrawal {
    pub received_on: Option<NaiveDate>,
    /// The first day no longer a signatory.
    pub effective_on: Option<NaiveDate>,
}

/// A correction as the caller states it: which entry, the right values, why. Each value
/// belongs to one kind of entry: `approved_on` to the approval; `board_decision` and
/// `signatory` to the submission; `withdrawal` to the withdrawal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionInput {
    /// The number of the corrected entry: its position in the history, from 0 (the
    /// submission).
    pub corrects: u32,
    pub reason: String,
    pub approved_on: Option<NaiveDate>,
    pub board_decision: Option<CorrectedBoardDecision>,
    /// The organisation (or public body) the registration should have named.
    pub signatory: Option<Signatory>,
    pub withdrawal: Option<CorrectedWithdrawal>,
}

impl Accession {
    /// Corrects what an entry of the history recorded (see [`CorrectionInput`]), appending a
    /// `corrected` entry that names it (`corrects`), lists each value recorded → right and
    /// gives the reason, by `by`. Nothing earlier in the history changes; the accession's
    /// facts (and so every view of it) are the corrected ones.
    ///
    /// The entry must exist (`unknown_entry` at `corrects`) and be a submission, an approval
    /// or a withdrawal (`not_correctable`); each value given must be one that entry recorded
    /// (`not_in_entry` at the value) and something must change (`nothing_corrected`). Then
    /// the corrected facts pass the corrected event's rules:
    /// - another signatory must be admitted (`public_body_not_allowed`, `already_party`) and,
    ///   while the accession is open, have no other open accession to the agreement
    ///   (`already_signatory`, `application_pending`): 409s, as at submission;
    /// - the board decision's dates: not in the future, received no earlier than decided,
    ///   within the agreement's validity when it no longer takes accessions (as a
    ///   registration after the fact), and an approval not before it was received
    ///   (`before_received`, named at `board_decision.received_on`);
    /// - the approval date: every check of an approval (`in_future`, `before_in_force`,
    ///   `outside_validity`, `before_received`, `before_decision` against `decision`, the
    ///   approval's cited decision loaded again) and before the signatory left (`after_left`);
    /// - the withdrawal: received no later than today, effective no earlier than the
    ///   approval (`withdrawal.received_on`, `withdrawal.effective_on`).
    pub fn correct(
        &mut self,
        input: CorrectionInput,
        terms: &AgreementTerms,
        decision: Option<&CitedDecision>,
        existing: &[ExistingAccession],
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        self.check_agreement(terms)?;
        let seq = input.corrects;
        let Some(entry) = usize::try_from(seq).ok().and_then(|i| self.history.get(i)) else {
            return Err(DomainError::invalid(
                "corrects",
                AccessionField::UnknownEntry { seq },
            ));
        };
        let event = entry.event;
        let corrected_at = entry.at;
        let mut v = Validator::new();
        let allowed: &[&str] = match event {
            HistoryEvent::Submitted => &["board_decision", "signatory"],
            HistoryEvent::Approved => &["approved_on"],
            HistoryEvent::Withdrawn => &["withdrawal"],
            _ => {
                return Err(DomainError::invalid(
                    "corrects",
                    AccessionField::NotCorrectable { event },
                ));
            }
        };
        for (name, given) in [
            ("approved_on", input.approved_on.is_some()),
            ("board_decision", input.board_decision.is_some()),
            ("signatory", input.signatory.is_some()),
            ("withdrawal", input.withdrawal.is_some()),
        ] {
            if given && !allowed.contains(&name) {
                v.add(name, AccessionField::NotInEntry { event });
            }
        }
        if input.board_decision.is_some()
            && allowed.contains(&"board_decision")
            && self.board_decision.is_none()
        {
            v.add("board_decision", AccessionField::NotInEntry { event });
        }
        v.finish()?;

        // The rules that make the correction moot come first, as at submission.
        let mut changes = Vec::new();
        let mut next = self.clone();
        if let Some(signatory) = input.signatory.filter(|s| *s != self.signatory) {
            terms.admits(signatory)?;
            if self.state().is_open() {
                check_no_other_open(terms, signatory, self.id, existing)?;
            }
            changes.push(format!(
                "signatory {} {} → {} {}",
                self.signatory.kind(),
                self.signatory.id(),
                signatory.kind(),
                signatory.id()
            ));
            next.signatory = signatory;
        }

        let today = swedish_date(now);
        let mut v = Validator::new();
        let reason = v.text("reason", &input.reason, REASON_MAX);
        if let (Some(dates), Some(board)) = (&input.board_decision, &self.board_decision) {
            let decided_on = dates.decided_on.unwrap_or(board.decided_on());
            let received_on = dates.received_on.unwrap_or(board.received_on());
            let corrected = BoardDecisionInput {
                decided_on,
                minutes_reference: board.minutes_reference().to_owned(),
                received_on,
                diary_number: board.diary_number().map(str::to_owned),
            }
            .validate(&mut v, "board_decision", today);
            if !terms.in_force {
                check_board_dates_in_validity(&mut v, terms, decided_on, received_on);
            }
            for (name, was, is) in [
                ("decided_on", board.decided_on(), decided_on),
                ("received_on", board.received_on(), received_on),
            ] {
                if was != is {
                    changes.push(format!("board_decision.{name} {was} → {is}"));
                }
            }
            next.board_decision = corrected.or(next.board_decision);
            // An approval on record must still follow the minutes' arrival.
            if let Some(approved_on) = next.approved_on {
                let before_received = AccessionField::ApprovalBeforeReceived { received_on }.code();
                let mut check = Validator::new();
                next.check_approval_date(&mut check, terms, decision, approved_on, now);
                for mut error in check.into_errors() {
                    if error.code == before_received {
                        error.field = "board_decision.received_on".to_owned();
                        v.push(error);
                    }
                }
            }
        }
        if let (Some(approved_on), Some(recorded)) = (input.approved_on, self.approved_on) {
            self.check_approval_date(&mut v, terms, decision, approved_on, now);
            let left_on = match self.state() {
                AccessionState::Withdrawn => self.withdrawal().map(WithdrawalNotice::effective_on),
                AccessionState::Ended => self.ended_on(),
                _ => None,
            };
            if let Some(left_on) = left_on
                && (approved_on > left_on || (approved_on == left_on && left_on > recorded))
            {
                v.add(
                    "approved_on",
                    AccessionField::CorrectionAfterLeaving { left_on },
                );
            }
            if approved_on != recorded {
                changes.push(format!("approved_on {recorded} → {approved_on}"));
            }
            next.approved_on = Some(approved_on);
        }
        if let (Some(dates), Some(notice), Some(approved_on)) =
            (&input.withdrawal, &self.withdrawal, self.approved_on)
        {
            let received_on = dates.received_on.unwrap_or(notice.received_on());
            let effective_on = dates.effective_on.unwrap_or(notice.effective_on());
            check_notice_dates(
                &mut v,
                "withdrawal",
                received_on,
                effective_on,
                approved_on,
                today,
            );
            for (name, was, is) in [
                ("received_on", notice.received_on(), received_on),
                ("effective_on", notice.effective_on(), effective_on),
            ] {
                if was != is {
                    changes.push(format!("withdrawal.{name} {was} → {is}"));
                }
            }
            next.withdrawal = Some(WithdrawalNotice::restore(WithdrawalNoticeInput {
                received_on,
                reference: notice.reference().to_owned(),
                effective_on,
            }));
        }
        if changes.is_empty() {
            v.add("corrects", AccessionField::NothingCorrected);
        }
        v.finish()?;
        let note = format!(
            "corrects entry {seq} ({event}, {}): {}; {}",
            corrected_at.to_rfc3339(),
            changes.join(", "),
            reason.unwrap_or_default()
        );
        *self = next;
        let state = self.state();
        self.record(HistoryEvent::Corrected, state, by, Some(note), now);
        if let Some(last) = self.history.last_mut() {
            last.corrects = Some(seq);
        }
        Ok(())
    }
}
