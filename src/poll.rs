//! When to check a job: the poll schedule, a pure function of the time waited so far. The
//! sleep that follows it is [`Cancel::sleep_until`](crate::cancel::Cancel::sleep_until).

use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant};

/// The shortest gap between two checks, so that a schedule of zeros cannot spin.
const MIN_GAP: Duration = Duration::from_millis(1);

/// When [`Client::wait`](crate::Client::wait) and the batches
/// ([`Client::batch`](crate::Client::batch)) check a job.
///
/// PDF.co charges for every `/v1/job/check`, even one that answers `working`, so checking
/// often costs credits and checking rarely costs time. The default schedule starts soon and
/// backs off:
///
/// - the first check comes after [`first_check`](Self::first_check) (1 s), when a short job
///   may well be done, rather than right after the start, when it never is;
/// - then checks keep the beat of [`interval`](Self::interval) (3 s, as in PDF.co's
///   tutorials: at 3 s, 6 s, 9 s, ... of waiting) while jobs are young;
/// - once [`growth`](Self::growth) times the time waited (10 %) is longer than that, each
///   gap is that long instead, so a long job is checked about every tenth of its age;
/// - no gap is longer than [`max_interval`](Self::max_interval) (60 s).
///
/// A result is thus late by at most 3 s or a tenth of the job's duration, whichever is
/// longer, and never by more than 60 s. Checks per job: 1 for a job of 1 s, 3 for 5 s, 8 for 20 s,
/// 19 for a minute, 43 for 10 minutes, 63 for 30 minutes, where checking every 3 s takes 2,
/// 3, 8, 21, 201 and 601. [`PollSchedule::fixed`] is the tutorials' schedule: a check right
/// after the start, then one every interval.
///
/// Times count from when the wait begins: for a job just started, its age.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use pdfco::PollSchedule;
///
/// let schedule = PollSchedule::new();
/// let s = Duration::from_secs;
/// // The checks of the first 30 s: at 1 s, then every 3 s.
/// let mut at = Vec::new();
/// let mut waited = Duration::ZERO;
/// for checks in 0..5 {
///     waited = schedule.next_check(checks, waited);
///     at.push(waited);
/// }
/// assert_eq!(at, [s(1), s(3), s(6), s(9), s(12)]);
/// // A 20 s job is seen done by the check at 21 s, the eighth.
/// assert_eq!(schedule.simulate(s(20)), (8, s(21)));
///
/// let client = pdfco::Client::builder("my-api-key")
///     .poll_schedule(PollSchedule::new().max_interval(s(30)))
///     .build()?;
/// let tutorial = PollSchedule::fixed(s(3));
/// assert_eq!(tutorial.simulate(s(20)), (8, s(21)));
/// assert_eq!(tutorial.simulate(Duration::from_millis(500)), (2, s(3)));
/// # drop(client);
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PollSchedule {
    first: Duration,
    interval: Duration,
    growth: f64,
    max_interval: Duration,
}

impl Default for PollSchedule {
    fn default() -> Self {
        PollSchedule::new()
    }
}

impl PollSchedule {
    /// The default schedule: first check after 1 s, then every 3 s, gaps growing to 10 % of
    /// the time waited from 30 s on, at most 60 s.
    pub fn new() -> PollSchedule {
        PollSchedule {
            first: Duration::from_secs(1),
            interval: Duration::from_secs(3),
            growth: 0.1,
            max_interval: Duration::from_secs(60),
        }
    }

    /// A check right after the start, then one every `interval`, as PDF.co's tutorials do
    /// (every 3 s).
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let every_5s = pdfco::PollSchedule::fixed(Duration::from_secs(5));
    /// assert_eq!(every_5s.next_check(0, Duration::ZERO), Duration::ZERO);
    /// assert_eq!(every_5s.next_check(3, Duration::from_secs(10)), Duration::from_secs(15));
    /// ```
    pub fn fixed(interval: Duration) -> PollSchedule {
        PollSchedule {
            first: Duration::ZERO,
            interval,
            growth: 0.0,
            max_interval: interval,
        }
    }

    /// When the first check comes, counted from the start of the wait.
    ///
    /// Defaults to 1 second (zero for [`PollSchedule::fixed`]).
    pub fn first_check(mut self, after: Duration) -> Self {
        self.first = after;
        self
    }

    /// The beat of the checks after the first, and the shortest gap between two of them:
    /// checks fall on multiples of it (counted from the start of the wait) until the gaps
    /// grow longer.
    ///
    /// Defaults to 3 seconds.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// How the gaps grow: each is at least this fraction of the time waited so far, so that
    /// a long job is checked a bounded number of times per doubling of its age and its
    /// result is late by at most this fraction of its duration. Zero keeps the gaps at the
    /// interval; a negative or NaN value counts as zero.
    ///
    /// Defaults to 0.1 (zero for [`PollSchedule::fixed`]).
    pub fn growth(mut self, fraction: f64) -> Self {
        self.growth = if fraction.is_nan() {
            0.0
        } else {
            fraction.max(0.0)
        };
        self
    }

    /// The longest gap between two checks, which is also the most a result can be late.
    ///
    /// Defaults to 60 seconds (the interval for [`PollSchedule::fixed`]).
    pub fn max_interval(mut self, max: Duration) -> Self {
        self.max_interval = max;
        self
    }

    /// When to make the next check, counted from the start of the wait, given how many
    /// checks were made and how long has been waited now. A pure function: the wait loops
    /// sleep until this time. A time already past means "check now".
    ///
    /// After the first check: the later of the next beat of [`interval`](Self::interval)
    /// and `waited` plus [`growth`](Self::growth) times `waited`, but no later than `waited`
    /// plus [`max_interval`](Self::max_interval), and at least 1 ms after `waited`.
    pub fn next_check(&self, checks: u32, waited: Duration) -> Duration {
        if checks == 0 {
            return self.first.max(waited);
        }
        // A check that jitter brought up to a tenth of the interval early still counts for its
        // beat: the next one is the beat after it, not the same beat again.
        let beat = next_multiple(self.interval, waited.saturating_add(self.interval / 10));
        let grown = Duration::try_from_secs_f64(waited.as_secs_f64() * self.growth)
            .unwrap_or(Duration::MAX)
            .min(self.max_interval);
        let latest = waited.saturating_add(self.max_interval);
        beat.max(waited.saturating_add(grown))
            .min(latest)
            .max(waited.saturating_add(MIN_GAP))
    }

    /// Runs the schedule on a simulated clock against a job that ends after `job` (checks
    /// taking no time): how many checks see it, and when the first that sees it done comes.
    /// The difference between that time and `job` is how late the result is.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (checks, at) = pdfco::PollSchedule::new().simulate(Duration::from_secs(600));
    /// assert!(checks <= 50 && at <= Duration::from_secs(660), "{checks} checks, done at {at:?}");
    /// ```
    pub fn simulate(&self, job: Duration) -> (u32, Duration) {
        let mut waited = Duration::ZERO;
        let mut checks = 0;
        loop {
            waited = self.next_check(checks, waited);
            checks += 1;
            if waited >= job || checks == u32::MAX {
                return (checks, waited);
            }
        }
    }

    /// [`next_check`](Self::next_check), moved by up to a tenth of the gap either way, so
    /// that the checks of many jobs started together spread out instead of coming in bursts.
    pub(crate) fn next_check_jittered(&self, checks: u32, waited: Duration) -> Duration {
        let next = self.next_check(checks, waited);
        let spread = next.saturating_sub(waited) / 10;
        let nanos = spread.as_nanos().min(u128::from(u64::MAX / 2)) as u64;
        if nanos == 0 {
            return next;
        }
        let draw = RandomState::new().hash_one((checks, waited)) % (2 * nanos + 1);
        next.saturating_add(Duration::from_nanos(draw))
            .saturating_sub(spread)
    }
}

/// The first multiple of `step` after `t` (`t` itself when `step` is zero).
fn next_multiple(step: Duration, t: Duration) -> Duration {
    let step_ns = step.as_nanos();
    if step_ns == 0 {
        return t;
    }
    let ns = (t.as_nanos() / step_ns + 1).saturating_mul(step_ns);
    match u64::try_from(ns / 1_000_000_000) {
        Ok(secs) => Duration::new(secs, (ns % 1_000_000_000) as u32),
        Err(_) => Duration::MAX,
    }
}

/// `start + offset`, or a year from now when that cannot be represented.
pub(crate) fn later(start: Instant, offset: Duration) -> Instant {
    start
        .checked_add(offset)
        .or_else(|| Instant::now().checked_add(Duration::from_secs(365 * 86_400)))
        .unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    /// The issue's targets: a job of `job` seconds is in hand by `by` seconds after the
    /// start, after at most `checks` checks.
    fn meets(job: f64, by: f64, checks: u32) {
        let (n, at) = PollSchedule::new().simulate(secs(job));
        assert!(
            n <= checks && at <= secs(by),
            "a {job} s job: {n} checks, done at {at:?}; target {checks} checks by {by} s"
        );
        assert!(at >= secs(job), "the last check sees the job done");
    }

    #[test]
    fn target_half_second_job() {
        meets(0.5, 1.2, 1);
    }

    #[test]
    fn target_one_second_job() {
        meets(1.0, 1.5, 2);
    }

    #[test]
    fn target_five_second_job() {
        meets(5.0, 6.5, 3);
    }

    #[test]
    fn target_twenty_second_job() {
        meets(20.0, 22.0, 8);
    }

    #[test]
    fn target_one_minute_job() {
        meets(60.0, 66.0, 21);
    }

    #[test]
    fn target_ten_minute_job() {
        meets(600.0, 660.0, 50);
    }

    #[test]
    fn target_thirty_minute_job() {
        meets(1800.0, 1900.0, 100);
    }

    #[test]
    fn never_meaningfully_worse_than_every_three_seconds() {
        let fixed = PollSchedule::fixed(secs(3.0));
        for job in [0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0] {
            let (n, at) = PollSchedule::new().simulate(secs(job));
            let (n3, at3) = fixed.simulate(secs(job));
            assert!(n <= n3, "{job} s: {n} checks against {n3}");
            assert!(
                at <= at3 + secs(job * 0.1).max(secs(1.0)),
                "{job} s: done at {at:?} against {at3:?}"
            );
        }
    }

    #[test]
    fn long_jobs_cost_far_fewer_checks() {
        let fixed = PollSchedule::fixed(secs(3.0));
        for (job, most, cheaper) in [
            (300.0, 40, 2),
            (600.0, 45, 4),
            (1800.0, 65, 9),
            (2700.0, 80, 11),
        ] {
            let (n, _) = PollSchedule::new().simulate(secs(job));
            let (n3, _) = fixed.simulate(secs(job));
            assert!(
                n <= most && n * cheaper < n3,
                "{job} s: {n} checks against {n3}"
            );
        }
    }

    #[test]
    fn the_default_shape() {
        let s = PollSchedule::new();
        let mut at = Vec::new();
        let mut waited = Duration::ZERO;
        for checks in 0..14 {
            waited = s.next_check(checks, waited);
            at.push(waited);
        }
        let whole: Vec<f64> = at
            .iter()
            .map(|d| (d.as_secs_f64() * 100.0).round() / 100.0)
            .collect();
        assert_eq!(
            whole,
            [
                1.0, 3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 21.0, 24.0, 27.0, 30.0, 33.0, 36.3, 39.93
            ]
        );
        // Late in a long wait the gaps stop growing at the cap.
        let late = secs(3000.0);
        assert_eq!(s.next_check(80, late), late + secs(60.0));
    }

    #[test]
    fn lateness_is_bounded_by_the_gap_at_the_jobs_age() {
        let s = PollSchedule::new();
        let mut job = 0.05;
        while job < 3000.0 {
            let (_, at) = s.simulate(secs(job));
            let late = at.as_secs_f64() - job;
            let bound = (job * 0.1).clamp(3.0, 60.0).max(1.0 - job);
            assert!(
                late <= bound + 1e-6,
                "{job} s: {late} s late, bound {bound}"
            );
            job *= 1.07;
        }
    }

    #[test]
    fn gaps_never_exceed_the_cap_and_never_shrink_below_a_millisecond() {
        let s = PollSchedule::new().max_interval(secs(20.0));
        let mut waited = Duration::ZERO;
        for checks in 0..200 {
            let next = s.next_check(checks, waited);
            if checks > 0 {
                let gap = next - waited;
                assert!(gap <= secs(20.0) && gap >= MIN_GAP, "{checks}: {gap:?}");
            }
            waited = next;
        }
        let zero = PollSchedule::fixed(Duration::ZERO);
        assert_eq!(zero.next_check(1, secs(1.0)), secs(1.001));
        assert_eq!(zero.simulate(secs(0.01)).0, 11, "terminates");
    }

    #[test]
    fn a_late_check_does_not_push_the_beat() {
        let s = PollSchedule::new();
        // The check due at 6 s answered at 7.2 s: the next is still on the beat, at 9 s.
        assert_eq!(s.next_check(3, secs(7.2)), secs(9.0));
        // A first check asked for late is made at once.
        assert_eq!(s.next_check(0, secs(4.0)), secs(4.0));
    }

    #[test]
    fn fixed_is_the_tutorials_schedule() {
        let s = PollSchedule::fixed(secs(3.0));
        assert_eq!(s.next_check(0, Duration::ZERO), Duration::ZERO);
        assert_eq!(s.next_check(1, secs(0.02)), secs(3.0));
        assert_eq!(s.next_check(2, secs(3.02)), secs(6.0));
        assert_eq!(s.simulate(secs(1.0)), (2, secs(3.0)));
        assert_eq!(s.simulate(secs(600.0)).0, 201);
        assert_eq!(s.simulate(secs(1800.0)).0, 601);
    }

    #[test]
    fn knobs_are_sanitised() {
        assert_eq!(PollSchedule::new().growth(f64::NAN).growth, 0.0);
        assert_eq!(PollSchedule::new().growth(-1.0).growth, 0.0);
        let huge = PollSchedule::new().growth(f64::INFINITY);
        assert_eq!(huge.next_check(2, secs(10.0)), secs(70.0), "capped");
        let odd = PollSchedule::new()
            .interval(secs(100.0))
            .max_interval(secs(5.0));
        assert_eq!(odd.next_check(1, secs(1.0)), secs(6.0), "the cap wins");
        assert_eq!(next_multiple(secs(3.0), Duration::MAX), Duration::MAX);
    }

    #[test]
    fn jitter_stays_within_a_tenth_of_the_gap_and_spreads() {
        let s = PollSchedule::new();
        let mut seen = std::collections::HashSet::new();
        for i in 0..200u64 {
            let waited = secs(100.0) + Duration::from_nanos(i);
            let plain = s.next_check(20, waited);
            let gap = plain - waited;
            let j = s.next_check_jittered(20, waited);
            assert!(
                j + gap / 10 >= plain && j <= plain + gap / 10,
                "{j:?} vs {plain:?}"
            );
            seen.insert(j.as_millis());
        }
        assert!(
            seen.len() > 50,
            "jitter spreads checks: {} distinct",
            seen.len()
        );
    }

    #[test]
    fn a_check_jitter_brought_early_still_counts_for_its_beat() {
        let schedule = PollSchedule::new()
            .first_check(Duration::from_millis(50))
            .interval(Duration::from_millis(100))
            .growth(0.5)
            .max_interval(Duration::from_millis(300));
        // The second check was due at 100 ms and jitter made it at 98 ms: the next is the
        // 200 ms beat, as after a check made on time, not 100 ms again (then growth's 147).
        let on_time = schedule.next_check(2, Duration::from_millis(100));
        let early = schedule.next_check(2, Duration::from_millis(98));
        assert_eq!(on_time, Duration::from_millis(200));
        assert_eq!(early, on_time);
    }
}
