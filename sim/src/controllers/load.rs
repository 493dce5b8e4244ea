//! Synthetic load curves for HPAs: deterministic functions of the seconds
//! since the scenario started. A value is the demand in "pods at target":
//! 3.0 means three pods' worth of load at exactly the HPA's target.

use std::f64::consts::TAU;

#[derive(Debug, Clone, PartialEq)]
pub enum LoadCurve {
    Constant(f64),
    /// From `from` to `to` over `secs`, then holding at `to`.
    Ramp {
        from: f64,
        to: f64,
        secs: f64,
    },
    Sine {
        base: f64,
        amplitude: f64,
        period: f64,
    },
    /// `base`, except `peak` for `secs` seconds every `every` seconds, starting at `at`.
    Spike {
        base: f64,
        peak: f64,
        at: f64,
        secs: f64,
        every: f64,
    },
}

impl LoadCurve {
    pub fn at(&self, t: f64) -> f64 {
        let v = match *self {
            LoadCurve::Constant(v) => v,
            LoadCurve::Ramp { from, to, secs } => {
                from + (to - from) * (t / secs.max(1.0)).clamp(0.0, 1.0)
            }
            LoadCurve::Sine {
                base,
                amplitude,
                period,
            } => base + amplitude * (TAU * t / period.max(1.0)).sin(),
            LoadCurve::Spike {
                base,
                peak,
                at,
                secs,
                every,
            } => {
                let since = t - at;
                let phase = if every > 0.0 {
                    since.rem_euclid(every)
                } else {
                    since
                };
                if since >= 0.0 && phase < secs {
                    peak
                } else {
                    base
                }
            }
        };
        v.max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_are_functions_of_time() {
        let ramp = LoadCurve::Ramp {
            from: 1.0,
            to: 5.0,
            secs: 100.0,
        };
        assert_eq!(
            (ramp.at(0.0), ramp.at(50.0), ramp.at(500.0)),
            (1.0, 3.0, 5.0)
        );
        let spike = LoadCurve::Spike {
            base: 1.0,
            peak: 8.0,
            at: 60.0,
            secs: 30.0,
            every: 600.0,
        };
        assert_eq!(
            (
                spike.at(10.0),
                spike.at(70.0),
                spike.at(100.0),
                spike.at(665.0)
            ),
            (1.0, 8.0, 1.0, 8.0)
        );
        let sine = LoadCurve::Sine {
            base: 2.0,
            amplitude: 1.0,
            period: 40.0,
        };
        assert!((sine.at(10.0) - 3.0).abs() < 1e-9);
    }
}
