//! Generated two-feature data sets in the manner of TensorFlow Playground (circle, xor, gauss,
//! spiral) and scikit-learn's `make_moons`: small tables with a boundary worth watching.
//!
//! Every set lies within [-1, 1] on both axes, so the network trains on it as it is, and the
//! classes alternate point by point, so they are balanced. `noise` runs from 0 (clean) to 1 and
//! means what it means in TensorFlow Playground (whose slider stops at 0.5): for circle and xor it
//! moves the point a label is read from, so labels near the boundary flip while the points stay
//! in place; for gauss it widens the blobs; for spiral and moons it jitters the points.

use super::Dataset;
use crate::random::Generator;
use crate::settings::Features;
pub use crate::settings::Playground;
use std::f32::consts::{PI, TAU};

/// Keeps the points' random stream apart from the split's, which starts from the same seed:
/// the points are drawn from `torch.manual_seed(seed ^ STREAM)`.
const STREAM: u64 = 0x706C_6179_6772_6F75;

/// `points` points of `kind` with features `x1`, `x2` and 0/1 labels; the same seed gives the
/// same points. A `noise` outside 0..=1 is clamped to it (a non-finite one is 0).
pub fn generate(kind: Playground, points: usize, noise: f32, seed: u64) -> Dataset {
    let noise = if noise.is_finite() {
        noise.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut rng = Generator::manual_seed(seed ^ STREAM);
    let mut x = Vec::with_capacity(points.saturating_mul(2));
    let mut y = Vec::with_capacity(points);
    for i in 0..points {
        let class = i % 2 == 0;
        let (x1, x2, label) = match kind {
            Playground::Circle => circle(&mut rng, class, noise),
            Playground::Xor => xor(&mut rng, class, noise),
            Playground::Gauss => gauss(&mut rng, class, noise),
            Playground::Spiral => spiral(&mut rng, class, noise),
            Playground::Moons => moons(&mut rng, class, noise),
        };
        x.extend([x1, x2]);
        y.push(if label { 1.0 } else { 0.0 });
    }
    Dataset {
        features: vec!["x1".into(), "x2".into()],
        x,
        y,
    }
}

/// The rows of `points` (the two coordinates of each) as `features` make them (the
/// Playground's formulas: `Feature::of`), named by their labels.
pub fn crossed(points: &Dataset, features: Features) -> Dataset {
    if features.is_plain() {
        return points.clone();
    }
    let list = features.list();
    let x = points
        .x
        .chunks_exact(2)
        .flat_map(|point| list.iter().map(|f| f.of(point[0], point[1])))
        .collect();
    Dataset {
        features: features.labels(),
        x,
        y: points.y.clone(),
    }
}

/// TensorFlow Playground's circle, divided by its radius 5: a disc of radius 0.5 and a ring
/// from 0.7 to 1. The label is read at the point moved by up to `noise` on each axis.
fn circle(rng: &mut Generator, inner: bool, noise: f32) -> (f32, f32, bool) {
    let r = if inner {
        uniform(rng, 0.0, 0.5)
    } else {
        uniform(rng, 0.7, 1.0)
    };
    let angle = uniform(rng, 0.0, TAU);
    let (x1, x2) = (r * angle.sin(), r * angle.cos());
    let (n1, n2) = (uniform(rng, -noise, noise), uniform(rng, -noise, noise));
    (x1, x2, (x1 + n1).hypot(x2 + n2) < 0.5)
}

/// TensorFlow Playground's xor: uniform points kept 0.06 (its 0.3 of 5) off the axes, class 1
/// where the signs agree at the point moved by up to `noise` on each axis.
fn xor(rng: &mut Generator, same_sign: bool, noise: f32) -> (f32, f32, bool) {
    const GAP: f32 = 0.06;
    let sign = if rng.next_u32() & 1 == 0 { 1.0 } else { -1.0 };
    let x1 = sign * uniform(rng, GAP, 1.0);
    let other_sign = if same_sign { sign } else { -sign };
    let x2 = other_sign * uniform(rng, GAP, 1.0);
    let (n1, n2) = (uniform(rng, -noise, noise), uniform(rng, -noise, noise));
    (x1, x2, (x1 + n1) * (x2 + n2) > 0.0)
}

/// Two round Gaussian blobs at ±(0.4, 0.4), standard deviation 0.1 clean and 0.5 at full noise.
/// Samples outside the square are drawn again, so the blobs are cut off rather than piled up
/// at its edge.
fn gauss(rng: &mut Generator, positive: bool, noise: f32) -> (f32, f32, bool) {
    let centre = if positive { 0.4 } else { -0.4 };
    let sd = 0.1 + 0.4 * noise;
    let mut point = (centre, centre);
    // Even at full noise more than half the draws land inside; 64 misses in a row never happen.
    for _ in 0..64 {
        point = (centre + sd * normal(rng), centre + sd * normal(rng));
        if point.0.abs() <= 1.0 && point.1.abs() <= 1.0 {
            break;
        }
    }
    (point.0.clamp(-1.0, 1.0), point.1.clamp(-1.0, 1.0), positive)
}

/// TensorFlow Playground's spiral, divided by its radius 5: 1.75 turns, the second arm half a
/// turn behind the first, each point jittered by up to `noise` × 0.2 on each axis. Points lie
/// at random along the arm (not evenly spaced), so the seed decides them even without noise.
fn spiral(rng: &mut Generator, first: bool, noise: f32) -> (f32, f32, bool) {
    let r = uniform(rng, 0.0, 1.0);
    let angle = 1.75 * TAU * r + if first { 0.0 } else { PI };
    let jitter = 0.2 * noise;
    let x1 = r * angle.sin() + uniform(rng, -jitter, jitter);
    let x2 = r * angle.cos() + uniform(rng, -jitter, jitter);
    (x1.clamp(-1.0, 1.0), x2.clamp(-1.0, 1.0), first)
}

/// scikit-learn's `make_moons`: the upper half of the unit circle (class 0) and the lower half
/// of one centred on (1, 0.5) (class 1), with Gaussian noise of standard deviation `noise`
/// (sklearn's own parameter), then centred and divided by 1.5 to fit the square.
fn moons(rng: &mut Generator, lower: bool, noise: f32) -> (f32, f32, bool) {
    let t = uniform(rng, 0.0, PI);
    let (a, b) = if lower {
        (1.0 - t.cos(), 0.5 - t.sin())
    } else {
        (t.cos(), t.sin())
    };
    let a = a + noise * normal(rng);
    let b = b + noise * normal(rng);
    let x1 = (a - 0.5) / 1.5;
    let x2 = (b - 0.25) / 1.5;
    (x1.clamp(-1.0, 1.0), x2.clamp(-1.0, 1.0), lower)
}

fn uniform(rng: &mut Generator, low: f32, high: f32) -> f32 {
    low + (high - low) * rng.uniform()
}

/// A standard normal sample (Box–Muller on two uniforms; the second sample of the pair is not
/// kept).
fn normal(rng: &mut Generator) -> f32 {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    let u1 = f64::from(1.0 - rng.uniform());
    let u2 = f64::from(rng.uniform());
    #[expect(
        clippy::cast_possible_truncation,
        reason = "a normal sample fits an f32"
    )]
    let sample = ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32;
    sample
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Choice;

    fn points(data: &Dataset) -> impl Iterator<Item = (f32, f32, bool)> + '_ {
        data.x
            .chunks_exact(2)
            .zip(&data.y)
            .map(|(p, &y)| (p[0], p[1], y == 1.0))
    }

    /// The best accuracy of straight lines through the square: 72 directions × 41 offsets,
    /// either side class 1.
    fn best_linear_accuracy(data: &Dataset) -> f32 {
        let n = data.rows() as f32;
        let mut best = 0.0f32;
        for step in 0..72 {
            let angle = step as f32 * TAU / 72.0;
            let (w1, w2) = (angle.cos(), angle.sin());
            for offset in -20..=20 {
                let b = offset as f32 * 0.05;
                let right = points(data)
                    .filter(|&(x1, x2, label)| (w1 * x1 + w2 * x2 > b) == label)
                    .count() as f32;
                best = best.max(right / n).max(1.0 - right / n);
            }
        }
        best
    }

    #[test]
    fn names_are_the_flag_values() {
        let names: Vec<String> = Playground::ALL.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["circle", "xor", "gauss", "spiral", "moons"]);
    }

    #[test]
    fn the_seed_decides_the_points() {
        for &kind in Playground::ALL {
            for noise in [0.0, 0.1] {
                let a = generate(kind, 200, noise, 7);
                assert_eq!(a, generate(kind, 200, noise, 7), "{kind}");
                assert_ne!(a.x, generate(kind, 200, noise, 8).x, "{kind}");
                assert_eq!(a.features, ["x1", "x2"]);
                assert_eq!((a.rows(), a.x.len()), (200, 400));
            }
        }
    }

    #[test]
    fn classes_are_balanced() {
        for &kind in Playground::ALL {
            for noise in [0.0, 0.1] {
                for seed in [1, 42] {
                    let data = generate(kind, 400, noise, seed);
                    assert!(data.y.iter().all(|&y| y == 0.0 || y == 1.0));
                    let ones = data.y.iter().sum::<f32>() / 400.0;
                    assert!((0.4..=0.6).contains(&ones), "{kind} noise {noise}: {ones}");
                }
            }
        }
    }

    #[test]
    fn inputs_lie_within_the_square_at_any_noise() {
        for &kind in Playground::ALL {
            for noise in [0.0, 0.1, 0.5, 1.0, -3.0, 7.0, f32::NAN, f32::INFINITY] {
                let data = generate(kind, 1000, noise, 3);
                assert!(
                    data.x.iter().all(|v| v.is_finite() && v.abs() <= 1.0),
                    "{kind} noise {noise}"
                );
            }
        }
    }

    #[test]
    fn no_points_is_an_empty_table() {
        let data = generate(Playground::Spiral, 0, 0.1, 1);
        assert_eq!((data.rows(), data.n_features()), (0, 2));
    }

    #[test]
    fn clean_circle_is_the_inner_disc() {
        let data = generate(Playground::Circle, 1000, 0.0, 5);
        for (x1, x2, label) in points(&data) {
            let r = x1.hypot(x2);
            assert_eq!(label, r < 0.5, "({x1}, {x2})");
            assert!(r < 0.5 || (0.7..=1.0).contains(&r), "({x1}, {x2})");
        }
    }

    #[test]
    fn clean_xor_is_the_sign_of_the_product() {
        let data = generate(Playground::Xor, 1000, 0.0, 5);
        for (x1, x2, label) in points(&data) {
            assert_eq!(label, x1 * x2 > 0.0, "({x1}, {x2})");
        }
    }

    #[test]
    fn clean_gauss_blobs_lie_either_side_of_their_bisector() {
        for seed in 0..5 {
            let data = generate(Playground::Gauss, 1000, 0.0, seed);
            for (x1, x2, label) in points(&data) {
                assert_eq!(label, x1 + x2 > 0.0, "({x1}, {x2})");
            }
        }
    }

    #[test]
    fn moons_and_spirals_defeat_a_straight_line() {
        // The best line gets about 89–91 % of the clean moons right and 61 % of the spirals.
        for (kind, most) in [(Playground::Moons, 0.93), (Playground::Spiral, 0.7)] {
            for seed in [1, 11, 42] {
                let accuracy = best_linear_accuracy(&generate(kind, 1000, 0.0, seed));
                assert!(accuracy < most, "{kind} seed {seed}: {accuracy}");
            }
        }
        // Whereas a line does separate the blobs, so the check can tell.
        let blobs = best_linear_accuracy(&generate(Playground::Gauss, 1000, 0.0, 11));
        assert!(blobs > 0.99, "{blobs}");
    }

    #[test]
    fn noise_blurs_the_boundary() {
        let clean_rule = |kind, x1: f32, x2: f32| match kind {
            Playground::Circle => x1.hypot(x2) < 0.5,
            Playground::Xor => x1 * x2 > 0.0,
            _ => x1 + x2 > 0.0,
        };
        for kind in [Playground::Circle, Playground::Xor, Playground::Gauss] {
            let data = generate(kind, 1000, 0.3, 9);
            let kept = points(&data)
                .filter(|&(x1, x2, label)| clean_rule(kind, x1, x2) == label)
                .count();
            assert!((700..1000).contains(&kept), "{kind}: {kept}");
        }
        let clean = generate(Playground::Moons, 100, 0.0, 9);
        let noisy = generate(Playground::Moons, 100, 0.1, 9);
        assert_eq!(clean.y, noisy.y);
        assert_ne!(clean.x, noisy.x);
    }
}
